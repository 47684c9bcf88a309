/* A virtual connection: a bk_conn with no socket behind it, for the test client.
 *
 * conn.c runs unchanged but for the four calls that would reach the kernel (read start,
 * read stop, write, shutdown), which land here. The connection's handle is a uv_idle_t:
 * it stands in for the socket becoming readable, so bytes arrive from a loop callback as
 * they would from epoll (never from inside the call that asked for them, which may be a
 * suspended reader's coroutine), and closing it runs conn.c's close path as it is. A write
 * is appended to the client's buffer at once: the connection never waits for the kernel,
 * so streaming backpressure never suspends. */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/log.h"
#include "server/internal.h"

struct bk_vconn {
    bk_conn *conn;               /* NULL when none is open */
    uv_alloc_cb alloc_cb;
    uv_read_cb read_cb;
    uv_shutdown_cb shutdown_cb;  /* a shutdown not yet reported */
    bk_buf in;                   /* what the client sent, not yet read by the server */
    size_t in_pos;
    bk_buf *out;                 /* what the client received */
    bool reading;
    bool eof;                    /* the client closed its side */
    bool fin;                    /* the server shut its side */
};

struct bk_vserver {
    uv_loop_t loop;
    bk_config cfg;
    bk_worker w;
    bk_vconn vc;                 /* one connection at a time, as a simple client keeps */
};

/* ---- the socket's side, called by conn.c ------------------------------------------ */

static void on_ready(uv_idle_t *h);

/* The handle is active exactly while libuv would have something to report. */
static void update(bk_vconn *v) {
    bk_conn *c = v->conn;
    if (!c || c->closing) return; /* uv_close stops the handle itself */
    bool ready = v->shutdown_cb || (v->reading && (v->in_pos < v->in.len || v->eof));
    if (ready)
        uv_idle_start(&c->h.idle, on_ready);
    else
        uv_idle_stop(&c->h.idle);
}

static void on_ready(uv_idle_t *h) {
    bk_conn *c = h->data;
    bk_vconn *v = c->virt;
    if (v->shutdown_cb) {
        uv_shutdown_cb cb = v->shutdown_cb;
        v->shutdown_cb = NULL;
        v->fin = true;
        cb(&c->sreq, 0);
    }
    /* As libuv reads a readable socket: until it would block or the reader stops.
     * conn.c frees a connection only from its close callback, so c outlives this. */
    while (v->reading && !c->closing) {
        uv_buf_t b = uv_buf_init(NULL, 0);
        if (v->in_pos < v->in.len) {
            v->alloc_cb(&c->h.handle, 64 * 1024, &b);
            if (b.len == 0) {
                v->read_cb(&c->h.stream, UV_ENOBUFS, &b); /* the reader stops reading */
                continue;
            }
            size_t n = v->in.len - v->in_pos;
            if (n > b.len) n = b.len;
            memcpy(b.base, v->in.data + v->in_pos, n);
            v->in_pos += n;
            if (v->in_pos == v->in.len) v->in_pos = v->in.len = 0;
            v->read_cb(&c->h.stream, (ssize_t)n, &b);
        } else if (v->eof) {
            v->reading = false; /* libuv stops reading at EOF */
            v->read_cb(&c->h.stream, UV_EOF, &b);
        } else {
            break;
        }
    }
    update(v);
}

int bk_vconn_read_start(bk_conn *c, uv_alloc_cb alloc_cb, uv_read_cb read_cb) {
    bk_vconn *v = c->virt;
    v->alloc_cb = alloc_cb;
    v->read_cb = read_cb;
    v->reading = true;
    update(v);
    return 0;
}

void bk_vconn_read_stop(bk_conn *c) {
    c->virt->reading = false;
    update(c->virt);
}

int bk_vconn_write(bk_conn *c, const char *data, size_t len) {
    bk_vconn *v = c->virt;
    if (v->out) bk_buf_append(v->out, data, len); /* else nobody listens any more */
    return (int)len;
}

int bk_vconn_shutdown(bk_conn *c, uv_shutdown_cb cb) {
    bk_vconn *v = c->virt;
    v->shutdown_cb = cb;
    update(v);
    return 0;
}

void bk_vconn_freed(bk_conn *c) {
    if (c->virt->conn == c) c->virt->conn = NULL;
}

/* ---- the client's side ------------------------------------------------------------ */

bk_vserver *bk_vserver_new(const bk_config *cfg, bk_request_fn fn, void *udata) {
    bk_vserver *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (uv_loop_init(&s->loop) != 0) {
        brisk_log(BRISK_LOG_ERROR, "test client: cannot start an event loop");
        free(s);
        return NULL;
    }
    s->cfg = *cfg;
    bk_worker_init(&s->w, &s->loop, &s->cfg, fn, udata);
    return s;
}

static void open_conn(bk_vserver *s) {
    bk_conn *c = calloc(1, sizeof *c);
    if (!c) abort();
    bk_vconn *v = &s->vc;
    v->in.len = v->in_pos = 0;
    v->reading = v->eof = v->fin = false;
    v->shutdown_cb = NULL;
    v->conn = c;
    c->virt = v;
    c->w = &s->w;
    uv_idle_init(&s->loop, &c->h.idle);
    c->h.handle.data = c;
    snprintf(c->peer, sizeof c->peer, "testclient:50000");
    bk_conn_open(c);
}

void bk_vserver_close(bk_vserver *s) {
    bk_vconn *v = &s->vc;
    bk_conn *c = v->conn;
    if (!c) return;
    v->eof = true;
    update(v);
    while (v->conn == c) {
        if (uv_run(&s->loop, UV_RUN_ONCE) || v->conn != c) continue;
        if (!c->closing) {
            bk_conn_close(c); /* it stopped reading, so it cannot see the EOF */
            continue;
        }
        /* A coroutine suspended on nothing the loop knows of: it can never end. */
        brisk_log(BRISK_LOG_ERROR, "test client: a request never finished; abandoned");
        v->conn = NULL;
    }
}

/* What a client waits for before it reads the answer. */
static bool settled(bk_vserver *s, const bk_buf *out, bool (*done)(const bk_buf *, void *),
                    void *arg) {
    bk_conn *c = s->vc.conn;
    if (!c) return true; /* closed: all it will ever send has come */
    if (c->req) return false;
    return s->vc.fin || done(out, arg);
}

int bk_vserver_exchange(bk_vserver *s, const char *data, size_t len, bk_buf *out,
                        bool (*done)(const bk_buf *out, void *arg), void *arg) {
    bk_vconn *v = &s->vc;
    /* A client does not send on a connection the server has begun to close. */
    if (v->conn && (v->fin || v->shutdown_cb || v->conn->closing)) bk_vserver_close(s);
    if (!v->conn) open_conn(s);
    v->out = out;
    bk_buf_append(&v->in, data, len);
    update(v);
    int rc = 0;
    while (!settled(s, out, done, arg)) {
        if (!uv_run(&s->loop, UV_RUN_ONCE) && !settled(s, out, done, arg)) {
            brisk_log(BRISK_LOG_ERROR, "test client: the app stopped without completing "
                                       "its response; closing the connection");
            bk_vserver_close(s);
            rc = -1;
            break;
        }
    }
    v->out = NULL;
    bk_access_log_flush();
    return rc;
}

static void close_handle(uv_handle_t *h, void *arg) {
    (void)arg;
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

void bk_vserver_free(bk_vserver *s) {
    if (!s) return;
    bk_vserver_close(s);
    bk_access_log_flush();
    bk_conn_pools_free(&s->w);
    if (uv_loop_close(&s->loop) != 0) {
        /* Only an abandoned request's handles can be left. */
        uv_walk(&s->loop, close_handle, NULL);
        uv_run(&s->loop, UV_RUN_DEFAULT);
        uv_loop_close(&s->loop);
    }
    bk_buf_free(&s->vc.in);
    free(s);
}
