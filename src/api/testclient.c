/* The test client (FastAPI's TestClient). A request is serialized as a client would send
 * it and answered by a socketless worker (server/vconn.c) running the whole pipeline; the
 * response is parsed back from the bytes exactly as they would have gone on the wire, so
 * a test sees framing mistakes a friendlier interface would hide. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "app/app.h"
#include "runtime/buf.h"
#include "server/server.h"

struct brisk_test_client {
    brisk_app *app;
    bk_config cfg;
    bk_vserver *server;          /* started by the first request, after bk_api_prepare */
    bk_buf req, raw, head, body;
    brisk_test_response resp;
};

brisk_test_client *brisk_test_client_new(brisk_app *app) {
    if (!app) {
        brisk_log(BRISK_LOG_ERROR, "brisk_test_client_new: no app");
        return NULL;
    }
    brisk_test_client *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->app = app;
    /* The server's defaults, as `brisk_serve` without options would run, but no access
     * log: no server is running, as Starlette's TestClient runs none. */
    bk_config_defaults(&t->cfg);
    t->cfg.access_log = false;
    return t;
}

void brisk_test_client_free(brisk_test_client *t) {
    if (!t) return;
    bk_vserver_free(t->server);
    bk_buf_free(&t->req);
    bk_buf_free(&t->raw);
    bk_buf_free(&t->head);
    bk_buf_free(&t->body);
    free(t);
}

/* ---- parsing the response, as a client does ---------------------------------------- */

static const char *find(const char *p, const char *end, const char *s, size_t n) {
    return p < end ? memmem(p, (size_t)(end - p), s, n) : NULL;
}

static bool digit(char ch) { return ch >= '0' && ch <= '9'; }

static int hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* RFC 9112 §7.1. Appends the data to body (when given). 1: complete, with *used set; 0:
 * more bytes needed; -1: malformed. */
static int dechunk(const char *p, const char *end, size_t *used, bk_buf *body) {
    const char *start = p;
    for (;;) {
        const char *eol = find(p, end, "\r\n", 2);
        if (!eol) return 0;
        size_t size = 0;
        int digits = 0;
        for (; p < eol && hexval(*p) >= 0; p++) {
            if (++digits > 15) return -1;
            size = size * 16 + (size_t)hexval(*p);
        }
        if (!digits || (p < eol && *p != ';' && *p != ' ' && *p != '\t')) return -1;
        p = eol + 2;
        if (size == 0) { /* trailer fields, then an empty line */
            for (;;) {
                eol = find(p, end, "\r\n", 2);
                if (!eol) return 0;
                bool last = eol == p;
                p = eol + 2;
                if (last) {
                    *used = (size_t)(p - start);
                    return 1;
                }
            }
        }
        if ((size_t)(end - p) < size + 2) return 0;
        if (memcmp(p + size, "\r\n", 2) != 0) return -1;
        if (body) bk_buf_append(body, p, size);
        p += size + 2;
    }
}

static bool name_is(const char *line, size_t n, const char *name) {
    size_t nl = strlen(name);
    return n == nl && strncasecmp(line, name, nl) == 0;
}

static brisk_str trim(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    return (brisk_str){p, (size_t)(end - p)};
}

typedef struct parsed {
    int status;
    const char *head;            /* the final response's head, blank line included */
    size_t head_len;
    const char *body;            /* not chunked: the body as sent */
    size_t body_len;
    bool chunked;
    size_t end;                  /* bytes the whole exchange took, interim responses too */
} parsed;

/* RFC 9112 §6.3 framing: interim (1xx) responses are skipped; a HEAD request's response
 * and 204/304 have no body. eof: the server sent everything it will. When body is given,
 * a chunked body is decoded into it. 1: complete; 0: more bytes needed; -1: malformed. */
static int parse(const char *p, size_t n, bool head_req, bool eof, parsed *out, bk_buf *body) {
    const char *start = p, *end = p + n;
    for (;;) {
        const char *blank = find(p, end, "\r\n\r\n", 4);
        if (!blank) return eof ? -1 : 0;
        const char *hend = blank + 4;
        if (hend - p < 16 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' || !digit(p[9]) ||
            !digit(p[10]) || !digit(p[11]))
            return -1;
        int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
        if (status >= 100 && status < 200 && status != 101) {
            p = hend;
            continue;
        }
        *out = (parsed){.status = status, .head = p, .head_len = (size_t)(hend - p)};
        bool has_length = false;
        size_t length = 0;
        for (const char *line = find(p, hend, "\r\n", 2) + 2; line < blank + 2;) {
            const char *eol = find(line, hend, "\r\n", 2);
            const char *colon = memchr(line, ':', (size_t)(eol - line));
            if (!colon) return -1;
            brisk_str v = trim(colon + 1, eol);
            if (name_is(line, (size_t)(colon - line), "Content-Length")) {
                if (has_length || !v.len) return -1;
                for (size_t i = 0; i < v.len; i++) {
                    if (!digit(v.ptr[i]) || length > (SIZE_MAX - 9) / 10)
                        return -1;
                    length = length * 10 + (size_t)(v.ptr[i] - '0');
                }
                has_length = true;
            } else if (name_is(line, (size_t)(colon - line), "Transfer-Encoding")) {
                out->chunked = v.len >= 7 && strncasecmp(v.ptr + v.len - 7, "chunked", 7) == 0;
            }
            line = eol + 2;
        }
        out->body = hend;
        out->end = (size_t)(hend - start);
        if (head_req || status < 200 || status == 204 || status == 304) return 1;
        if (out->chunked) {
            size_t used = 0;
            int rc = dechunk(hend, end, &used, body);
            out->end += used;
            return rc == 0 && eof ? -1 : rc;
        }
        if (has_length) {
            if ((size_t)(end - hend) < length) return eof ? -1 : 0;
            out->body_len = length;
            out->end += length;
            return 1;
        }
        out->body_len = (size_t)(end - hend); /* delimited by the close */
        out->end = n;
        return eof ? 1 : 0;
    }
}

/* RFC 9112 §9.6: "close" among the Connection header's options. */
static bool connection_close(const char *head, size_t len) {
    brisk_test_response r = {.head = {head, len}};
    brisk_str v = brisk_test_header(&r, "Connection");
    for (size_t i = 0; i < v.len;) {
        size_t j = i;
        while (j < v.len && v.ptr[j] != ',') j++;
        brisk_str opt = trim(v.ptr + i, v.ptr + j);
        if (opt.len == 5 && strncasecmp(opt.ptr, "close", 5) == 0) return true;
        i = j + 1;
    }
    return false;
}

static bool response_done(const bk_buf *out, void *arg) {
    parsed p;
    return parse(out->data, out->len, *(const bool *)arg, false, &p, NULL) != 0;
}

/* ---- the request ------------------------------------------------------------------- */

static const brisk_test_response *fail(brisk_test_client *t, const char *fmt, ...)
    BRISK_PRINTF(2, 3);

static const brisk_test_response *fail(brisk_test_client *t, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    brisk_log(BRISK_LOG_ERROR, "test client: %s", msg);
    static brisk_test_response none = {0, {"", 0}, {"", 0}};
    if (!t) return &none;
    t->resp = none;
    return &t->resp;
}

/* RFC 9110 §5.6.2. */
static bool is_token(const char *s) {
    if (!*s) return false;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch <= 32 || ch >= 127 || strchr("\"(),/:;<=>?@[\\]{}", ch)) return false;
    }
    return true;
}

/* No control characters (tab aside): a CR or LF would smuggle in a header of its own. */
static bool is_field_value(const char *s) {
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch < 32 && ch != '\t') || ch == 127) return false;
    }
    return true;
}

static bool is_target(const char *s) {
    if (!*s) return false;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch <= 32 || ch >= 127) return false;
    }
    return true;
}

static bool has_header(const char *const *h, const char *name) {
    for (; h && h[0] && h[1]; h += 2)
        if (strcasecmp(h[0], name) == 0) return true;
    return false;
}

static void put_header(bk_buf *b, const char *name, const char *value) {
    bk_buf_append(b, name, strlen(name));
    bk_buf_lit(b, ": ");
    bk_buf_append(b, value, strlen(value));
    bk_buf_lit(b, "\r\n");
}

/* Serializes the request into t->req; NULL, or what is wrong with it. */
static const char *build(brisk_test_client *t, const char *method, const char *target,
                         const brisk_test_request *o) {
    if (!method || !is_token(method)) return "the method is missing or not an HTTP token";
    if (!target || !is_target(target))
        return "the target is missing or has spaces or control characters";
    const char *const *h = o ? o->headers : NULL;
    for (size_t i = 0; h && h[i]; i += 2) {
        if (!h[i + 1]) return "the headers are not name, value pairs";
        if (!is_token(h[i])) return "a header name is empty or not an HTTP token";
        if (!is_field_value(h[i + 1])) return "a header value has CR, LF or control characters";
    }
    const char *body = o ? o->body : NULL;
    size_t body_len = body ? (o->body_len ? o->body_len : strlen(body)) : 0;
    if (o && o->json) {
        if (body) return ".body and .json are both given";
        body = o->json;
        body_len = strlen(body);
    }
    bk_buf *b = &t->req;
    b->len = 0;
    bk_buf_append(b, method, strlen(method));
    bk_buf_lit(b, " ");
    bk_buf_append(b, target, strlen(target));
    bk_buf_lit(b, " HTTP/1.1\r\n");
    if (!has_header(h, "Host")) put_header(b, "Host", "testserver"); /* as Starlette's */
    for (size_t i = 0; h && h[i]; i += 2) put_header(b, h[i], h[i + 1]);
    if (o && o->json && !has_header(h, "Content-Type"))
        put_header(b, "Content-Type", "application/json");
    if (body && !has_header(h, "Content-Length") && !has_header(h, "Transfer-Encoding")) {
        char n[24];
        snprintf(n, sizeof n, "%zu", body_len);
        put_header(b, "Content-Length", n);
    }
    bk_buf_lit(b, "\r\n");
    if (body_len) bk_buf_append(b, body, body_len);
    return NULL;
}

static brisk_str copy(bk_buf *b, const char *p, size_t n) {
    b->len = 0;
    bk_buf_reserve(b, n + 1);
    if (n) bk_buf_append(b, p, n);
    b->data[n] = '\0';
    return (brisk_str){b->data, n};
}

const brisk_test_response *brisk_test_request_opts(brisk_test_client *t, const char *method,
                                                   const char *target,
                                                   const brisk_test_request *o) {
    if (!t) return fail(t, "no client");
    const char *err = build(t, method, target, o);
    if (err)
        return fail(t, "%s %s: %s", method ? method : "(null)", target ? target : "(null)",
                    err);
    if (!t->server) {
        if (bk_api_prepare(t->app) != 0) return fail(t, "the app cannot be prepared");
        t->server = bk_vserver_new(&t->cfg, bk_app_handle, t->app);
        if (!t->server) return fail(t, "cannot start the server");
    }
    bool head_req = strcmp(method, "HEAD") == 0;
    t->raw.len = 0;
    bk_vserver_exchange(t->server, t->req.data, t->req.len, &t->raw, response_done, &head_req);
    parsed p;
    t->body.len = 0;
    /* What the exchange left is all that will come: an unfinished response is an error. */
    int rc = parse(t->raw.data, t->raw.len, head_req, true, &p, &t->body);
    /* Extra bytes would be taken for the start of the next response: a framing bug too.
     * Either way the connection is out of step, and a client would drop it. */
    if (rc != 1 || p.end != t->raw.len) {
        bk_vserver_close(t->server);
        if (rc == 1)
            return fail(t, "%s %s: %zu bytes after the response", method, target,
                        t->raw.len - p.end);
        return fail(t, "%s %s: %s", method, target,
                    t->raw.len ? "malformed or incomplete response" : "no response");
    }
    /* As any HTTP/1.1 client: a connection the server said it closes is not reused. */
    if (connection_close(p.head, p.head_len)) bk_vserver_close(t->server);
    t->resp.status = p.status;
    t->resp.head = copy(&t->head, p.head, p.head_len);
    if (p.chunked) { /* decoded into t->body already */
        bk_buf_putc(&t->body, '\0');
        t->resp.body = (brisk_str){t->body.data, --t->body.len};
    } else {
        t->resp.body = copy(&t->body, p.body, p.body_len);
    }
    return &t->resp;
}

brisk_str brisk_test_header(const brisk_test_response *r, const char *name) {
    if (!r || !name || !r->head.ptr) return (brisk_str){NULL, 0};
    const char *end = r->head.ptr + r->head.len;
    const char *line = find(r->head.ptr, end, "\r\n", 2); /* past the status line */
    for (line = line ? line + 2 : end; line < end;) {
        const char *eol = find(line, end, "\r\n", 2);
        if (!eol || eol == line) break;
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon && name_is(line, (size_t)(colon - line), name)) return trim(colon + 1, eol);
        line = eol + 2;
    }
    return (brisk_str){NULL, 0};
}
