/* The server's defaults, the values Uvicorn's options default to (the CLI and the test
 * client start from them). */
#include <string.h>

#include "server/server.h"

void bk_config_defaults(bk_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->host = "127.0.0.1";
    cfg->port = 8000;
    cfg->workers = 1;
    cfg->backlog = 2048;
    cfg->timeout_keep_alive = 5;
    cfg->timeout_graceful_shutdown = 30;
    cfg->timeout_request_headers = 10;
    cfg->timeout_request_body = 30;
    cfg->timeout_worker_healthcheck = 30;
    cfg->limit_request_head = 32 * 1024;
    cfg->limit_request_line = 8 * 1024;
    cfg->limit_request_fields = 100;
    cfg->limit_request_body = 16 * 1024 * 1024;
    cfg->stack_size = 256 * 1024;
    cfg->log_level = BRISK_LOG_INFO;
    cfg->access_log = true;
    cfg->root_path = "";
    cfg->proxy_headers = true;
    cfg->forwarded_allow_ips = "127.0.0.1";
}
