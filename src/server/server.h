/* The server layer's interface to the layers above it: configuration, listening sockets
 * and running one worker. */
#ifndef BK_SERVER_H
#define BK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "brisk.h"

typedef struct bk_config {
    const char *host;
    int port;
    const char *uds;
    int workers;
    int backlog;
    double timeout_keep_alive;          /* seconds an idle keep-alive connection is kept */
    double timeout_graceful_shutdown;   /* seconds a draining worker waits for requests */
    double timeout_request_headers;     /* seconds to receive a complete request head */
    double timeout_request_body;        /* seconds without progress while reading a body */
    double timeout_worker_healthcheck;  /* seconds without heartbeat before a kill */
    long limit_concurrency;             /* 0 = unlimited */
    long limit_max_requests;            /* 0 = unlimited */
    long limit_max_requests_jitter;
    size_t limit_request_head;          /* request line + headers, bytes */
    size_t limit_request_line;          /* request-target, bytes */
    size_t limit_request_fields;        /* header count */
    size_t limit_request_body;          /* body bytes */
    size_t stack_size;                  /* coroutine stack */
    int log_level;
    bool access_log;
    const char *root_path;
    bool proxy_headers;
    const char *forwarded_allow_ips;
} bk_config;

/* What the worker calls for each request, inside the request's coroutine. */
typedef void (*bk_request_fn)(brisk_ctx *c, void *udata);

/* Shared with the master through an anonymous shared mapping: the worker bumps `beat`
 * four times a second; the master kills a worker whose beat stops. */
typedef struct bk_heartbeat {
    volatile uint64_t beat_ms;
    volatile int ready;
} bk_heartbeat;

/* Creates a listening socket for cfg (TCP with SO_REUSEPORT, or a Unix socket). Returns
 * the fd or -1 with an error logged. */
int bk_listen_socket(const bk_config *cfg);
/* Binds (without listening, without SO_REUSEPORT) to check that no other server holds the
 * address. Returns the fd to close, or -1 with an error logged. */
int bk_probe_bind(const bk_config *cfg);

/* Serves on listen_fd until drained by SIGTERM/SIGINT, --limit-max-requests, or a fatal
 * error. Returns the process exit status. */
int bk_worker_run(const bk_config *cfg, int listen_fd, bk_request_fn fn, void *udata,
                  bk_heartbeat *hb);

/* For the app layer. */
void *bk_ctx_app(const brisk_ctx *c);
void bk_ctx_set_app(brisk_ctx *c, void *app_state);
const bk_config *bk_ctx_config(const brisk_ctx *c);
/* The request arena, for layers that allocate through bk_arena (the JSON reader). */
struct bk_arena *bk_ctx_arena(brisk_ctx *c);

#endif
