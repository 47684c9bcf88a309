/* Reading a request body from inside its handler: the coroutine suspends until the bytes
 * are there. Small bodies are views into the read buffer; large ones are read by the
 * kernel straight into their final place in the request arena. */
#include "runtime/log.h"
#include "server/internal.h"

static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

void bk_body_wake(brisk_ctx *r, int result) {
    if (!r->waiting_body && !r->waiting_write) return;
    r->wake = result;
    bk_coro_resume(r->co);
}

void bk_body_on_read(brisk_ctx *r, size_t nread) {
    (void)nread;
    bk_conn *c = r->conn;
    if (!r->waiting_body) return;
    bool complete;
    if (r->sink)
        complete = r->sink_filled == r->sink_len;
    else if (r->req.flags & BK_REQ_CHUNKED)
        complete = true; /* let the reader decode what came */
    else
        complete = (int64_t)(c->rlen - c->rpos) >= r->body_left;
    if (complete) {
        bk_body_wake(r, 0);
        return;
    }
    /* Progress: the body timeout measures silence, not the whole upload. */
    c->deadline = uv_now(c->w->loop) + (uint64_t)(c->w->cfg->timeout_request_body * 1000);
}

static int wait_body(brisk_ctx *r) {
    bk_conn *c = r->conn;
    r->waiting_body = true;
    c->phase = BK_PHASE_BODY;
    c->deadline = uv_now(c->w->loop) + (uint64_t)(c->w->cfg->timeout_request_body * 1000);
    if (c->read_stopped) {
        /* Paused when the buffer filled with pipelined bytes; the body needs reading. */
        bk_conn_resume_reading(c);
    }
    bk_coro_yield();
    r->waiting_body = false;
    if (!r->dead) {
        c->phase = BK_PHASE_ACTIVE;
        c->deadline = 0;
    }
    return r->wake;
}

/* Ends the body with an error: the response says why and the connection closes, because
 * the rest of the body can no longer be framed or is not worth reading. */
static int fail(brisk_ctx *r, int err) {
    r->body_done = true;
    r->keep_alive = false;
    r->wake = err;
    switch (err) {
    case BRISK_E_TOO_LARGE: brisk_reply_error(r, 413, "Request body too large"); break;
    case BRISK_E_TIMEOUT: brisk_reply_error(r, 408, "Request body not received in time"); break;
    case BRISK_E_BAD_REQUEST: brisk_reply_error(r, 400, "Malformed chunked request body"); break;
    default: break;
    }
    return err;
}

static int read_chunked(brisk_ctx *r) {
    bk_conn *c = r->conn;
    size_t limit = c->w->cfg->limit_request_body;
    for (;;) {
        size_t avail = c->rlen - c->rpos;
        if (avail) {
            bk_buf_reserve(&r->chunk_body, avail);
            size_t used = 0, produced = 0;
            int rc = bk_chunked_decode(&r->chunked, c->rbuf + c->rpos, avail,
                                       r->chunk_body.data + r->chunk_body.len, &used, &produced);
            c->rpos += (uint32_t)used;
            r->chunk_body.len += produced;
            if (rc < 0) return fail(r, BRISK_E_BAD_REQUEST);
            if (r->chunk_body.len > limit) return fail(r, BRISK_E_TOO_LARGE);
            if (rc == 1) {
                r->body = (brisk_str){r->chunk_body.data ? r->chunk_body.data : "",
                                      r->chunk_body.len};
                r->body_done = true;
                return 0;
            }
        }
        /* Everything buffered is decoded (and copied out): read the next bytes into the
         * space right after the head, which must stay where it is. */
        c->rpos = c->rlen = r->body_start;
        int rc = wait_body(r);
        if (rc) return rc == BRISK_E_CLOSED ? rc : fail(r, rc);
    }
}

static int read_length(brisk_ctx *r) {
    bk_conn *c = r->conn;
    size_t need = (size_t)r->body_left;
    size_t avail = c->rlen - c->rpos;
    if (avail < need && c->rpos + need > c->w->rbuf_size) {
        r->sink = bk_arena_alloc(&r->arena, need);
        r->sink_len = need;
        memcpy(r->sink, c->rbuf + c->rpos, avail);
        r->sink_filled = avail;
        c->rpos = c->rlen;
        while (r->sink_filled < r->sink_len) {
            int rc = wait_body(r);
            if (rc) {
                r->sink = NULL;
                return rc == BRISK_E_CLOSED ? rc : fail(r, rc);
            }
        }
        r->body = (brisk_str){r->sink, need};
        r->sink = NULL;
    } else {
        while ((size_t)(c->rlen - c->rpos) < need) {
            int rc = wait_body(r);
            if (rc) return rc == BRISK_E_CLOSED ? rc : fail(r, rc);
        }
        r->body = (brisk_str){c->rbuf + c->rpos, need};
        c->rpos += (uint32_t)need;
    }
    r->body_left = 0;
    r->body_done = true;
    return 0;
}

int brisk_body_read(brisk_ctx *r, brisk_str *out) {
    *out = (brisk_str){"", 0};
    if (r->body_done) {
        if (r->wake) return r->wake;
        *out = r->body.ptr ? r->body : (brisk_str){"", 0};
        return 0;
    }
    if (r->dead) return BRISK_E_CLOSED;
    bk_conn *c = r->conn;
    if ((r->req.flags & BK_REQ_EXPECT_CONTINUE) && !r->continue_sent) {
        r->continue_sent = true;
        bk_buf_append(&c->wbuf, continue_line, sizeof continue_line - 1);
        bk_conn_flush(c);
    }
    r->body_started = true;
    int rc = (r->req.flags & BK_REQ_CHUNKED) ? read_chunked(r) : read_length(r);
    if (rc == 0) *out = r->body;
    return rc;
}
