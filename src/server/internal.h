/* Structures shared by the files of the server layer. Nothing outside src/server/
 * includes this. */
#ifndef BK_SERVER_INTERNAL_H
#define BK_SERVER_INTERNAL_H

#include <uv.h>

#include "model/json_write.h"
#include "runtime/arena.h"
#include "runtime/buf.h"
#include "runtime/coro.h"
#include "server/http_parser.h"
#include "server/server.h"

typedef struct bk_worker bk_worker;
typedef struct bk_conn bk_conn;
typedef struct bk_vconn bk_vconn;

/* What a connection is waiting for; decides what its deadline means. */
enum bk_phase {
    BK_PHASE_IDLE,    /* between requests: deadline = keep-alive timeout, close silently */
    BK_PHASE_HEAD,    /* part of a head arrived: deadline = headers timeout, then 408 */
    BK_PHASE_ACTIVE,  /* the handler runs: no deadline */
    BK_PHASE_BODY,    /* the handler waits for body bytes: deadline = body timeout, 408 */
    BK_PHASE_DISCARD, /* skipping an unread body after the response */
    BK_PHASE_LINGER,  /* response sent, FIN sent, draining input before close */
};

struct bk_conn {
    union {
        uv_handle_t handle;
        uv_stream_t stream;
        uv_tcp_t tcp;
        uv_pipe_t pipe;
        uv_idle_t idle;          /* a virtual connection's stand-in for the socket */
    } h;
    bk_worker *w;
    bk_vconn *virt;              /* not NULL: no socket behind it (vconn.c) */
    bk_conn *prev, *next;        /* the worker's list, walked by the timeout sweeper */
    char *rbuf;                  /* NULL while idle: idle connections hold no buffer */
    uint32_t rpos, rlen;         /* unconsumed input is rbuf[rpos, rlen) */
    size_t scanned;              /* parser state for the head starting at rpos */
    bk_buf wbuf;                 /* responses not yet handed to the kernel */
    bk_buf wflight;              /* bytes of the write in progress */
    uv_write_t wreq;
    uv_shutdown_t sreq;
    uint64_t deadline;           /* loop ms; 0 = none */
    brisk_ctx *req;              /* the active request, or NULL */
    int64_t discard;             /* body bytes still to skip (content-length) */
    bk_chunked discard_chunked;  /* skipping an unread chunked body */
    uint32_t nrequests;
    uint8_t phase;
    bool writing : 1;
    bool close_after_write : 1;  /* send what is queued, then linger and close */
    bool closing : 1;            /* uv_close called */
    bool in_process : 1;         /* inside conn_process: finishing must not recurse */
    bool discarding_chunked : 1;
    bool read_stopped : 1;
    bool closed : 1;             /* on_close ran */
    bool read_eof : 1;           /* the client half-closed */
    char peer[56];               /* "ip:port", filled on first use */
};

typedef struct bk_pool {
    void *head;
    size_t n, size;
} bk_pool;

struct bk_worker {
    uv_loop_t *loop;
    const bk_config *cfg;
    bk_request_fn fn;
    void *udata;
    union {
        uv_handle_t handle;
        uv_stream_t stream;
        uv_tcp_t tcp;
        uv_pipe_t pipe;
    } listener;
    bool is_pipe;
    bool listening;
    bool draining;
    uv_timer_t sweeper;
    uv_timer_t heartbeat_timer;
    uv_timer_t graceful_timer;
    uv_signal_t sig_term, sig_int;
    uv_prepare_t prepare;        /* flushes the access log once per loop iteration */
    bk_heartbeat *hb;
    bk_conn *conns;
    size_t nconns;               /* counted by --limit-concurrency: not closing or lingering */
    size_t active_requests;
    uint64_t served;
    uint64_t max_requests;       /* with jitter applied; 0 = unlimited */
    bk_http_limits limits;
    size_t rbuf_size;
    /* Free lists, so a warm worker allocates nothing per request. */
    bk_pool rbufs, wbufs;
    brisk_ctx *free_ctxs;
    size_t n_free_ctxs;
    char date[40];               /* "Date: ...\r\n" */
    uint64_t date_next_ms;
    int exit_status;
};

/* A response header set by the handler or middleware, in the request arena. */
typedef struct bk_resp_header {
    struct bk_resp_header *next;
    const char *name, *value;
    uint32_t name_len, value_len;
} bk_resp_header;

#define BK_ARENA_INLINE 2048

struct brisk_ctx {
    bk_conn *conn;
    bk_worker *w;
    bk_coro *co;
    brisk_ctx *next_free;
    bk_http_request req;
    bk_arena arena;
    uint64_t start_ns;
    void *app;
    /* body */
    int64_t body_left;           /* content-length bytes not yet consumed */
    uint32_t body_start;         /* offset in conn->rbuf where the body began */
    bk_chunked chunked;
    brisk_str body;
    char *sink;                  /* large content-length body: read straight into here */
    size_t sink_len, sink_filled;
    bk_buf chunk_body;           /* decoded chunked body */
    int wake;                    /* result handed to a suspended reader/writer */
    bool waiting_body : 1;
    bool waiting_write : 1;
    bool body_started : 1;
    bool body_done : 1;
    bool continue_sent : 1;
    /* response */
    bool replied : 1;
    bool committed : 1;          /* head written to wbuf */
    bool streaming : 1;
    bool stream_chunked : 1;
    bool stream_ended : 1;
    bool head_only : 1;          /* HEAD request: no body bytes on the wire */
    bool keep_alive : 1;
    bool dead : 1;               /* the connection is gone */
    bool json_open : 1;
    int status;
    const char *ctype;           /* Content-Type of the reply, unless a header sets it */
    uint32_t ctype_len;
    bk_resp_header *headers, **headers_tail;
    size_t mark;                 /* where this response starts in conn->wbuf */
    size_t body_off;             /* where its body starts in conn->wbuf */
    uint64_t bytes_out;
    brisk_json json;
    void (*on_sent)(brisk_ctx *c, void *arg); /* see bk_ctx_on_sent */
    void *on_sent_arg;
    struct bk_head_hook_node *head_hooks; /* see bk_ctx_on_head */
    bk_stream_filter filter;
    void *filter_state;
    const char *request_id;
    uint32_t request_id_len;
    char client[64];
    char inline_arena[BK_ARENA_INLINE];
    bk_http_header hdrs[];       /* capacity = limit_request_fields */
};

/* conn.c */
void bk_conn_accept(bk_worker *w);
/* Accepts what is queued on the listening socket, before a draining worker closes it. */
void bk_conn_accept_pending(bk_worker *w);
/* Starts serving a connection whose handle (c->h) is initialized and c->w set. */
void bk_conn_open(bk_conn *c);
/* Frees the worker's free lists (buffers, request contexts), for a worker that ends
 * without its process ending (the test client's). */
void bk_conn_pools_free(bk_worker *w);
void bk_conn_flush(bk_conn *c);
void bk_conn_resume_reading(bk_conn *c);
void bk_conn_close(bk_conn *c);
void bk_conn_send_error(bk_conn *c, int status);
void bk_conn_sweep(bk_worker *w, uint64_t now);
void bk_conn_drain(bk_conn *c);
const char *bk_conn_peer(bk_conn *c);

/* worker.c */
/* Fills w to serve cfg with fn(c, udata) on loop; creates no handle. */
void bk_worker_init(bk_worker *w, uv_loop_t *loop, const bk_config *cfg, bk_request_fn fn,
                    void *udata);
void bk_worker_begin_drain(bk_worker *w);
void bk_worker_check_drained(bk_worker *w);

/* response.c */
void bk_response_commit(brisk_ctx *c);
void bk_response_finish(brisk_ctx *c);
size_t bk_error_body(int status, char *out, size_t cap);

/* resp_hooks.c */
void bk_run_head_hooks(brisk_ctx *c);

/* body.c */
void bk_body_on_read(brisk_ctx *c, size_t nread);
void bk_body_wake(brisk_ctx *c, int result);

/* vconn.c: what conn.c calls instead of libuv's stream functions when c->virt is set. */
int bk_vconn_read_start(bk_conn *c, uv_alloc_cb alloc_cb, uv_read_cb read_cb);
void bk_vconn_read_stop(bk_conn *c);
int bk_vconn_write(bk_conn *c, const char *data, size_t len); /* takes all: returns len */
int bk_vconn_shutdown(bk_conn *c, uv_shutdown_cb cb);
void bk_vconn_freed(bk_conn *c);

/* date.c */
const char *bk_date_header(bk_worker *w); /* "Date: <IMF-fixdate>\r\n", 37 bytes */
#define BK_DATE_HEADER_LEN 37

#endif
