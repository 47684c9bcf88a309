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

/* Fills cfg with the defaults (Uvicorn's, where it has the option). */
void bk_config_defaults(bk_config *cfg);

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
/* Lets the kernel move what is queued on fd, an SO_REUSEPORT socket, to another socket of
 * its group when fd closes (reuseport.c); does nothing where that is not allowed. */
void bk_reuseport_migrate(int fd);
/* Binds (without listening, without SO_REUSEPORT) to check that no other server holds the
 * address. Returns the fd to close, or -1 with an error logged. */
int bk_probe_bind(const bk_config *cfg);

/* Serves on listen_fd until drained by SIGTERM/SIGINT, --limit-max-requests, or a fatal
 * error. Returns the process exit status. */
int bk_worker_run(const bk_config *cfg, int listen_fd, bk_request_fn fn, void *udata,
                  bk_heartbeat *hb);

/* A worker without a socket, for the test client (vconn.c): one client connection whose
 * bytes go through the same parser, coroutines and response writer as a socket's, and
 * whose output is captured exactly as it would go on the wire. The worker runs its own
 * loop, only while bk_vserver_exchange runs; it has no timeouts, signals or heartbeat.
 * The peer address is "testclient:50000", as Starlette's TestClient gives. */
typedef struct bk_vserver bk_vserver;
struct bk_buf;
/* cfg is copied; its strings must outlive the server. NULL when the loop cannot start. */
bk_vserver *bk_vserver_new(const bk_config *cfg, bk_request_fn fn, void *udata);
/* Closes the connection as a client would, lets the server finish with it, frees all. */
void bk_vserver_free(bk_vserver *s);
/* Closes the client's side of the connection and runs the loop until the server is done
 * with it; the next exchange opens a new one. */
void bk_vserver_close(bk_vserver *s);
/* Sends data (a new connection if the server closed the last one) and runs the loop,
 * appending what the server writes to *out, until done(out, arg) says a response is
 * complete and no request is still running, or the server shut its side with no request
 * running. Returns 0; -1 when the server can make no more progress short of that (the
 * connection is then closed, as a client giving up closes it). */
int bk_vserver_exchange(bk_vserver *s, const char *data, size_t len, struct bk_buf *out,
                        bool (*done)(const struct bk_buf *out, void *arg), void *arg);

/* For the app layer. */
void *bk_ctx_app(const brisk_ctx *c);
void bk_ctx_set_app(brisk_ctx *c, void *app_state);
const bk_config *bk_ctx_config(const brisk_ctx *c);
/* The request arena, for layers that allocate through bk_arena (the JSON reader). */
struct bk_arena *bk_ctx_arena(brisk_ctx *c);
/* fn(c, arg) runs once the response has been handed to the connection (flushed towards
 * the kernel), still inside the request's coroutine. One per request; the last set wins. */
void bk_ctx_on_sent(brisk_ctx *c, void (*fn)(brisk_ctx *c, void *arg), void *arg);

/* Where the response's header list ends now, for bk_response_reset. */
void *bk_response_header_mark(brisk_ctx *c);
/* Drops a reply not yet on the wire: the buffered body, the status, and the headers added
 * after `mark` (NULL: all of them), so an error answer can replace it. False when the
 * head has already been written (a started stream): nothing can be taken back then. */
bool bk_response_reset(brisk_ctx *c, void *mark);
/* For an error after the head went out: the response is cut short (a stream gets no
 * last chunk) and the connection closes after what is queued. */
void bk_response_abort(brisk_ctx *c);

/* ---- for middleware that rewrite responses (src/app/mw_*.c) ------------------------- */

/* fn(c, state) runs just before the response's head is formatted: when a stream begins,
 * or when a buffered response is committed after the pipeline returned. It can still set
 * headers and, for a buffered response, replace the body, so it sees what the client
 * would get, whichever layer produced it (an error answer too). Hooks run innermost
 * first, the last added first, as ASGI send wrappers see http.response.start. */
typedef void (*bk_head_hook)(brisk_ctx *c, void *state);
void bk_ctx_on_head(brisk_ctx *c, bk_head_hook fn, void *state);

/* Sets response header `name` to value, replacing every header of that name (value NULL:
 * removes them), as Starlette's MutableHeaders item assignment. Not Content-Type. Only
 * from a head hook: removing headers may invalidate a bk_response_header_mark. */
void bk_response_header_put(brisk_ctx *c, const char *name, const char *value);
/* The buffered body as it stands ({NULL, 0} for a stream or before a reply). */
brisk_str bk_response_body(brisk_ctx *c);
/* Replaces the buffered body (data must not point into it); Content-Length follows. */
void bk_response_set_body(brisk_ctx *c, const void *data, size_t len);

/* A stream filter rewrites a streamed body: it gets each piece given to
 * brisk_stream_write (end false), then one empty piece with end true from
 * brisk_stream_end, and passes its output on with bk_stream_put. Returns 0 or a
 * brisk_err. Set from a head hook, before the stream's first byte. */
typedef int (*bk_stream_filter)(brisk_ctx *c, void *state, const void *data, size_t len,
                                bool end);
void bk_ctx_set_stream_filter(brisk_ctx *c, bk_stream_filter fn, void *state);
/* Queues len bytes of a stream's body as they are (a chunk on HTTP/1.1). */
void bk_stream_put(brisk_ctx *c, const void *data, size_t len);

/* The request's ID (brisk_request_id); the access log line ends with it. The bytes must
 * live as long as the request (its arena). */
void bk_ctx_set_request_id(brisk_ctx *c, const char *id, size_t len);

#endif
