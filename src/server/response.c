/* Responses. A buffered response's body is written straight into the connection's output
 * buffer, behind room left for the head; the head is written into that room when the
 * pipeline returns, so middleware can still add headers after the handler ran. The room
 * is sized for the head as it stands when the body starts, so usually nothing moves. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "runtime/log.h"
#include "server/internal.h"

const char *brisk_status_reason(int status) {
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

size_t bk_error_body(int status, char *out, size_t cap) {
    int n = snprintf(out, cap, "{\"detail\":\"%s\"}", brisk_status_reason(status));
    return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* RFC 9110 §6.4.1: these never have content, so no Content-Length either. */
static bool status_has_body(int status) {
    return status >= 200 && status != 204 && status != 304;
}

static bool token_ok(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= 32 || ch >= 127 || strchr("\"(),/:;<=>?@[\\]{}", ch)) return false;
    }
    return n > 0;
}

static bool value_ok(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 32 && ch != '\t') || ch == 127) return false; /* no header injection */
    }
    return true;
}

static void add_header(brisk_ctx *c, const char *name, size_t nl, const char *value, size_t vl) {
    bk_resp_header *h = bk_arena_alloc(&c->arena, sizeof *h);
    h->name = bk_arena_strndup(&c->arena, name, nl);
    h->value = bk_arena_strndup(&c->arena, value, vl);
    h->name_len = (uint32_t)nl;
    h->value_len = (uint32_t)vl;
    h->next = NULL;
    *c->headers_tail = h;
    c->headers_tail = &h->next;
}

int brisk_set_header(brisk_ctx *c, const char *name, const char *value) {
    size_t nl = strlen(name), vl = strlen(value);
    if (!token_ok(name, nl) || !value_ok(value, vl)) {
        brisk_log(BRISK_LOG_ERROR, "refused response header %s: invalid characters", name);
        return -1;
    }
    if (c->committed) return BRISK_E_STATE;
    add_header(c, name, nl, value, vl);
    return 0;
}

brisk_str brisk_response_header(const brisk_ctx *c, const char *name) {
    size_t nl = strlen(name);
    if (c->ctype && nl == 12 && strcasecmp(name, "Content-Type") == 0)
        return (brisk_str){c->ctype, c->ctype_len};
    for (bk_resp_header *h = c->headers; h; h = h->next)
        if (h->name_len == nl && strncasecmp(h->name, name, nl) == 0)
            return (brisk_str){h->value, h->value_len};
    return (brisk_str){NULL, 0};
}

int brisk_response_status(const brisk_ctx *c) { return c->status; }
bool brisk_response_streamed(const brisk_ctx *c) { return c->streaming; }
bool brisk_replied(const brisk_ctx *c) { return c->replied; }

/* "HTTP/1.1 200 OK\r\n", formatted once per status code and process. */
static const char *status_line(int status, size_t *len) {
    static char lines[600][48];
    static unsigned char lens[600];
    if (status < 100 || status > 599) status = 500;
    if (!lens[status])
        lens[status] = (unsigned char)snprintf(lines[status], sizeof lines[status],
                                               "HTTP/1.1 %d %s\r\n", status,
                                               brisk_status_reason(status));
    *len = lens[status];
    return lines[status];
}

/* The head, written to dst, or only measured when dst is NULL. */
static size_t head_write(brisk_ctx *c, char *dst, size_t body_len) {
    size_t ln;
    const char *line = status_line(c->status, &ln);
    char clen[48];
    size_t cl = 0;
    if (c->streaming) {
        if (c->stream_chunked) {
            memcpy(clen, "Transfer-Encoding: chunked\r\n", 28);
            cl = 28;
        }
    } else if (status_has_body(c->status)) {
        if (dst) {
            memcpy(clen, "Content-Length: ", 16);
            cl = 16 + bk_fmt_u64(clen + 16, body_len);
            clen[cl++] = '\r';
            clen[cl++] = '\n';
        } else {
            cl = 18 + bk_u64_digits(body_len);
        }
    }
    const char *conn = NULL;
    size_t conn_len = 0;
    if (!c->keep_alive) {
        conn = "Connection: close\r\n";
        conn_len = 19;
    } else if (c->req.minor == 0) {
        conn = "Connection: keep-alive\r\n";
        conn_len = 24;
    }
    static const char server[] = "Server: brisk\r\n";
    size_t total = ln + sizeof server - 1 + BK_DATE_HEADER_LEN + cl + conn_len + 2;
    if (c->ctype) total += 16 + c->ctype_len;
    for (bk_resp_header *h = c->headers; h; h = h->next) total += h->name_len + h->value_len + 4;
    if (!dst) return total;
    char *p = dst;
#define PUT(src, n) (memcpy(p, (src), (n)), p += (n))
    PUT(line, ln);
    PUT(server, sizeof server - 1);
    PUT(bk_date_header(c->w), BK_DATE_HEADER_LEN);
    PUT(clen, cl);
    if (c->ctype) {
        PUT("Content-Type: ", 14);
        PUT(c->ctype, c->ctype_len);
        PUT("\r\n", 2);
    }
    if (conn) PUT(conn, conn_len);
    for (bk_resp_header *h = c->headers; h; h = h->next) {
        PUT(h->name, h->name_len);
        PUT(": ", 2);
        PUT(h->value, h->value_len);
        PUT("\r\n", 2);
    }
    PUT("\r\n", 2);
#undef PUT
    return (size_t)(p - dst);
}

/* Content-Type given with the reply; a Content-Type header set explicitly wins, as in
 * Starlette. brisk's own types are literals and need no copy. */
static void set_content_type(brisk_ctx *c, const char *ct, bool literal) {
    if (!ct) return;
    for (bk_resp_header *h = c->headers; h; h = h->next)
        if (h->name_len == 12 && strncasecmp(h->name, "Content-Type", 12) == 0) return;
    size_t n = strlen(ct);
    c->ctype = literal ? ct : bk_arena_strndup(&c->arena, ct, n);
    c->ctype_len = (uint32_t)n;
}

/* Informational codes cannot end a request; out-of-range ones are not HTTP. */
static int checked_status(brisk_ctx *c, int status) {
    if (status >= 200 && status <= 599) return status;
    brisk_log(BRISK_LOG_ERROR, "%.*s %.*s: invalid response status %d, sending 500",
              (int)c->req.method_len, c->req.method, (int)c->req.path_len, c->req.path, status);
    return 500;
}

/* Starts a buffered body: reserves room for the head at c->mark. */
static void body_begin(brisk_ctx *c, int status, const char *content_type, bool literal) {
    status = checked_status(c, status);
    c->replied = true;
    c->status = status;
    set_content_type(c, content_type, literal);
    bk_buf *o = &c->conn->wbuf;
    c->mark = o->len;
    size_t room = head_write(c, NULL, 99); /* two digits: most API bodies */
    bk_buf_reserve(o, room + 256);
    o->len += room;
    c->body_off = o->len;
}

void bk_response_commit(brisk_ctx *c) {
    if (c->committed) return;
    bk_run_head_hooks(c); /* before `committed`: they may still set headers and body */
    c->committed = true;
    bk_buf *o = &c->conn->wbuf;
    size_t body_len = o->len - c->body_off;
    size_t head = head_write(c, NULL, body_len);
    size_t room = c->body_off - c->mark;
    if (head != room) {
        bk_buf_reserve(o, head > room ? head - room : 0);
        memmove(o->data + c->mark + head, o->data + c->body_off, body_len);
    }
    head_write(c, o->data + c->mark, body_len);
    o->len = c->mark + head + (c->head_only || !status_has_body(c->status) ? 0 : body_len);
    c->bytes_out = body_len;
}

void brisk_reply(brisk_ctx *c, int status, const char *content_type, const void *body,
                 size_t len) {
    if (c->replied) {
        brisk_log(BRISK_LOG_ERROR, "%.*s %.*s: replied twice; the second reply is dropped",
                  (int)c->req.method_len, c->req.method, (int)c->req.path_len, c->req.path);
        return;
    }
    body_begin(c, status, content_type, false);
    if (len) bk_buf_append(&c->conn->wbuf, body, len);
}

void brisk_reply_text(brisk_ctx *c, int status, const char *text) {
    if (c->replied) {
        brisk_reply(c, status, NULL, NULL, 0); /* logs the double reply */
        return;
    }
    body_begin(c, status, "text/plain; charset=utf-8", true);
    bk_buf_append(&c->conn->wbuf, text, strlen(text));
}

void brisk_reply_empty(brisk_ctx *c, int status) { brisk_reply(c, status, NULL, "", 0); }

void brisk_reply_error(brisk_ctx *c, int status, const char *detail) {
    brisk_json *j = brisk_json_begin(c, status);
    if (!j) return;
    brisk_json_obj(j);
    brisk_json_key(j, "detail");
    brisk_json_string(j, detail);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

brisk_json *brisk_json_begin(brisk_ctx *c, int status) {
    if (c->replied) {
        brisk_log(BRISK_LOG_ERROR, "%.*s %.*s: replied twice; the second reply is dropped",
                  (int)c->req.method_len, c->req.method, (int)c->req.path_len, c->req.path);
        /* Hand out a writer into scratch space so the caller's code runs unchanged. */
        bk_buf *scratch = bk_arena_alloc(&c->arena, sizeof *scratch);
        *scratch = (bk_buf){0};
        brisk_json *j = bk_arena_alloc(&c->arena, sizeof *j);
        bk_json_init(j, scratch);
        return j;
    }
    body_begin(c, status, "application/json", true);
    bk_json_init(&c->json, &c->conn->wbuf);
    c->json_open = true;
    return &c->json;
}

void brisk_json_end(brisk_ctx *c, brisk_json *j) {
    if (j != &c->json) {
        bk_buf_free(j->out); /* the scratch writer of a second reply */
        return;
    }
    c->json_open = false;
    if (j->overflow || j->depth != 0) {
        brisk_log(BRISK_LOG_ERROR, "%.*s %.*s: unbalanced or too deep JSON response",
                  (int)c->req.method_len, c->req.method, (int)c->req.path_len, c->req.path);
        c->conn->wbuf.len = c->body_off;
        c->status = 500;
        bk_buf_lit(&c->conn->wbuf, "{\"detail\":\"Internal Server Error\"}");
    }
}

/* ---- streaming -------------------------------------------------------------------- */

static int wait_write(brisk_ctx *c) {
    c->waiting_write = true;
    bk_coro_yield();
    c->waiting_write = false;
    return c->wake;
}

int brisk_stream_begin(brisk_ctx *c, int status, const char *content_type) {
    if (c->replied) return BRISK_E_STATE;
    if (c->dead) return BRISK_E_CLOSED;
    status = checked_status(c, status);
    c->replied = c->streaming = true;
    c->status = status;
    c->stream_chunked = c->req.minor >= 1;
    if (!c->stream_chunked) c->keep_alive = false; /* HTTP/1.0: the close ends the body */
    set_content_type(c, content_type, false);
    bk_run_head_hooks(c);
    bk_buf *o = &c->conn->wbuf;
    c->mark = o->len;
    size_t head = head_write(c, NULL, 0);
    bk_buf_reserve(o, head);
    head_write(c, o->data + o->len, 0);
    o->len += head;
    c->committed = true;
    bk_conn_flush(c->conn);
    return c->dead ? BRISK_E_CLOSED : 0;
}

void bk_stream_put(brisk_ctx *c, const void *data, size_t len) {
    if (len == 0 || c->head_only) return;
    bk_buf *o = &c->conn->wbuf;
    if (c->stream_chunked) {
        char hex[20];
        int n = snprintf(hex, sizeof hex, "%zx\r\n", len);
        bk_buf_append(o, hex, (size_t)n);
        bk_buf_append(o, data, len);
        bk_buf_lit(o, "\r\n");
    } else {
        bk_buf_append(o, data, len);
    }
    c->bytes_out += len;
}

int brisk_stream_write(brisk_ctx *c, const void *data, size_t len) {
    if (!c->streaming || c->stream_ended) return BRISK_E_STATE;
    if (c->dead) return BRISK_E_CLOSED;
    if (len == 0 || c->head_only) return 0; /* an empty chunk would end the body */
    bk_conn *conn = c->conn;
    if (c->filter) {
        int rc = c->filter(c, c->filter_state, data, len, false);
        if (rc) return rc;
    } else {
        bk_stream_put(c, data, len);
    }
    bk_conn_flush(conn);
    /* Backpressure: a client slower than the producer suspends the producer until the
     * kernel took what is queued, so a stream never buffers more than one write. */
    if (!c->dead && conn->writing) {
        int rc = wait_write(c);
        if (rc) return rc;
    }
    return c->dead ? BRISK_E_CLOSED : 0;
}

int brisk_stream_end(brisk_ctx *c) {
    if (!c->streaming) return BRISK_E_STATE;
    if (c->stream_ended) return 0;
    c->stream_ended = true;
    if (c->dead) return BRISK_E_CLOSED;
    if (c->filter && !c->head_only) c->filter(c, c->filter_state, NULL, 0, true);
    if (c->stream_chunked && !c->head_only) bk_buf_lit(&c->conn->wbuf, "0\r\n\r\n");
    bk_conn_flush(c->conn);
    return 0;
}

/* Runs when the pipeline returns, still inside the request's coroutine. */
void bk_response_finish(brisk_ctx *c) {
    if (c->dead) return;
    if (!c->replied) {
        brisk_log(BRISK_LOG_ERROR, "%.*s %.*s: the handler returned without a reply",
                  (int)c->req.method_len, c->req.method, (int)c->req.path_len, c->req.path);
        brisk_reply_error(c, 500, "Internal Server Error");
    }
    if (c->json_open) brisk_json_end(c, &c->json);
    /* A client told to wait for 100 Continue that never came will not send the body;
     * one that sends it anyway cannot be told apart from its next request. */
    if (!c->body_done && (c->req.flags & BK_REQ_EXPECT_CONTINUE) && !c->continue_sent)
        c->keep_alive = false;
    if (c->streaming)
        brisk_stream_end(c);
    else
        bk_response_commit(c);
}

/* ---- taking a reply back (an error raised after the handler began answering) ------- */

void *bk_response_header_mark(brisk_ctx *c) { return c->headers_tail; }

bool bk_response_reset(brisk_ctx *c, void *mark) {
    if (c->committed) return false;
    bk_resp_header **tail = mark ? mark : &c->headers;
    *tail = NULL;
    c->headers_tail = tail;
    if (c->replied) c->conn->wbuf.len = c->mark;
    c->replied = false;
    c->json_open = false;
    c->ctype = NULL;
    c->ctype_len = 0;
    c->status = 0;
    return true;
}

/* A stream cannot be taken back, but it can be cut: no last chunk, and the connection
 * closes, so the client sees a broken response rather than a complete wrong one. */
void bk_response_abort(brisk_ctx *c) {
    c->keep_alive = false;
    if (c->streaming) c->stream_ended = true;
}
