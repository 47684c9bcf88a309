/*
 * test_http_parser.c — unit tests for the HTTP/1.1 head parser and the chunked decoder.
 *
 * Every head test goes through check_head(), which parses the request in one piece and
 * again fed one byte at a time (each time from a fresh exact-size copy, so the buffer also
 * moves and ASan sees any read past the bytes received) and requires the same answer.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/http_parser.h"

const uint8_t *bk_http__char_classes(void); /* internal, exported for this test */

#define NFIELDS 16
static const bk_http_limits hp_limits = { .max_head = 4096, .max_uri = 1024,
                                          .max_headers = NFIELDS };

typedef struct parsed {
    int rc;
    bk_http_request req;
    bk_http_header fields[NFIELDS];
    char *buf; /* the bytes the views point into */
} parsed;

static void parsed_free(parsed *p) {
    free(p->buf);
    p->buf = NULL;
}

static char *hp_copy(const char *s, size_t n) {
    char *c = malloc(n ? n : 1);
    cr_assert(c);
    memcpy(c, s, n);
    return c;
}

static void parse_whole(const char *s, size_t n, const bk_http_limits *lim, parsed *out) {
    memset(out, 0, sizeof *out);
    out->buf = hp_copy(s, n);
    out->req.headers = out->fields;
    size_t scanned = 0;
    out->rc = bk_http_parse_head(out->buf, n, &scanned, lim, &out->req);
    if (out->rc != BK_HTTP_INCOMPLETE) cr_assert_eq(scanned, 0, "scanned not reset");
}

/* Feeds s[0..n) one byte more per call; returns the first non-INCOMPLETE answer (or
   INCOMPLETE when the input runs out). Checks that each call consumed all it was given,
   which is what makes repeated calls O(new bytes). */
static void parse_bytewise(const char *s, size_t n, const bk_http_limits *lim, parsed *out) {
    memset(out, 0, sizeof *out);
    out->req.headers = out->fields;
    size_t scanned = 0;
    out->rc = BK_HTTP_INCOMPLETE;
    for (size_t k = 1; k <= n; k++) {
        free(out->buf);
        out->buf = hp_copy(s, k);
        out->rc = bk_http_parse_head(out->buf, k, &scanned, lim, &out->req);
        if (out->rc != BK_HTTP_INCOMPLETE) return;
#if SIZE_MAX >= UINT64_MAX
        cr_assert_eq(scanned & 0xFFFFFFFFu, k, "call with %zu bytes stopped at %zu", k,
                     (size_t)(scanned & 0xFFFFFFFFu));
#endif
    }
}

static void same_view(const char *a, size_t an, const char *b, size_t bn, const char *what) {
    cr_assert_eq(an, bn, "%s length %zu vs %zu", what, an, bn);
    cr_assert(an == 0 || memcmp(a, b, an) == 0, "%s differs", what);
}

static void same_result(const parsed *a, const parsed *b) {
    cr_assert_eq(a->rc, b->rc, "one-shot %d vs bytewise %d", a->rc, b->rc);
    if (a->rc <= 0) return;
    const bk_http_request *x = &a->req, *y = &b->req;
    same_view(x->method, x->method_len, y->method, y->method_len, "method");
    same_view(x->target, x->target_len, y->target, y->target_len, "target");
    same_view(x->path, x->path_len, y->path, y->path_len, "path");
    cr_assert_eq(x->query == NULL, y->query == NULL);
    if (x->query) same_view(x->query, x->query_len, y->query, y->query_len, "query");
    cr_assert_eq(x->minor, y->minor);
    cr_assert_eq(x->flags, y->flags);
    cr_assert_eq(x->method_id, y->method_id);
    cr_assert_eq(x->content_length, y->content_length);
    cr_assert_eq(x->nheaders, y->nheaders);
    for (uint32_t i = 0; i < x->nheaders; i++) {
        same_view(x->headers[i].name, x->headers[i].name_len, y->headers[i].name,
                  y->headers[i].name_len, "field name");
        same_view(x->headers[i].value, x->headers[i].value_len, y->headers[i].value,
                  y->headers[i].value_len, "field value");
    }
}

/* Parses s both ways under lim, checks they agree, returns the one-shot result. */
static int check_head_lim(const char *s, size_t n, const bk_http_limits *lim, parsed *out) {
    parsed slow;
    parse_whole(s, n, lim, out);
    parse_bytewise(s, n, lim, &slow);
    same_result(out, &slow);
    parsed_free(&slow);
    return out->rc;
}

static int check_head(const char *s, parsed *out) {
    return check_head_lim(s, strlen(s), &hp_limits, out);
}

/* The status for s, parsed both ways. */
static int status_of(const char *s) {
    parsed p;
    int rc = check_head(s, &p);
    parsed_free(&p);
    return rc;
}

static int flags_of(const char *s) {
    parsed p;
    int rc = check_head(s, &p);
    cr_assert(rc > 0, "rejected (%d): %s", rc, s);
    int f = p.req.flags;
    parsed_free(&p);
    return f;
}

static void expect_view(const char *v, uint32_t n, const char *want) {
    cr_assert(v != NULL, "view is NULL, wanted \"%s\"", want);
    cr_assert(n == strlen(want) && memcmp(v, want, n) == 0, "got \"%.*s\", wanted \"%s\"",
              (int)n, v, want);
}

/* ---------------------------------------------------------------------------------------
 * Basics
 * ------------------------------------------------------------------------------------- */

Test(http_parser, char_class_table_matches_the_grammar) {
    const uint8_t *t = bk_http__char_classes();
    const char *tchar_specials = "!#$%&'*+-.^_`|~";
    for (int c = 0; c < 256; c++) {
        int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        int tchar = alnum || (c && strchr(tchar_specials, c));
        int target = c >= 0x21 && c <= 0x7E;
        int value = c == '\t' || (c >= 0x20 && c <= 0x7E) || c >= 0x80;
        int qdtext = c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) ||
                     (c >= 0x5D && c <= 0x7E) || c >= 0x80;
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        int want = tchar | target << 1 | value << 2 | qdtext << 3 | hex << 4;
        cr_assert_eq(t[c], want, "class of 0x%02x is %d, grammar says %d", c, t[c], want);
    }
}

Test(http_parser, simple_get) {
    parsed p;
    const char *s = "GET /hello?name=x HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
    cr_assert_eq(check_head(s, &p), (int)strlen(s));
    expect_view(p.req.method, p.req.method_len, "GET");
    cr_assert_eq(p.req.method_id, BK_METHOD_GET);
    expect_view(p.req.target, p.req.target_len, "/hello?name=x");
    expect_view(p.req.path, p.req.path_len, "/hello");
    expect_view(p.req.query, p.req.query_len, "name=x");
    cr_assert_eq(p.req.minor, 1);
    cr_assert_eq(p.req.nheaders, 2);
    expect_view(p.req.headers[0].name, p.req.headers[0].name_len, "Host");
    expect_view(p.req.headers[0].value, p.req.headers[0].value_len, "example.com");
    expect_view(p.req.headers[1].name, p.req.headers[1].name_len, "Accept");
    expect_view(p.req.headers[1].value, p.req.headers[1].value_len, "*/*");
    cr_assert_eq(p.req.content_length, -1);
    cr_assert_eq(p.req.flags, BK_REQ_KEEP_ALIVE | BK_REQ_HAS_HOST);
    /* views point into the caller's buffer, nothing was copied */
    cr_assert(p.req.method == p.buf && p.req.headers[1].value > p.buf &&
              p.req.headers[1].value < p.buf + strlen(s));
    parsed_free(&p);
}

Test(http_parser, head_length_excludes_the_body_and_next_request) {
    parsed p;
    const char *head = "POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\n";
    char s[256];
    snprintf(s, sizeof s, "%sabcGET / HTTP/1.1\r\n\r\n", head);
    cr_assert_eq(check_head(s, &p), (int)strlen(head));
    cr_assert_eq(p.req.content_length, 3);
    parsed_free(&p);
}

Test(http_parser, incomplete_heads) {
    const char *s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    for (size_t n = 0; n < strlen(s); n++) {
        parsed p;
        parse_whole(s, n, &hp_limits, &p);
        cr_assert_eq(p.rc, BK_HTTP_INCOMPLETE, "prefix of %zu bytes gave %d", n, p.rc);
        parsed_free(&p);
    }
}

Test(http_parser, field_values_are_trimmed_and_may_be_empty) {
    parsed p;
    cr_assert(check_head("GET / HTTP/1.1\r\nA: \t x y \t \r\nB:\r\nC:   \r\nD:z\r\n\r\n", &p) > 0);
    cr_assert_eq(p.req.nheaders, 4);
    expect_view(p.req.headers[0].value, p.req.headers[0].value_len, "x y");
    cr_assert_eq(p.req.headers[1].value_len, 0);
    cr_assert_eq(p.req.headers[2].value_len, 0);
    expect_view(p.req.headers[3].value, p.req.headers[3].value_len, "z");
    parsed_free(&p);
}

Test(http_parser, obs_text_and_htab_in_values) {
    cr_assert_gt(status_of("GET / HTTP/1.1\r\nA: D\xc3\xbcsseldorf\xff\r\nB: a\tb\r\n\r\n"), 0);
}

Test(http_parser, find_header_and_name_eq) {
    parsed p;
    cr_assert(check_head("GET / HTTP/1.1\r\nX-One: 1\r\ncontent-TYPE: text/plain\r\n\r\n", &p) > 0);
    const bk_http_header *h = bk_http_find_header(&p.req, "Content-Type", 12);
    cr_assert(h);
    expect_view(h->value, h->value_len, "text/plain");
    cr_assert_null(bk_http_find_header(&p.req, "X-Two", 5));
    cr_assert(bk_http_name_eq("x-one", 5, "X-ONE", 5));
    cr_assert_not(bk_http_name_eq("^", 1, "~", 1)); /* naive |0x20 folding would say equal */
    cr_assert_not(bk_http_name_eq("@", 1, "`", 1));
    cr_assert_not(bk_http_name_eq("ab", 2, "abc", 3));
    parsed_free(&p);
}

Test(http_parser, leading_empty_lines_are_skipped) {
    parsed p;
    const char *s = "\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    cr_assert_eq(check_head(s, &p), (int)strlen(s));
    expect_view(p.req.method, p.req.method_len, "GET");
    parsed_free(&p);
    cr_assert_eq(status_of("\nGET / HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("\r\rGET / HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of(" GET / HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
}

/* ---------------------------------------------------------------------------------------
 * Request line
 * ------------------------------------------------------------------------------------- */

Test(http_parser, versions) {
    parsed p;
    cr_assert_gt(check_head("GET / HTTP/1.0\r\n\r\n", &p), 0);
    cr_assert_eq(p.req.minor, 0);
    parsed_free(&p);
    cr_assert_eq(status_of("GET / HTTP/1.2\r\n\r\n"), BK_HTTP_E505);
    cr_assert_eq(status_of("GET / HTTP/2.0\r\n\r\n"), BK_HTTP_E505);
    cr_assert_eq(status_of("GET / HTTP/0.9\r\n\r\n"), BK_HTTP_E505);
    cr_assert_eq(status_of("GET / HTTP/2.0"), BK_HTTP_E505); /* known before the line ends */
    cr_assert_eq(status_of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), BK_HTTP_E505);
    cr_assert_eq(status_of("GET / HTTP/1.1 \r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / http/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/1.10\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/11.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/1.x\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / ICE/1.0\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET /\r\n\r\n"), BK_HTTP_E400); /* HTTP/0.9 */
    cr_assert_eq(status_of("GET / HTTP/1.1\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/1.1\rX"), BK_HTTP_E400);
}

Test(http_parser, request_line_separators) {
    cr_assert_eq(status_of("GET  / HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET /  HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET\t/ HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET /\tHTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of(" / HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET /foo bar HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
}

Test(http_parser, methods) {
    static const char *const ok[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS",
                                      "TRACE", "PATCH", "QUERY", "PROPFIND", "M-SEARCH",
                                      "PURGE", "VERSION-CONTROL" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char s[128];
        snprintf(s, sizeof s, "%s / HTTP/1.1\r\n\r\n", ok[i]);
        parsed p;
        cr_assert_gt(check_head(s, &p), 0, "%s", ok[i]);
        cr_assert_str_eq(bk_http_method_name(p.req.method_id), ok[i]);
        parsed_free(&p);
    }
    cr_assert_eq(status_of("get / HTTP/1.1\r\n\r\n"), BK_HTTP_E501); /* case-sensitive */
    cr_assert_eq(status_of("MKCOLA / HTTP/1.1\r\n\r\n"), BK_HTTP_E501);
    cr_assert_eq(status_of("BREW / HTTP/1.1\r\n\r\n"), BK_HTTP_E501);
    cr_assert_eq(status_of("PRI * HTTP/1.1\r\n\r\n"), BK_HTTP_E501);
    cr_assert_eq(status_of("G@T / HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    parsed p;
    cr_assert_eq(check_head_lim("G\0T / HTTP/1.1\r\n\r\n", 19, &hp_limits, &p), BK_HTTP_E400);
    parsed_free(&p);
    cr_assert_null(bk_http_method_name(0));
    cr_assert_null(bk_http_method_name(BK_METHOD__COUNT));
}

Test(http_parser, target_forms_and_split) {
    parsed p;
    cr_assert_gt(check_head("GET /a/b?x=1&y#frag HTTP/1.1\r\n\r\n", &p), 0);
    expect_view(p.req.path, p.req.path_len, "/a/b");
    expect_view(p.req.query, p.req.query_len, "x=1&y");
    parsed_free(&p);

    cr_assert_gt(check_head("GET /p#f?g HTTP/1.1\r\n\r\n", &p), 0);
    expect_view(p.req.path, p.req.path_len, "/p");
    cr_assert_null(p.req.query);
    parsed_free(&p);

    cr_assert_gt(check_head("GET /? HTTP/1.1\r\n\r\n", &p), 0);
    expect_view(p.req.query, p.req.query_len, "");
    parsed_free(&p);

    cr_assert_gt(check_head("GET /a?b?c HTTP/1.1\r\n\r\n", &p), 0);
    expect_view(p.req.path, p.req.path_len, "/a");
    expect_view(p.req.query, p.req.query_len, "b?c");
    parsed_free(&p);

    cr_assert_gt(check_head("GET http://example.com:8080/x/y?q=1 HTTP/1.1\r\n\r\n", &p), 0);
    expect_view(p.req.target, p.req.target_len, "http://example.com:8080/x/y?q=1");
    expect_view(p.req.path, p.req.path_len, "/x/y");
    expect_view(p.req.query, p.req.query_len, "q=1");
    parsed_free(&p);

    cr_assert_gt(check_head("GET http://hypnotoad.org?hail=all HTTP/1.1\r\n\r\n", &p), 0);
    expect_view(p.req.path, p.req.path_len, "/");
    expect_view(p.req.query, p.req.query_len, "hail=all");
    parsed_free(&p);

    cr_assert_gt(check_head("OPTIONS * HTTP/1.1\r\n\r\n", &p), 0);
    expect_view(p.req.path, p.req.path_len, "*");
    parsed_free(&p);

    cr_assert_gt(check_head("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", &p),
                 0);
    cr_assert_eq(p.req.method_id, BK_METHOD_CONNECT);
    expect_view(p.req.path, p.req.path_len, "example.com:443");
    parsed_free(&p);

    cr_assert_gt(status_of("GET /with_\"quotes\"|{}\\^`<> HTTP/1.1\r\n\r\n"), 0);
    cr_assert_eq(status_of("GET foo HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET *x HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET 1http://x/ HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET http:/x HTTP/1.1\r\n\r\n"), BK_HTTP_E400);
}

Test(http_parser, bad_target_bytes) {
    static const char bad[] = { 0x00, 0x01, 0x09, 0x0b, 0x1f, 0x7f, (char)0x80, (char)0xff };
    for (size_t i = 0; i < sizeof bad; i++) {
        char s[64];
        int n = snprintf(s, sizeof s, "GET /a%cb HTTP/1.1\r\n\r\n", 'X');
        s[6] = bad[i];
        parsed p;
        cr_assert_eq(check_head_lim(s, (size_t)n, &hp_limits, &p), BK_HTTP_E400,
                     "byte 0x%02x", (unsigned char)bad[i]);
        parsed_free(&p);
    }
}

/* ---------------------------------------------------------------------------------------
 * Limits
 * ------------------------------------------------------------------------------------- */

static char *repeat(char c, size_t n) {
    char *s = malloc(n + 1);
    cr_assert(s);
    memset(s, c, n);
    s[n] = 0;
    return s;
}

Test(http_parser, uri_limit_414) {
    bk_http_limits lim = { .max_head = 1 << 16, .max_uri = 100, .max_headers = NFIELDS };
    char *seg = repeat('a', 99), s[512];
    parsed p;
    int n = snprintf(s, sizeof s, "GET /%s HTTP/1.1\r\n\r\n", seg); /* exactly 100 */
    cr_assert_gt(check_head_lim(s, (size_t)n, &lim, &p), 0);
    parsed_free(&p);
    n = snprintf(s, sizeof s, "GET /%sb HTTP/1.1\r\n\r\n", seg);
    cr_assert_eq(check_head_lim(s, (size_t)n, &lim, &p), BK_HTTP_E414);
    parsed_free(&p);
    /* early: no space, no CRLF yet, but already too long */
    n = snprintf(s, sizeof s, "GET /%sbc", seg);
    cr_assert_eq(check_head_lim(s, (size_t)n, &lim, &p), BK_HTTP_E414);
    parsed_free(&p);
    /* the limit byte by byte: INCOMPLETE until byte 101 of the target */
    n = snprintf(s, sizeof s, "GET /%s", seg);
    cr_assert_eq(check_head_lim(s, (size_t)n, &lim, &p), BK_HTTP_INCOMPLETE);
    parsed_free(&p);
    free(seg);
}

Test(http_parser, head_size_limit_431) {
    const char *fmt = "GET / HTTP/1.1\r\nX: %s\r\n\r\n";
    size_t fixed = strlen(fmt) - 2;
    bk_http_limits lim = { .max_head = 200, .max_uri = 100, .max_headers = NFIELDS };
    char *v = repeat('v', 200 - fixed), s[512];
    parsed p;
    int n = snprintf(s, sizeof s, fmt, v);
    cr_assert_eq(n, 200);
    cr_assert_eq(check_head_lim(s, (size_t)n, &lim, &p), 200);
    parsed_free(&p);
    free(v);
    v = repeat('v', 201 - fixed);
    n = snprintf(s, sizeof s, fmt, v);
    cr_assert_eq(check_head_lim(s, (size_t)n, &lim, &p), BK_HTTP_E431);
    parsed_free(&p);
    /* early: 200 bytes received, no end in sight */
    cr_assert_eq(check_head_lim(s, 200, &lim, &p), BK_HTTP_E431);
    parsed_free(&p);
    cr_assert_eq(check_head_lim(s, 199, &lim, &p), BK_HTTP_INCOMPLETE);
    parsed_free(&p);
    free(v);
    /* leading empty lines count */
    n = snprintf(s, sizeof s, "\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    lim.max_head = (size_t)n - 1;
    cr_assert_eq(check_head_lim(s, (size_t)n, &lim, &p), BK_HTTP_E431);
    parsed_free(&p);
}

Test(http_parser, header_count_limit_431) {
    bk_http_limits lim = { .max_head = 4096, .max_uri = 100, .max_headers = 3 };
    parsed p;
    cr_assert_gt(check_head_lim("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 36, &lim, &p), 0);
    cr_assert_eq(p.req.nheaders, 3);
    parsed_free(&p);
    const char *four = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    cr_assert_eq(check_head_lim(four, strlen(four), &lim, &p), BK_HTTP_E431);
    parsed_free(&p);
    /* early: the fourth name has only begun */
    cr_assert_eq(check_head_lim(four, 37, &lim, &p), BK_HTTP_E431);
    parsed_free(&p);
    lim.max_headers = 0;
    cr_assert_gt(check_head_lim("GET / HTTP/1.1\r\n\r\n", 18, &lim, &p), 0);
    parsed_free(&p);
    cr_assert_eq(check_head_lim(four, strlen(four), &lim, &p), BK_HTTP_E431);
    parsed_free(&p);
}

/* ---------------------------------------------------------------------------------------
 * Incremental parsing
 * ------------------------------------------------------------------------------------- */

static const char *const samples[] = {
    "GET / HTTP/1.1\r\n\r\n",
    "\r\n\r\nPOST /submit?x=1 HTTP/1.0\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n",
    "PUT /u HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    "PUT /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
    "GET /a HTTP/1.1\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
    "Firefox/121.0\r\nAccept: text/html,application/xhtml+xml\r\nCookie: a=1; b=2; c=\t3\r\n"
    "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nExpect: 100-continue\r\n\r\n",
    "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n",
    "GET / HTTP/1.1\r\nA : b\r\n\r\n",
    "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",
    "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
    "GET / HTTP/3.0\r\n\r\n",
    "GET / HTTP/1.1\r\nA: a-value-that-is-long-enough-for-a-vector-or-two-of-sse\tmore\r\n\r\n",
    "FOO / HTTP/1.1\r\n\r\n",
};

Test(http_parser, bytewise_equals_one_shot) {
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        parsed p;
        check_head(samples[i], &p); /* asserts the two agree */
        parsed_free(&p);
    }
}

Test(http_parser, every_two_piece_split_equals_one_shot) {
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const char *s = samples[i];
        size_t n = strlen(s);
        parsed whole;
        parse_whole(s, n, &hp_limits, &whole);
        for (size_t k = 0; k <= n; k++) {
            parsed split;
            memset(&split, 0, sizeof split);
            split.req.headers = split.fields;
            size_t scanned = 0;
            split.buf = hp_copy(s, k);
            split.rc = bk_http_parse_head(split.buf, k, &scanned, &hp_limits, &split.req);
            if (split.rc == BK_HTTP_INCOMPLETE) {
                free(split.buf);
                split.buf = hp_copy(s, n);
                split.rc = bk_http_parse_head(split.buf, n, &scanned, &hp_limits, &split.req);
            }
            same_result(&whole, &split);
            parsed_free(&split);
        }
        parsed_free(&whole);
    }
}

Test(http_parser, scanned_state_survives_a_moved_buffer_and_resets) {
    const char *s = "GET /moved HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t scanned = 0;
    bk_http_header f[NFIELDS];
    bk_http_request req = { .headers = f };
    char *a = hp_copy(s, 12);
    cr_assert_eq(bk_http_parse_head(a, 12, &scanned, &hp_limits, &req), BK_HTTP_INCOMPLETE);
    cr_assert_neq(scanned, 0);
    free(a);
    char *b = hp_copy(s, strlen(s));
    cr_assert_eq(bk_http_parse_head(b, strlen(s), &scanned, &hp_limits, &req), (int)strlen(s));
    cr_assert_eq(scanned, 0);
    expect_view(req.target, req.target_len, "/moved");
    cr_assert(req.target > b && req.target < b + strlen(s));
    free(b);
}

/* ---------------------------------------------------------------------------------------
 * Smuggling vectors and framing
 * ------------------------------------------------------------------------------------- */

static int with_fields(const char *fields) {
    char s[1024];
    snprintf(s, sizeof s, "POST / HTTP/1.1\r\nHost: h\r\n%s\r\n", fields);
    return status_of(s);
}

static int64_t length_of(const char *fields) {
    char s[1024];
    snprintf(s, sizeof s, "POST / HTTP/1.1\r\n%s\r\n", fields);
    parsed p;
    cr_assert_gt(check_head(s, &p), 0, "%s", fields);
    int64_t n = p.req.content_length;
    parsed_free(&p);
    return n;
}

Test(http_parser, content_length) {
    cr_assert_eq(length_of("Content-Length: 42\r\n"), 42);
    cr_assert_eq(length_of("content-length:0\r\n"), 0);
    cr_assert_eq(length_of("Content-Length: 007\r\n"), 7);
    cr_assert_eq(length_of("Content-Length: \t42 \t\r\n"), 42);
    cr_assert_eq(length_of("Content-Length: 9223372036854775807\r\n"), INT64_MAX);
    cr_assert_eq(length_of("X: y\r\n"), -1);
    static const char *const bad[] = {
        "Content-Length: 9223372036854775808\r\n", "Content-Length: 99999999999999999999999\r\n",
        "Content-Length: -1\r\n", "Content-Length: +1\r\n", "Content-Length: 0x10\r\n",
        "Content-Length: 1 2\r\n", "Content-Length:\r\n", "Content-Length: 1,1\r\n",
        "Content-Length: 1, 1\r\n", "Content-Length: 1.0\r\n", "Content-Length: 1a\r\n",
        /* duplicates, identical or not */
        "Content-Length: 1\r\nContent-Length: 2\r\n", "Content-Length: 1\r\nContent-Length: 1\r\n",
        "Content-Length: 1\r\nX: y\r\ncontent-length: 1\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(with_fields(bad[i]), BK_HTTP_E400, "%s", bad[i]);
}

Test(http_parser, overflowing_length_is_refused_before_the_head_ends) {
    cr_assert_eq(status_of("PUT / HTTP/1.1\r\nContent-Length: 100000000000000000000\r\n"),
                 BK_HTTP_E400);
    cr_assert_eq(status_of("PUT / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n"),
                 BK_HTTP_E400);
    cr_assert_eq(status_of("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n"),
                 BK_HTTP_E400);
}

Test(http_parser, transfer_encoding) {
    parsed p;
    cr_assert_gt(check_head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &p), 0);
    cr_assert(p.req.flags & BK_REQ_CHUNKED);
    cr_assert_eq(p.req.content_length, -1);
    parsed_free(&p);
    cr_assert(flags_of("POST / HTTP/1.1\r\nTransfer-Encoding: ChUnKeD \r\n\r\n") & BK_REQ_CHUNKED);
    cr_assert(flags_of("POST / HTTP/1.1\r\nTransfer-Encoding: , chunked,\r\n\r\n") &
              BK_REQ_CHUNKED);
    cr_assert_not(flags_of("POST / HTTP/1.1\r\n\r\n") & BK_REQ_CHUNKED);

    /* smuggling: both framings */
    cr_assert_eq(with_fields("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n"), BK_HTTP_E400);
    /* chunked must be last, and only once */
    cr_assert_eq(with_fields("Transfer-Encoding: chunked, gzip\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"),
                 BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: chunked, chunked\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: gzip\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: identity\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: chunkedchunked\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: chunked;q=1\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding:\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding: \"chunked\"\r\n"), BK_HTTP_E400);
    /* other codings before chunked: well-formed, not implemented */
    cr_assert_eq(with_fields("Transfer-Encoding: gzip, chunked\r\n"), BK_HTTP_E501);
    cr_assert_eq(with_fields("Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n"),
                 BK_HTTP_E501);
    cr_assert_eq(with_fields("Transfer-Encoding: pigeons, chunked\r\n"), BK_HTTP_E501);
    /* HTTP/1.0 has no Transfer-Encoding */
    cr_assert_eq(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), BK_HTTP_E400);
}

Test(http_parser, field_syntax_vectors) {
    /* obs-fold, and whitespace before the first field */
    cr_assert_eq(with_fields("A: b\r\n c\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("A: b\r\n\tc\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/1.1\r\n Host: x\r\n\r\n"), BK_HTTP_E400);
    /* whitespace between name and colon */
    cr_assert_eq(with_fields("Content-Length : 5\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Transfer-Encoding\t: chunked\r\n"), BK_HTTP_E400);
    /* names */
    cr_assert_eq(with_fields(": x\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("Fo@: x\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("a(b): x\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("a\"b: x\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("NoColon\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("\xc3\xa9: x\r\n"), BK_HTTP_E400);
    /* line endings */
    cr_assert_eq(with_fields("A: b\nC: d\r\n"), BK_HTTP_E400);
    cr_assert_eq(with_fields("A: b\rC: d\r\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/1.1\r\nA: b\r\n\n"), BK_HTTP_E400);
    cr_assert_eq(status_of("GET / HTTP/1.1\r\nA: b\r\n\rX"), BK_HTTP_E400);
    /* duplicate Host */
    cr_assert_eq(with_fields("host: other\r\n"), BK_HTTP_E400);
}

Test(http_parser, control_characters_in_values) {
    for (int c = 0; c < 0x20; c++) {
        if (c == '\t' || c == '\r') continue;
        char s[64];
        int n = snprintf(s, sizeof s, "GET / HTTP/1.1\r\nA: x%cy\r\n\r\n", '#');
        s[20] = (char)c;
        parsed p;
        cr_assert_eq(check_head_lim(s, (size_t)n, &hp_limits, &p), BK_HTTP_E400, "0x%02x", c);
        parsed_free(&p);
    }
    cr_assert_eq(with_fields("A: x\x7fy\r\n"), BK_HTTP_E400);
    parsed p;
    cr_assert_eq(check_head_lim("GET / HTTP/1.1\r\nA: x\0y\r\n\r\n", 27, &hp_limits, &p),
                 BK_HTTP_E400);
    parsed_free(&p);
    cr_assert_eq(check_head_lim("GET / HTTP/1.1\r\nA\0: xy\r\n\r\n", 27, &hp_limits, &p),
                 BK_HTTP_E400);
    parsed_free(&p);
}

/* ---------------------------------------------------------------------------------------
 * Connection options
 * ------------------------------------------------------------------------------------- */

Test(http_parser, keep_alive_rules) {
    cr_assert_not(flags_of("GET / HTTP/1.0\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert(flags_of("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert(flags_of("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert_not(flags_of("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n") &
                  BK_REQ_KEEP_ALIVE);
    cr_assert(flags_of("GET / HTTP/1.1\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: CLOSE\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: foo,close ,bar\r\n\r\n") &
                  BK_REQ_KEEP_ALIVE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: foo\r\nConnection: close\r\n\r\n") &
                  BK_REQ_KEEP_ALIVE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: close, keep-alive\r\n\r\n") &
                  BK_REQ_KEEP_ALIVE);
    cr_assert(flags_of("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert(flags_of("GET / HTTP/1.1\r\nConnection: xclose\r\n\r\n") & BK_REQ_KEEP_ALIVE);
    cr_assert(flags_of("GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n") & BK_REQ_KEEP_ALIVE);
}

Test(http_parser, expect_continue) {
    cr_assert(flags_of("PUT / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n") & BK_REQ_EXPECT_CONTINUE);
    cr_assert(flags_of("PUT / HTTP/1.1\r\nexpect:  100-Continue \r\n\r\n") &
              BK_REQ_EXPECT_CONTINUE);
    cr_assert_not(flags_of("PUT / HTTP/1.1\r\nExpect: 100-continued\r\n\r\n") &
                  BK_REQ_EXPECT_CONTINUE);
    cr_assert_not(flags_of("PUT / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n") & BK_REQ_EXPECT_CONTINUE);
    cr_assert_not(flags_of("PUT / HTTP/1.1\r\n\r\n") & BK_REQ_EXPECT_CONTINUE);
    /* RFC 9110 §10.1.1: ignored in HTTP/1.0 */
    cr_assert_not(flags_of("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n") &
                  BK_REQ_EXPECT_CONTINUE);
}

Test(http_parser, upgrade) {
    cr_assert(flags_of("GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n") &
              BK_REQ_UPGRADE);
    cr_assert(flags_of("GET / HTTP/1.1\r\nUpgrade: websocket\r\n"
                       "Connection: keep-alive, upgrade\r\n\r\n") &
              BK_REQ_UPGRADE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n") & BK_REQ_UPGRADE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: upgrade\r\n\r\n") & BK_REQ_UPGRADE);
    cr_assert_not(flags_of("GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade:\r\n\r\n") &
                  BK_REQ_UPGRADE);
    cr_assert_not(flags_of("GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n") &
                  BK_REQ_UPGRADE);
}

/* ---------------------------------------------------------------------------------------
 * Chunked decoding
 * ------------------------------------------------------------------------------------- */

typedef struct decoded {
    int rc;
    size_t consumed;
    char out[4096];
    size_t n;
} decoded;

/* Decodes s[0..n) delivered in pieces cut at the given offsets (ascending, may be empty),
   in place, each piece from a fresh exact copy. Stops at the first non-zero answer. */
static void decode_pieces(const char *s, size_t n, const size_t *cuts, size_t ncuts, decoded *d) {
    bk_chunked st;
    bk_chunked_init(&st);
    memset(d, 0, sizeof *d);
    size_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t stop = i < ncuts ? cuts[i] : n;
        char *piece = hp_copy(s + start, stop - start);
        size_t used = 0, made = 0;
        d->rc = bk_chunked_decode(&st, piece, stop - start, piece, &used, &made);
        cr_assert_leq(made, used);
        cr_assert_leq(d->n + made, sizeof d->out);
        memcpy(d->out + d->n, piece, made);
        d->n += made;
        d->consumed += used;
        free(piece);
        if (d->rc != 0) return;
        cr_assert_eq(used, stop - start, "answered 0 but left input unconsumed");
        start = stop;
    }
}

static void decode_whole(const char *s, size_t n, decoded *d) { decode_pieces(s, n, NULL, 0, d); }

static void expect_decoded(const char *s, const char *body) {
    size_t n = strlen(s);
    decoded d;
    decode_whole(s, n, &d);
    cr_assert_eq(d.rc, 1, "rc %d for %s", d.rc, s);
    cr_assert_eq(d.consumed, n);
    cr_assert(d.n == strlen(body) && memcmp(d.out, body, d.n) == 0, "body \"%.*s\"", (int)d.n,
              d.out);
}

static int chunked_status(const char *s) {
    decoded d;
    decode_whole(s, strlen(s), &d);
    return d.rc;
}

Test(http_parser, chunked_basic) {
    expect_decoded("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world");
    expect_decoded("0\r\n\r\n", "");
    expect_decoded("a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n", "01234567890123456789");
    expect_decoded("000\r\n\r\n", "");
    expect_decoded("00000000000000000000001\r\nx\r\n0\r\n\r\n", "x");
}

Test(http_parser, chunked_extensions_and_trailers) {
    expect_decoded("5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n"
                   "6;blahblah;blah\r\n world\r\n0\r\n\r\n", "hello world");
    expect_decoded("5;a=\"I \\\"love\\\"; \\\\ext\\\\\";b=\"\";c=d\r\nhello\r\n0;last\r\n\r\n",
                   "hello");
    expect_decoded("3\r\nabc\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\nX:\r\n\r\n", "abc");
    expect_decoded("3\r\nabc\r\n0\r\nX: \t\xc3\xa9 v\t\r\n\r\n", "abc");
}

Test(http_parser, chunked_bad_framing) {
    static const char *const bad[] = {
        "\r\n",                          /* empty size */
        "g\r\n",                         /* not hex */
        "-1\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "5 \r\nhello\r\n0\r\n\r\n",      /* whitespace after size */
        " 5\r\nhello\r\n0\r\n\r\n",
        "5\t;a\r\nhello\r\n0\r\n\r\n",
        "5 ;a\r\nhello\r\n0\r\n\r\n",
        "5;\r\nhello\r\n0\r\n\r\n",      /* ';' without a name */
        "5;=x\r\nhello\r\n0\r\n\r\n",
        "5;a=\r\nhello\r\n0\r\n\r\n",
        "5;a b\r\nhello\r\n0\r\n\r\n",
        "5;a=\"b\r\nhello\r\n0\r\n\r\n",  /* unbalanced quote */
        "5;a=\"b\"c\r\nhello\r\n0\r\n\r\n",
        "5;a=\"\\\x01\"\r\nhello\r\n0\r\n\r\n",
        "5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n",
        "5\rhello\r\n0\r\n\r\n",         /* CR without LF */
        "5\nhello\r\n0\r\n\r\n",         /* bare LF */
        "5\r\nhelloX\r\n0\r\n\r\n",      /* data longer than announced */
        "5\r\nhello\n0\r\n\r\n",
        "3\r\nfoo\r\n\r\n",              /* missing last-chunk */
        "0\r\n X: y\r\n\r\n",            /* obs-fold in trailers */
        "0\r\nX y\r\n\r\n",
        "0\r\nX : y\r\n\r\n",
        "0\r\n: y\r\n\r\n",
        "0\r\nX: a\x01\r\n\r\n",
        "0\r\nX: y\n\r\n",
        "0\r\n\r\r",
        "10000000000000000\r\n",         /* 2^64 */
        "FFFFFFFFFFFFFFFF0\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(chunked_status(bad[i]), BK_HTTP_E400, "accepted: %s", bad[i]);
    /* the largest size that fits is a size, not an error: it waits for data */
    cr_assert_eq(chunked_status("FFFFFFFFFFFFFFFF\r\nabc"), 0);
}

Test(http_parser, chunked_errors_are_sticky) {
    bk_chunked d;
    bk_chunked_init(&d);
    char buf[16];
    size_t used, made;
    memcpy(buf, "x\r\n", 3);
    cr_assert_eq(bk_chunked_decode(&d, buf, 3, buf, &used, &made), BK_HTTP_E400);
    memcpy(buf, "0\r\n\r\n", 5);
    cr_assert_eq(bk_chunked_decode(&d, buf, 5, buf, &used, &made), BK_HTTP_E400);
}

Test(http_parser, chunked_meta_is_capped) {
    size_t n = BK_CHUNKED_MAX_META + 64;
    char *s = malloc(n + 32);
    cr_assert(s);
    strcpy(s, "1;a=");
    memset(s + 4, 'b', n - 4);
    strcpy(s + n, "\r\nx\r\n0\r\n\r\n");
    cr_assert_eq(chunked_status(s), BK_HTTP_E400);
    /* trailers too */
    strcpy(s, "0\r\nX: ");
    memset(s + 6, 'b', n - 6);
    strcpy(s + n, "\r\n\r\n");
    cr_assert_eq(chunked_status(s), BK_HTTP_E400);
    free(s);
    /* a long body is not meta */
    size_t big = 3 * BK_CHUNKED_MAX_META;
    char *b = malloc(big + 64);
    cr_assert(b);
    int h = snprintf(b, 64, "%zx\r\n", big);
    memset(b + h, 'z', big);
    strcpy(b + h + big, "\r\n0\r\n\r\n");
    bk_chunked d;
    bk_chunked_init(&d);
    size_t used, made;
    cr_assert_eq(bk_chunked_decode(&d, b, strlen(b), b, &used, &made), 1);
    cr_assert_eq(made, big);
    free(b);
}

Test(http_parser, chunked_leaves_the_next_request_alone) {
    const char *s = "3\r\nabc\r\n0\r\nT: v\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    size_t body_end = strlen("3\r\nabc\r\n0\r\nT: v\r\n\r\n");
    decoded d;
    decode_whole(s, strlen(s), &d);
    cr_assert_eq(d.rc, 1);
    cr_assert_eq(d.consumed, body_end);
    cr_assert_eq(d.n, 3);
    /* and once done, stays done without consuming */
    bk_chunked st;
    bk_chunked_init(&st);
    char *c = hp_copy(s, strlen(s));
    size_t used, made;
    cr_assert_eq(bk_chunked_decode(&st, c, strlen(s), c, &used, &made), 1);
    cr_assert_eq(bk_chunked_decode(&st, c + used, strlen(s) - used, c, &used, &made), 1);
    cr_assert_eq(used, 0);
    cr_assert_eq(made, 0);
    free(c);
}

static const char *const chunked_samples[] = {
    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nNEXT",
    "1;a=b;c=\"d\\\"e\"\r\nx\r\n10\r\n0123456789abcdef\r\n0\r\nT1: v\r\nT2: w\r\n\r\nNEXT",
    "3\r\nabc\r\n\r\n",
    "5;a=\"b\r\nhello\r\n0\r\n\r\n",
    "2\r\nab\r\n0\r\n X: y\r\n\r\n",
};

Test(http_parser, chunked_split_at_every_boundary) {
    for (size_t i = 0; i < sizeof chunked_samples / sizeof chunked_samples[0]; i++) {
        const char *s = chunked_samples[i];
        size_t n = strlen(s);
        decoded whole, split;
        decode_whole(s, n, &whole);
        for (size_t k = 0; k <= n; k++) {
            decode_pieces(s, n, &k, 1, &split);
            cr_assert_eq(split.rc, whole.rc, "sample %zu cut at %zu", i, k);
            cr_assert_eq(split.n, whole.n);
            cr_assert(memcmp(split.out, whole.out, whole.n) == 0);
            if (whole.rc == 1) cr_assert_eq(split.consumed, whole.consumed);
        }
        size_t cuts[256];
        cr_assert_lt(n, 256);
        for (size_t k = 0; k < n; k++) cuts[k] = k + 1;
        decode_pieces(s, n, cuts, n - 1, &split); /* one byte at a time */
        cr_assert_eq(split.rc, whole.rc);
        cr_assert_eq(split.n, whole.n);
        cr_assert(memcmp(split.out, whole.out, whole.n) == 0);
        if (whole.rc == 1) cr_assert_eq(split.consumed, whole.consumed);
    }
}

Test(http_parser, chunked_out_of_place) {
    const char *s = "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
    bk_chunked d;
    bk_chunked_init(&d);
    char out[32];
    size_t used, made;
    cr_assert_eq(bk_chunked_decode(&d, s, strlen(s), out, &used, &made), 1);
    cr_assert_eq(made, 9);
    cr_assert(memcmp(out, "Wikipedia", 9) == 0);
}

Test(http_parser, host_flag) {
    cr_assert(flags_of("GET / HTTP/1.1\r\nHost: a\r\n\r\n") & BK_REQ_HAS_HOST);
    cr_assert(!(flags_of("GET / HTTP/1.1\r\n\r\n") & BK_REQ_HAS_HOST));
    cr_assert(!(flags_of("GET / HTTP/1.0\r\nX-Host: a\r\n\r\n") & BK_REQ_HAS_HOST));
}
