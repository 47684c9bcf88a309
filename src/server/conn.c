/* A connection: reads requests, runs each in a coroutine, writes the responses.
 *
 * Requests on one connection are handled one at a time, in order; bytes of pipelined
 * requests wait in the read buffer meanwhile, and all responses produced while handling
 * one read are written with one syscall. An idle connection holds no buffer, no request
 * and no coroutine: just this struct and its libuv handle. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "server/internal.h"

#define LINGER_MS 2000
#define DRAIN_GRACE_MS 500
#define POOL_MAX 1024
#define WBUF_KEEP (64 * 1024) /* larger output buffers go back to malloc, not the pool */

static void conn_process(bk_conn *c);
static void on_request_done(bk_coro *co, void *arg);

/* ---- pools ----------------------------------------------------------------------- */

/* A free list of equal-sized blocks. */
static void *pool_get(bk_pool *p) {
    void *b = p->head;
    if (b) {
        p->head = *(void **)b;
        p->n--;
        return b;
    }
    b = malloc(p->size);
    if (!b) abort();
    return b;
}

static void pool_put(bk_pool *p, void *b) {
    if (p->n >= POOL_MAX) {
        free(b);
        return;
    }
    *(void **)b = p->head;
    p->head = b;
    p->n++;
}

/* Output buffers start as pool blocks; one that grew for a big response is freed instead. */
static void wbuf_take(bk_worker *w, bk_buf *b) {
    if (!b->data) *b = (bk_buf){pool_get(&w->wbufs), 0, w->wbufs.size};
}

static void wbuf_release(bk_worker *w, bk_buf *b) {
    if (b->data && b->cap == w->wbufs.size)
        pool_put(&w->wbufs, b->data);
    else
        free(b->data);
    *b = (bk_buf){0};
}

static brisk_ctx *ctx_get(bk_worker *w) {
    brisk_ctx *r = w->free_ctxs;
    if (r) {
        w->free_ctxs = r->next_free;
        w->n_free_ctxs--;
    } else {
        r = malloc(sizeof *r + w->cfg->limit_request_fields * sizeof(bk_http_header));
        if (!r) abort();
        r->chunk_body = (bk_buf){0};
    }
    /* Reset the fixed part only; the header array is filled by the parser. */
    bk_buf keep = r->chunk_body;
    memset(r, 0, offsetof(brisk_ctx, inline_arena));
    r->chunk_body = keep;
    r->chunk_body.len = 0;
    r->w = w;
    r->req.headers = r->hdrs;
    r->headers_tail = &r->headers;
    bk_arena_init(&r->arena, r->inline_arena, sizeof r->inline_arena);
    return r;
}

static void ctx_put(bk_worker *w, brisk_ctx *r) {
    bk_arena_reset(&r->arena);
    if (r->chunk_body.cap > WBUF_KEEP) bk_buf_free(&r->chunk_body);
    if (w->n_free_ctxs >= POOL_MAX) {
        bk_buf_free(&r->chunk_body);
        free(r);
        return;
    }
    r->next_free = w->free_ctxs;
    w->free_ctxs = r;
    w->n_free_ctxs++;
}

static void pool_free(bk_pool *p) {
    while (p->head) free(pool_get(p));
}

void bk_conn_pools_free(bk_worker *w) {
    pool_free(&w->rbufs);
    pool_free(&w->wbufs);
    while (w->free_ctxs) {
        brisk_ctx *r = w->free_ctxs;
        w->free_ctxs = r->next_free;
        bk_buf_free(&r->chunk_body);
        free(r);
    }
    w->n_free_ctxs = 0;
}

static void release_buffers(bk_conn *c) {
    if (c->rbuf && c->rpos == c->rlen) {
        pool_put(&c->w->rbufs, c->rbuf);
        c->rbuf = NULL;
        c->rpos = c->rlen = 0;
    }
    if (!c->writing && c->wbuf.len == 0) {
        wbuf_release(c->w, &c->wbuf);
        wbuf_release(c->w, &c->wflight);
    }
}

/* ---- lifecycle -------------------------------------------------------------------- */

static void conn_free(bk_conn *c) {
    bk_worker *w = c->w;
    if (c->virt) bk_vconn_freed(c);
    if (c->rbuf) pool_put(&w->rbufs, c->rbuf);
    wbuf_release(w, &c->wbuf);
    wbuf_release(w, &c->wflight);
    free(c);
}

static void on_close(uv_handle_t *h) {
    bk_conn *c = h->data;
    bk_worker *w = c->w;
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->closed = true;
    if (!c->req) conn_free(c); /* else the request's end frees it */
    bk_worker_check_drained(w);
}

/* w->nconns counts the connections that --limit-concurrency weighs: accepted, not closing
 * and not lingering. A connection stops counting the moment the server is done with it
 * (in bk_conn_close, or when its lingering close starts), not when libuv's close callback
 * runs at the end of the loop iteration: requests read in the same iteration, e.g. right
 * after the client's EOF on another connection, must not be refused for a connection that
 * is already gone. The worker's list (w->conns) still holds it until on_close. */
static void uncount(bk_conn *c) {
    if (c->phase != BK_PHASE_LINGER) c->w->nconns--;
}

void bk_conn_close(bk_conn *c) {
    if (c->closing) return;
    uncount(c);
    c->closing = true;
    brisk_ctx *r = c->req;
    if (r) {
        r->dead = true;
        if (r->waiting_body || r->waiting_write) bk_body_wake(r, BRISK_E_CLOSED);
    }
    uv_close(&c->h.handle, on_close);
}

static void set_deadline(bk_conn *c, uint8_t phase, double seconds) {
    c->phase = phase;
    c->deadline = seconds > 0 ? uv_now(c->w->loop) + (uint64_t)(seconds * 1000) : 0;
}

const char *bk_conn_peer(bk_conn *c) {
    if (c->peer[0]) return c->peer;
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (c->w->is_pipe || uv_tcp_getpeername(&c->h.tcp, (struct sockaddr *)&ss, &len) != 0) {
        strcpy(c->peer, c->w->is_pipe ? "unix" : "-");
        return c->peer;
    }
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        uv_ip6_name(a, ip, sizeof ip);
        port = ntohs(a->sin6_port);
        snprintf(c->peer, sizeof c->peer, "[%s]:%d", ip, port);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        uv_ip4_name(a, ip, sizeof ip);
        port = ntohs(a->sin_port);
        snprintf(c->peer, sizeof c->peer, "%s:%d", ip, port);
    }
    return c->peer;
}

/* ---- the socket ------------------------------------------------------------------- */

/* The only place a virtual connection (vconn.c, the test client's) differs: where bytes
 * meet the kernel. Closing needs no branch: its handle is a real one, closed the same. */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static int stream_read_start(bk_conn *c) {
    return c->virt ? bk_vconn_read_start(c, on_alloc, on_read)
                   : uv_read_start(&c->h.stream, on_alloc, on_read);
}

static void stream_read_stop(bk_conn *c) {
    if (c->virt)
        bk_vconn_read_stop(c);
    else
        uv_read_stop(&c->h.stream);
}

static int stream_try_write(bk_conn *c, const uv_buf_t *b) {
    return c->virt ? bk_vconn_write(c, b->base, b->len) : uv_try_write(&c->h.stream, b, 1);
}

static int stream_shutdown(bk_conn *c, uv_shutdown_cb cb) {
    return c->virt ? bk_vconn_shutdown(c, cb) : uv_shutdown(&c->sreq, &c->h.stream, cb);
}

/* ---- writing ---------------------------------------------------------------------- */

static void on_shutdown(uv_shutdown_t *req, int status) {
    bk_conn *c = req->data;
    /* The client already sent its FIN: nothing left to drain. */
    if (status < 0 || c->read_eof) bk_conn_close(c);
}

/* Everything queued is on the wire. */
static void after_drain(bk_conn *c) {
    brisk_ctx *r = c->req;
    if (r && r->waiting_write) {
        bk_body_wake(r, 0);
        return;
    }
    if (c->close_after_write && !r && !c->writing && c->wbuf.len == 0 &&
        c->phase != BK_PHASE_LINGER && !c->closing) {
        /* Lingering close: send FIN, keep reading (and dropping) what the client still
         * sends, so the kernel does not answer it with a RST that could destroy the
         * response before the client read it. */
        uncount(c); /* finished: it serves nothing more, so it no longer counts */
        set_deadline(c, BK_PHASE_LINGER, LINGER_MS / 1000.0);
        c->sreq.data = c;
        if (stream_shutdown(c, on_shutdown) != 0) bk_conn_close(c);
    }
}

static void on_write(uv_write_t *req, int status) {
    bk_conn *c = req->data;
    c->writing = false;
    c->wflight.len = 0;
    if (status < 0) {
        bk_conn_close(c);
        return;
    }
    if (c->wbuf.len) {
        bk_conn_flush(c);
        return;
    }
    if (!c->req && c->phase == BK_PHASE_IDLE) release_buffers(c);
    after_drain(c);
}

void bk_conn_flush(bk_conn *c) {
    if (c->closing) return;
    brisk_ctx *r = c->req;
    /* A buffered response is committed (its head written in front of its body) only when
     * the pipeline returns; until then nothing after its mark may go out. */
    if (r && r->replied && !r->committed) return;
    if (c->writing) return;
    if (c->wbuf.len) {
        uv_buf_t b = uv_buf_init(c->wbuf.data, (unsigned)c->wbuf.len);
        int n = stream_try_write(c, &b);
        if (n == (int)c->wbuf.len) {
            c->wbuf.len = 0;
            /* Idle keep-alive connections hold no buffer (10,000 of them cost ~8 MB). */
            if (!r && c->phase == BK_PHASE_IDLE) release_buffers(c);
        } else if (n >= 0 || n == UV_EAGAIN) {
            size_t done = n > 0 ? (size_t)n : 0;
            bk_buf t = c->wflight;
            c->wflight = c->wbuf;
            c->wbuf = t;
            c->wbuf.len = 0;
            b = uv_buf_init(c->wflight.data + done, (unsigned)(c->wflight.len - done));
            c->wreq.data = c;
            if (uv_write(&c->wreq, &c->h.stream, &b, 1, on_write) != 0) {
                bk_conn_close(c);
                return;
            }
            c->writing = true;
            return;
        } else {
            bk_conn_close(c);
            return;
        }
    }
    after_drain(c);
}

/* ---- server-generated errors ------------------------------------------------------ */

void bk_conn_send_error(bk_conn *c, int status) {
    char body[128];
    size_t blen = bk_error_body(status, body, sizeof body);
    bk_buf *o = &c->wbuf;
    wbuf_take(c->w, o);
    char line[160];
    int n = snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", status, brisk_status_reason(status));
    bk_buf_append(o, line, (size_t)n);
    bk_buf_lit(o, "Server: brisk\r\n");
    bk_buf_append(o, bk_date_header(c->w), BK_DATE_HEADER_LEN);
    n = snprintf(line, sizeof line,
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n",
                 blen);
    bk_buf_append(o, line, (size_t)n);
    bk_buf_append(o, body, blen);
    if (c->w->cfg->access_log) {
        n = snprintf(line, sizeof line, "INFO:     %s - \"-\" %d\n", bk_conn_peer(c), status);
        bk_access_log_append(line, (size_t)n);
    }
    brisk_log(BRISK_LOG_DEBUG, "%s: %d %s", bk_conn_peer(c), status, brisk_status_reason(status));
    c->close_after_write = true;
    c->rpos = c->rlen; /* what follows a bad request cannot be framed */
    bk_conn_flush(c);
}

/* ---- reading ---------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)suggested;
    bk_conn *c = h->data;
    brisk_ctx *r = c->req;
    if (r && r->sink) {
        /* A large body goes straight from the socket to its final place. */
        *buf = uv_buf_init(r->sink + r->sink_filled, (unsigned)(r->sink_len - r->sink_filled));
        return;
    }
    if (!c->rbuf) {
        c->rbuf = pool_get(&c->w->rbufs);
        c->rpos = c->rlen = 0;
    }
    if (c->rlen == c->w->rbuf_size && c->rpos > 0 && !r) {
        memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
        c->rlen -= c->rpos;
        c->rpos = 0;
    }
    /* Zero length makes libuv report UV_ENOBUFS: reading pauses until space frees up. */
    *buf = uv_buf_init(c->rbuf + c->rlen, (unsigned)(c->w->rbuf_size - c->rlen));
}

/* Skips bytes of an unread request body; returns true once the body is fully skipped. */
static bool discard_input(bk_conn *c) {
    size_t avail = c->rlen - c->rpos;
    if (c->discard > 0) {
        size_t n = (size_t)c->discard < avail ? (size_t)c->discard : avail;
        c->rpos += (uint32_t)n;
        c->discard -= (int64_t)n;
        if (c->discard > 0) return false;
    }
    if (c->discarding_chunked) {
        size_t used = 0, produced = 0;
        char *p = c->rbuf + c->rpos;
        int rc = bk_chunked_decode(&c->discard_chunked, p, avail, p, &used, &produced);
        c->rpos += (uint32_t)used;
        if (rc < 0) {
            c->discarding_chunked = false;
            c->close_after_write = true;
            c->rpos = c->rlen;
            bk_conn_flush(c);
            return false;
        }
        if (rc == 0) return false;
        c->discarding_chunked = false;
    }
    return true;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
    (void)buf;
    bk_conn *c = s->data;
    if (nread == 0) return;
    if (nread == UV_ENOBUFS) {
        stream_read_stop(c);
        c->read_stopped = true;
        return;
    }
    brisk_ctx *r = c->req;
    if (nread < 0) {
        /* EOF with a request in progress: the client may have half-closed after sending
         * it (printf | nc does), so answer first and close afterwards. */
        if (nread == UV_EOF && r && !r->waiting_body && c->phase != BK_PHASE_LINGER) {
            c->close_after_write = true;
            c->read_eof = true;
            stream_read_stop(c);
            c->read_stopped = true;
            return;
        }
        if (nread == UV_EOF && !r && (c->wbuf.len || c->writing) && !c->closing && c->phase != BK_PHASE_LINGER) {
            c->close_after_write = true;
            c->read_eof = true;
            stream_read_stop(c);
            c->read_stopped = true;
            bk_conn_flush(c);
            return;
        }
        bk_conn_close(c);
        return;
    }
    if (r && r->sink) {
        r->sink_filled += (size_t)nread;
        bk_body_on_read(r, (size_t)nread);
        return;
    }
    c->rlen += (uint32_t)nread;
    if (c->phase == BK_PHASE_LINGER) {
        c->rpos = c->rlen = 0;
        return;
    }
    if (r) {
        if (r->waiting_body) bk_body_on_read(r, (size_t)nread);
        return; /* pipelined bytes wait for the current request to end */
    }
    conn_process(c);
    bk_conn_flush(c);
}

void bk_conn_resume_reading(bk_conn *c) {
    if (c->read_stopped && !c->closing && !c->close_after_write) {
        c->read_stopped = false;
        stream_read_start(c);
    }
}

/* ---- requests --------------------------------------------------------------------- */

static void run_request(void *arg) {
    brisk_ctx *r = arg;
    r->w->fn(r, r->w->udata);
    bk_response_finish(r);
    if (r->on_sent) {
        if (!r->dead) bk_conn_flush(r->conn);
        r->on_sent(r, r->on_sent_arg);
    }
}

/* Behind a trusted proxy the log names the real client, as Uvicorn's does. */
static const char *w_client(brisk_ctx *r) {
    return r->w->cfg->proxy_headers ? brisk_client(r).ptr : bk_conn_peer(r->conn);
}

static void log_access(brisk_ctx *r) {
    char line[1024];
    double ms = (double)(uv_hrtime() - r->start_ns) / 1e6;
    int tl = r->req.target_len > 600 ? 600 : (int)r->req.target_len;
    /* With the request ID middleware the line ends with the ID, to find the request's
     * other log lines (and the client's report) by it. */
    int n = snprintf(line, sizeof line,
                     "INFO:     %s - \"%.*s %.*s HTTP/1.%d\" %d %.2fms%s%.*s\n", w_client(r),
                     (int)r->req.method_len, r->req.method, tl, r->req.target, r->req.minor,
                     r->status, ms, r->request_id ? " " : "", (int)r->request_id_len,
                     r->request_id ? r->request_id : "");
    if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
    bk_access_log_append(line, (size_t)n);
}

static void dispatch(bk_conn *c, brisk_ctx *r, int head_len) {
    bk_worker *w = c->w;
    const bk_config *cfg = w->cfg;
    r->conn = c;
    c->rpos += (uint32_t)head_len;
    c->nrequests++;
    bool has_body = (r->req.flags & BK_REQ_CHUNKED) || r->req.content_length > 0;
    if (r->req.minor == 1 && !(r->req.flags & BK_REQ_HAS_HOST)) {
        ctx_put(w, r);
        bk_conn_send_error(c, 400); /* RFC 9112 §3.2: a 1.1 request without Host */
        return;
    }
    if (r->req.content_length > 0 && (size_t)r->req.content_length > cfg->limit_request_body) {
        ctx_put(w, r);
        bk_conn_send_error(c, 413);
        return;
    }
    /* As Uvicorn's limit_concurrency: open connections (this one included) and running
     * requests; closing and lingering connections do not count (see uncount). */
    if (cfg->limit_concurrency > 0 && (w->nconns > (size_t)cfg->limit_concurrency ||
                                       w->active_requests >= (size_t)cfg->limit_concurrency)) {
        ctx_put(w, r);
        bk_conn_send_error(c, 503);
        return;
    }
    r->co = bk_coro_create(run_request, r, on_request_done);
    if (!r->co) {
        brisk_log(BRISK_LOG_ERROR, "cannot allocate a coroutine stack; answering 503");
        ctx_put(w, r);
        bk_conn_send_error(c, 503);
        return;
    }
    r->keep_alive = (r->req.flags & BK_REQ_KEEP_ALIVE) && !w->draining;
    /* The request that reaches --limit-max-requests tells its client the connection ends. */
    if (w->max_requests && w->served + w->active_requests + 1 >= w->max_requests)
        r->keep_alive = false;
    r->head_only = r->req.method_id == BK_METHOD_HEAD;
    r->body_left = r->req.content_length > 0 ? r->req.content_length : 0;
    r->body_done = !has_body;
    if (r->req.flags & BK_REQ_CHUNKED) bk_chunked_init(&r->chunked);
    if (cfg->access_log) r->start_ns = uv_hrtime();
    wbuf_take(w, &c->wbuf);
    r->mark = c->wbuf.len;
    r->body_start = c->rpos;
    c->req = r;
    set_deadline(c, BK_PHASE_ACTIVE, 0);
    w->active_requests++;
    bk_coro_resume(r->co);
}

static void on_request_done(bk_coro *co, void *arg) {
    brisk_ctx *r = arg;
    bk_conn *c = r->conn;
    bk_worker *w = r->w;
    bk_coro_destroy(co);
    r->co = NULL;
    w->active_requests--;
    w->served++;
    if (w->cfg->access_log) log_access(r);
    if (!r->dead && !r->body_done) {
        if ((r->req.flags & BK_REQ_EXPECT_CONTINUE) && !r->continue_sent) {
            /* The client waits for our word before sending the body: it never will. */
            c->close_after_write = true;
        } else if (r->req.flags & BK_REQ_CHUNKED) {
            c->discard_chunked = r->chunked;
            c->discarding_chunked = true;
        } else {
            c->discard = r->body_left;
        }
    }
    if (!r->keep_alive) c->close_after_write = true;
    c->req = NULL;
    ctx_put(w, r);
    if (w->max_requests && w->served >= w->max_requests && !w->draining) {
        brisk_log(BRISK_LOG_INFO, "served %llu requests (--limit-max-requests): restarting",
                  (unsigned long long)w->served);
        bk_worker_begin_drain(w);
    }
    if (c->closing) {
        if (c->closed) conn_free(c); /* on_close left the struct to us */
        return;
    }
    if (!c->in_process) {
        conn_process(c);
        bk_conn_flush(c);
    }
}

static void conn_process(bk_conn *c) {
    bk_worker *w = c->w;
    c->in_process = true;
    while (!c->req && !c->closing) {
        if ((c->discard > 0 || c->discarding_chunked) && !discard_input(c)) {
            set_deadline(c, BK_PHASE_DISCARD, w->cfg->timeout_request_body);
            break;
        }
        size_t avail = c->rlen - c->rpos;
        if (c->close_after_write) {
            c->rpos = c->rlen;
            break;
        }
        if (avail == 0) {
            c->scanned = 0;
            if (w->draining) {
                c->close_after_write = true;
                break;
            }
            set_deadline(c, BK_PHASE_IDLE, w->cfg->timeout_keep_alive);
            release_buffers(c);
            break;
        }
        if (c->phase != BK_PHASE_HEAD) set_deadline(c, BK_PHASE_HEAD, w->cfg->timeout_request_headers);
        brisk_ctx *r = ctx_get(w);
        int n = bk_http_parse_head(c->rbuf + c->rpos, avail, &c->scanned, &w->limits, &r->req);
        if (n == BK_HTTP_INCOMPLETE) {
            ctx_put(w, r);
            if (c->rpos > 0) { /* keep the partial head at the front, room behind it */
                memmove(c->rbuf, c->rbuf + c->rpos, avail);
                c->rlen = (uint32_t)avail;
                c->rpos = 0;
            }
            break;
        }
        c->scanned = 0;
        if (n < 0) {
            ctx_put(w, r);
            bk_conn_send_error(c, -n);
            break;
        }
        dispatch(c, r, n);
    }
    c->in_process = false;
    if (!c->req) bk_conn_resume_reading(c);
}

void bk_conn_accept(bk_worker *w) {
    bk_conn *c = calloc(1, sizeof *c);
    if (!c) return;
    c->w = w;
    int rc = w->is_pipe ? uv_pipe_init(w->loop, &c->h.pipe, 0) : uv_tcp_init(w->loop, &c->h.tcp);
    if (rc != 0) {
        free(c);
        return;
    }
    c->h.handle.data = c;
    if (uv_accept(&w->listener.stream, &c->h.stream) != 0) {
        uv_close(&c->h.handle, (uv_close_cb)free);
        return;
    }
    if (!w->is_pipe) uv_tcp_nodelay(&c->h.tcp, 1);
    bk_conn_open(c);
}

/* Connections the kernel completed but no one accepted yet are reset when the listening
 * socket's last descriptor closes. A draining worker takes them first, straight from the
 * socket (libuv accepts only when the loop polls it), and answers each one request. */
void bk_conn_accept_pending(bk_worker *w) {
    uv_os_fd_t fd;
    if (uv_fileno(&w->listener.handle, &fd) != 0) return;
    for (int taken = 0; taken < 65536;) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN: the queue is empty */
        }
        taken++;
        bk_conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(cfd);
            return;
        }
        c->w = w;
        int rc = w->is_pipe ? uv_pipe_init(w->loop, &c->h.pipe, 0) : uv_tcp_init(w->loop, &c->h.tcp);
        if (rc != 0) {
            close(cfd);
            free(c);
            continue;
        }
        c->h.handle.data = c;
        rc = w->is_pipe ? uv_pipe_open(&c->h.pipe, cfd) : uv_tcp_open(&c->h.tcp, cfd);
        if (rc != 0) {
            close(cfd);
            uv_close(&c->h.handle, (uv_close_cb)free);
            continue;
        }
        if (!w->is_pipe) uv_tcp_nodelay(&c->h.tcp, 1);
        bk_conn_open(c);
    }
}

void bk_conn_open(bk_conn *c) {
    bk_worker *w = c->w;
    c->next = w->conns;
    if (w->conns) w->conns->prev = c;
    w->conns = c;
    w->nconns++;
    /* A new connection gets the headers timeout for its first request: a client that
     * connects and says nothing is the cheapest slowloris. */
    set_deadline(c, BK_PHASE_IDLE, w->cfg->timeout_request_headers);
    if (stream_read_start(c) != 0) bk_conn_close(c);
}

/* Called by the worker's sweeper timer. */
void bk_conn_sweep(bk_worker *w, uint64_t now) {
    bk_conn *next;
    for (bk_conn *c = w->conns; c; c = next) {
        next = c->next;
        if (!c->deadline || now < c->deadline || c->closing) continue;
        c->deadline = 0;
        switch (c->phase) {
        case BK_PHASE_HEAD:
            brisk_log(BRISK_LOG_DEBUG, "%s: request head not complete in time", bk_conn_peer(c));
            bk_conn_send_error(c, 408);
            break;
        case BK_PHASE_BODY:
            if (c->req) bk_body_wake(c->req, BRISK_E_TIMEOUT);
            break;
        default: /* idle, discard, linger */
            bk_conn_close(c);
        }
    }
}

/* Graceful shutdown of one connection: idle ones close now, busy ones after the
 * response they are working on (which then carries Connection: close). */
void bk_conn_drain(bk_conn *c) {
    if (c->closing) return;
    if (c->req) {
        c->req->keep_alive = false;
        return;
    }
    if (c->phase == BK_PHASE_HEAD) return; /* its response will say Connection: close */
    if (c->phase == BK_PHASE_IDLE && !c->writing && c->wbuf.len == 0) {
        /* Closing an idle connection races with a request the client may be sending
         * right now, which would then fail. A short grace closes it only once it has
         * stayed quiet; a request arriving meanwhile is answered with Connection: close. */
        uint64_t grace = uv_now(c->w->loop) + DRAIN_GRACE_MS;
        if (!c->deadline || c->deadline > grace) c->deadline = grace;
        return;
    }
    c->close_after_write = true;
    if (!c->writing) after_drain(c);
}

