/* Command-line and environment parsing. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "supervisor/supervisor.h"

static int cli_parse(bk_config *cfg, int argc, const char **argv) {
    bk_config_defaults(cfg);
    return bk_cli_parse(cfg, argc, (char **)argv);
}

Test(cli, defaults) {
    bk_config cfg;
    const char *argv[] = {"app"};
    cr_assert_eq(cli_parse(&cfg, 1, argv), 0);
    cr_assert_str_eq(cfg.host, "127.0.0.1");
    cr_assert_eq(cfg.port, 8000);
    cr_assert_eq(cfg.workers, 1);
    cr_assert_eq(cfg.limit_request_body, 16u * 1024 * 1024);
    cr_assert(cfg.access_log);
}

Test(cli, options_both_spellings_and_sizes) {
    bk_config cfg;
    const char *argv[] = {"app", "--port=9001", "--workers", "3", "--limit-request-body", "64K",
                          "--timeout-keep-alive", "0.5", "--no-access-log", "--log-level",
                          "DEBUG", "--limit-request-head", "1m"};
    cr_assert_eq(cli_parse(&cfg, 13, argv), 0);
    cr_assert_eq(cfg.port, 9001);
    cr_assert_eq(cfg.workers, 3);
    cr_assert_eq(cfg.limit_request_body, 64u * 1024);
    cr_assert_eq(cfg.limit_request_head, 1024u * 1024);
    cr_assert_float_eq(cfg.timeout_keep_alive, 0.5, 1e-9);
    cr_assert(!cfg.access_log);
    cr_assert_eq(cfg.log_level, BRISK_LOG_DEBUG);
}

Test(cli, bad_values_are_refused) {
    bk_config cfg;
    const char *cases[][2] = {{"--port", "70000"}, {"--port", "80x"},  {"--workers", "0"},
                              {"--limit-request-body", "12Q"}, {"--timeout-keep-alive", "-1"},
                              {"--log-level", "loud"}, {"--no-such-option", "1"},
                              {"--limit-request-fields", "0"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *argv[] = {"app", cases[i][0], cases[i][1]};
        cr_assert_eq(cli_parse(&cfg, 3, argv), -1, "%s %s accepted", cases[i][0], cases[i][1]);
    }
    const char *missing[] = {"app", "--port"};
    cr_assert_eq(cli_parse(&cfg, 2, missing), -1);
    const char *flag_value[] = {"app", "--no-access-log=1"};
    cr_assert_eq(cli_parse(&cfg, 2, flag_value), -1);
}

Test(cli, environment_and_option_precedence) {
    bk_config cfg;
    setenv("BRISK_PORT", "7001", 1);
    setenv("WEB_CONCURRENCY", "4", 1);
    const char *argv[] = {"app", "--port", "7002"};
    int rc = cli_parse(&cfg, 3, argv);
    unsetenv("BRISK_PORT");
    unsetenv("WEB_CONCURRENCY");
    cr_assert_eq(rc, 0);
    cr_assert_eq(cfg.port, 7002, "the option wins over the variable");
    cr_assert_eq(cfg.workers, 4);
    setenv("BRISK_ACCESS_LOG", "off", 1);
    const char *plain[] = {"app"};
    rc = cli_parse(&cfg, 1, plain);
    unsetenv("BRISK_ACCESS_LOG");
    cr_assert_eq(rc, 0);
    cr_assert(!cfg.access_log);
}
