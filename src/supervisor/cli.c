/* Command-line options, named as Uvicorn names them where Uvicorn has the option, each
 * also settable from the environment (the option wins over the variable). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/log.h"
#include "supervisor/supervisor.h"

enum opt_type { OPT_STR, OPT_INT, OPT_SECONDS, OPT_SIZE, OPT_FLAG, OPT_NOFLAG, OPT_LEVEL };

typedef struct opt {
    const char *name;      /* without the leading "--" */
    const char *env;
    enum opt_type type;
    size_t offset;         /* into bk_config */
    const char *metavar;
    const char *help;
} opt;

#define OFF(field) offsetof(bk_config, field)

static const opt options[] = {
    {"host", "BRISK_HOST", OPT_STR, OFF(host), "ADDR", "Bind to this address. [127.0.0.1]"},
    {"port", "BRISK_PORT", OPT_INT, OFF(port), "N", "Bind to this port. [8000]"},
    {"uds", "BRISK_UDS", OPT_STR, OFF(uds), "PATH", "Bind to a Unix domain socket instead."},
    {"workers", "WEB_CONCURRENCY", OPT_INT, OFF(workers), "N",
     "Number of worker processes. [1]"},
    {"backlog", "BRISK_BACKLOG", OPT_INT, OFF(backlog), "N",
     "Maximum number of connections waiting to be accepted. [2048]"},
    {"timeout-keep-alive", "BRISK_TIMEOUT_KEEP_ALIVE", OPT_SECONDS, OFF(timeout_keep_alive), "S",
     "Close keep-alive connections idle this long. [5]"},
    {"timeout-graceful-shutdown", "BRISK_TIMEOUT_GRACEFUL_SHUTDOWN", OPT_SECONDS,
     OFF(timeout_graceful_shutdown), "S",
     "On SIGTERM, wait this long for in-flight requests. [30]"},
    {"timeout-request-headers", "BRISK_TIMEOUT_REQUEST_HEADERS", OPT_SECONDS,
     OFF(timeout_request_headers), "S",
     "A request head must arrive within this time (408). [10]"},
    {"timeout-request-body", "BRISK_TIMEOUT_REQUEST_BODY", OPT_SECONDS,
     OFF(timeout_request_body), "S",
     "Longest silence while a body is read (408). [30]"},
    {"timeout-worker-healthcheck", "BRISK_TIMEOUT_WORKER_HEALTHCHECK", OPT_SECONDS,
     OFF(timeout_worker_healthcheck), "S",
     "Kill and replace a worker whose loop is stuck this long. [30]"},
    {"limit-concurrency", "BRISK_LIMIT_CONCURRENCY", OPT_INT, OFF(limit_concurrency), "N",
     "Per worker: answer 503 beyond this many connections or requests. [none]"},
    {"limit-max-requests", "BRISK_LIMIT_MAX_REQUESTS", OPT_INT, OFF(limit_max_requests), "N",
     "Restart a worker after this many requests. [none]"},
    {"limit-max-requests-jitter", "BRISK_LIMIT_MAX_REQUESTS_JITTER", OPT_INT,
     OFF(limit_max_requests_jitter), "N",
     "Add 0..N to --limit-max-requests per worker, so they do not restart together. [0]"},
    {"limit-request-head", "BRISK_LIMIT_REQUEST_HEAD", OPT_SIZE, OFF(limit_request_head), "BYTES",
     "Request line + headers size (431). [32K]"},
    {"limit-request-line", "BRISK_LIMIT_REQUEST_LINE", OPT_SIZE, OFF(limit_request_line), "BYTES",
     "Request-target length (414). [8K]"},
    {"limit-request-fields", "BRISK_LIMIT_REQUEST_FIELDS", OPT_SIZE, OFF(limit_request_fields),
     "N", "Number of header fields (431). [100]"},
    {"limit-request-body", "BRISK_LIMIT_REQUEST_BODY", OPT_SIZE, OFF(limit_request_body), "BYTES",
     "Request body size (413). [16M]"},
    {"stack-size", "BRISK_STACK_SIZE", OPT_SIZE, OFF(stack_size), "BYTES",
     "Stack size of each request's coroutine. [256K]"},
    {"log-level", "BRISK_LOG_LEVEL", OPT_LEVEL, OFF(log_level), "LEVEL",
     "critical, error, warning, info, debug or trace. [info]"},
    {"access-log", "BRISK_ACCESS_LOG", OPT_FLAG, OFF(access_log), NULL,
     "Log one line per request. [on]"},
    {"no-access-log", NULL, OPT_NOFLAG, OFF(access_log), NULL, "Disable the access log."},
    {"root-path", "BRISK_ROOT_PATH", OPT_STR, OFF(root_path), "PATH",
     "The path prefix the app is mounted under behind a proxy. [\"\"]"},
    {"proxy-headers", "BRISK_PROXY_HEADERS", OPT_FLAG, OFF(proxy_headers), NULL,
     "Trust X-Forwarded-For/-Proto from --forwarded-allow-ips. [on]"},
    {"no-proxy-headers", NULL, OPT_NOFLAG, OFF(proxy_headers), NULL,
     "Ignore X-Forwarded-* headers."},
    {"forwarded-allow-ips", "FORWARDED_ALLOW_IPS", OPT_STR, OFF(forwarded_allow_ips), "LIST",
     "Comma-separated proxy addresses to trust, or '*'. [127.0.0.1]"},
};

#define NOPTS (sizeof options / sizeof *options)

static void usage(const char *prog, FILE *f) {
    fprintf(f, "Usage: %s [OPTIONS]\n\nOptions (each also read from the variable shown):\n",
            prog);
    for (size_t i = 0; i < NOPTS; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", options[i].name, options[i].metavar ? " " : "",
                 options[i].metavar ? options[i].metavar : "");
        fprintf(f, "  %-34s %s", left, options[i].help);
        if (options[i].env) fprintf(f, " (%s)", options[i].env);
        fputc('\n', f);
    }
    fprintf(f, "  %-34s %s\n", "--help", "Show this message and exit.");
}

static bool parse_long(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static bool parse_seconds(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0) || v > 1e6) return false;
    *out = v;
    return true;
}

/* "64K", "16M", "1G" or plain bytes. */
static bool parse_size(const char *s, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-') return false;
    unsigned long long mul = 1;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': mul = 1024ULL; break;
        case 'm': case 'M': mul = 1024ULL * 1024; break;
        case 'g': case 'G': mul = 1024ULL * 1024 * 1024; break;
        default: return false;
        }
        if (end[1] && strcasecmp(end + 1, "b") != 0 && strcasecmp(end + 1, "ib") != 0)
            return false;
    }
    if (v > SIZE_MAX / mul) return false;
    *out = (size_t)(v * mul);
    return true;
}

static bool parse_bool(const char *s, bool *out) {
    if (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
        !strcasecmp(s, "on")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no") ||
        !strcasecmp(s, "off")) {
        *out = false;
        return true;
    }
    return false;
}

static bool apply(bk_config *cfg, const opt *o, const char *val) {
    char *field = (char *)cfg + o->offset;
    long l;
    switch (o->type) {
    case OPT_STR:
        *(const char **)field = val;
        return true;
    case OPT_INT:
        if (field == (char *)&cfg->port) {
            if (!parse_long(val, 0, 65535, &l)) return false;
            cfg->port = (int)l;
        } else if (field == (char *)&cfg->workers || field == (char *)&cfg->backlog) {
            if (!parse_long(val, 1, field == (char *)&cfg->workers ? 256 : INT_MAX, &l))
                return false;
            *(int *)field = (int)l;
        } else {
            if (!parse_long(val, 0, LONG_MAX, &l)) return false;
            *(long *)field = l;
        }
        return true;
    case OPT_SECONDS:
        return parse_seconds(val, (double *)field);
    case OPT_SIZE:
        return parse_size(val, (size_t *)field);
    case OPT_FLAG:
    case OPT_NOFLAG:
        return parse_bool(val, (bool *)field);
    case OPT_LEVEL: {
        int lv = bk_log_level_parse(val);
        if (lv < 0) return false;
        *(int *)field = lv;
        return true;
    }
    }
    return false;
}

static bool check(const bk_config *cfg) {
    const char *bad = NULL;
    if (cfg->limit_request_head < 256) bad = "--limit-request-head must be at least 256";
    else if (cfg->limit_request_line < 16) bad = "--limit-request-line must be at least 16";
    else if (cfg->limit_request_fields < 1 || cfg->limit_request_fields > 10000)
        bad = "--limit-request-fields must be 1..10000";
    else if (cfg->limit_request_head > 16 * 1024 * 1024)
        bad = "--limit-request-head must be at most 16M";
    else if (cfg->stack_size < 16 * 1024) bad = "--stack-size must be at least 16K";
    if (bad) fprintf(stderr, "Error: %s\n", bad);
    return !bad;
}

int bk_cli_parse(bk_config *cfg, int argc, char **argv) {
    const char *prog = argc > 0 ? argv[0] : "brisk";
    for (size_t i = 0; i < NOPTS; i++) {
        const char *v = options[i].env ? getenv(options[i].env) : NULL;
        if (v && *v && !apply(cfg, &options[i], v)) {
            fprintf(stderr, "Error: invalid value for %s: '%s'\n", options[i].env, v);
            return -1;
        }
    }
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(prog, stdout);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, "Error: unexpected argument '%s' (try --help)\n", arg);
            return -1;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const opt *o = NULL;
        for (size_t i = 0; i < NOPTS; i++)
            if (strlen(options[i].name) == nlen && !strncmp(options[i].name, name, nlen))
                o = &options[i];
        if (!o) {
            fprintf(stderr, "Error: no such option: --%.*s (try --help)\n", (int)nlen, name);
            return -1;
        }
        const char *val;
        if (o->type == OPT_FLAG || o->type == OPT_NOFLAG) {
            if (eq) {
                fprintf(stderr, "Error: option --%s takes no value\n", o->name);
                return -1;
            }
            val = o->type == OPT_FLAG ? "1" : "0";
        } else if (eq) {
            val = eq + 1;
        } else if (a + 1 < argc) {
            val = argv[++a];
        } else {
            fprintf(stderr, "Error: option --%s requires a value\n", o->name);
            return -1;
        }
        if (!apply(cfg, o, val)) {
            fprintf(stderr, "Error: invalid value for --%s: '%s'\n", o->name, val);
            return -1;
        }
    }
    return check(cfg) ? 0 : -1;
}
