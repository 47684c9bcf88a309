/*
 * fuzz_parser.c — libFuzzer target for the HTTP/1.1 head parser and chunked decoder.
 *
 * The first bytes of the input pick the limits and a seed for split points; the rest is
 * the stream. Properties checked:
 *   - parsing in one call and parsing while the bytes trickle in (random piece sizes, each
 *     call on a fresh exact-size copy, so the buffer moves and reads past it are caught)
 *     give the same answer and the same request;
 *   - a parsed request's views lie inside the buffer and respect the limits;
 *   - the chunked decoder gives the same answer, consumption and body whole or split, in
 *     place or not, and never writes more than it read.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude \
 *       tests/fuzz/fuzz_parser.c src/server/http_parser.c -o /tmp/fz && /tmp/fz
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fuzz_check.h"
#include "server/http_parser.h"

#define MAXF 24

static char *dup_exact(const uint8_t *s, size_t n) {
    char *c = malloc(n ? n : 1);
    CHECK(c);
    if (n) memcpy(c, s, n);
    return c;
}

/* Piece sizes 1..16 from a small LCG: cheap, deterministic per input. */
static size_t next_piece(uint32_t *seed) {
    *seed = *seed * 1103515245u + 12345u;
    return 1 + (*seed >> 16) % 16;
}

static int in_buf(const char *p, size_t n, const char *buf, size_t len) {
    return p >= buf && p + n <= buf + len;
}

/* A request as offsets into its buffer, to compare parses of different copies. */
typedef struct shape {
    int rc;
    size_t method, method_len, target, target_len, path, path_len, query, query_len;
    int has_query, static_path;
    uint8_t minor, flags, method_id;
    int64_t content_length;
    uint32_t nheaders;
    size_t fields[MAXF][4];
} shape;

static void take_shape(int rc, const bk_http_request *r, const char *buf, size_t len,
                       const bk_http_limits *lim, shape *s) {
    memset(s, 0, sizeof *s);
    s->rc = rc;
    CHECK(rc == BK_HTTP_INCOMPLETE || rc == BK_HTTP_E400 || rc == BK_HTTP_E414 ||
          rc == BK_HTTP_E431 || rc == BK_HTTP_E501 || rc == BK_HTTP_E505 || rc > 0);
    if (rc <= 0) return;
    CHECK((size_t)rc <= len && (size_t)rc <= lim->max_head);
    CHECK(r->nheaders <= lim->max_headers);
    CHECK(r->method_id > 0 && r->method_id < BK_METHOD__COUNT);
    CHECK(r->minor <= 1);
    CHECK(in_buf(r->method, r->method_len, buf, (size_t)rc) && r->method_len > 0);
    CHECK(in_buf(r->target, r->target_len, buf, (size_t)rc) && r->target_len > 0);
    CHECK(r->target_len <= lim->max_uri);
    s->static_path = !in_buf(r->path, r->path_len, buf, (size_t)rc);
    if (s->static_path) CHECK(r->path_len == 1 && r->path[0] == '/');
    else s->path = (size_t)(r->path - buf);
    if (r->query) {
        CHECK(in_buf(r->query, r->query_len, buf, (size_t)rc));
        s->has_query = 1;
        s->query = (size_t)(r->query - buf);
        s->query_len = r->query_len;
    }
    if (r->flags & BK_REQ_CHUNKED) CHECK(r->content_length == -1);
    s->method = (size_t)(r->method - buf);
    s->method_len = r->method_len;
    s->target = (size_t)(r->target - buf);
    s->target_len = r->target_len;
    s->path_len = r->path_len;
    s->minor = r->minor;
    s->flags = r->flags;
    s->method_id = r->method_id;
    s->content_length = r->content_length;
    s->nheaders = r->nheaders;
    for (uint32_t i = 0; i < r->nheaders; i++) {
        const bk_http_header *h = &r->headers[i];
        CHECK(in_buf(h->name, h->name_len, buf, (size_t)rc) && h->name_len > 0);
        CHECK(in_buf(h->value, h->value_len, buf, (size_t)rc));
        s->fields[i][0] = (size_t)(h->name - buf);
        s->fields[i][1] = h->name_len;
        s->fields[i][2] = (size_t)(h->value - buf);
        s->fields[i][3] = h->value_len;
    }
}

static void fuzz_head(const uint8_t *d, size_t n, const bk_http_limits *lim, uint32_t seed) {
    bk_http_header f1[MAXF], f2[MAXF];
    bk_http_request r1 = { .headers = f1 }, r2 = { .headers = f2 };
    shape whole, split;

    char *buf = dup_exact(d, n);
    size_t scanned = 0;
    int rc = bk_http_parse_head(buf, n, &scanned, lim, &r1);
    take_shape(rc, &r1, buf, n, lim, &whole);
    if (rc != BK_HTTP_INCOMPLETE) CHECK(scanned == 0);
    free(buf);

    scanned = 0;
    rc = BK_HTTP_INCOMPLETE;
    size_t have = 0;
    buf = NULL;
    while (have < n) {
        have += next_piece(&seed);
        if (have > n) have = n;
        free(buf);
        buf = dup_exact(d, have);
        rc = bk_http_parse_head(buf, have, &scanned, lim, &r2);
        if (rc != BK_HTTP_INCOMPLETE) break;
    }
    take_shape(rc, &r2, buf, have, lim, &split);
    free(buf);
    CHECK(whole.rc == split.rc);
    CHECK(memcmp(&whole, &split, sizeof whole) == 0);
}

static void fuzz_chunked(const uint8_t *d, size_t n, uint32_t seed) {
    char *out = malloc(n ? n : 1);
    CHECK(out);
    bk_chunked c1;
    bk_chunked_init(&c1);
    size_t used1 = 0, made1 = 0;
    int rc1 = bk_chunked_decode(&c1, (const char *)d, n, out, &used1, &made1);
    CHECK(rc1 == 0 || rc1 == 1 || rc1 == BK_HTTP_E400);
    CHECK(made1 <= used1 && used1 <= n);
    if (rc1 == 0) CHECK(used1 == n);

    bk_chunked c2;
    bk_chunked_init(&c2);
    size_t pos = 0, made2 = 0;
    int rc2 = 0;
    char *acc = malloc(n ? n : 1);
    CHECK(acc);
    while (pos < n) {
        size_t take = next_piece(&seed);
        if (take > n - pos) take = n - pos;
        char *piece = dup_exact(d + pos, take);
        size_t used = 0, made = 0;
        rc2 = bk_chunked_decode(&c2, piece, take, piece, &used, &made);
        CHECK(made <= used && used <= take);
        memcpy(acc + made2, piece, made);
        free(piece);
        made2 += made;
        pos += used;
        if (rc2 != 0) break;
        CHECK(used == take);
    }
    CHECK(rc1 == rc2);
    if (rc1 == 1) CHECK(used1 == pos);
    CHECK(made1 == made2);
    CHECK(made1 == 0 || memcmp(out, acc, made1) == 0);
    free(acc);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 4) return 0;
    /* byte 0: limits; bytes 1-2: split seed; byte 3: which target(s) */
    bk_http_limits lim = {
        .max_head = (data[0] & 0x80) ? 64 + (data[0] & 0x7F) * 8 : 1 << 16,
        .max_uri = (data[0] & 0x40) ? 1 + (data[0] & 0x3F) : 8192,
        .max_headers = (data[0] & 0x20) ? (data[0] & 0x0F) : MAXF,
    };
    uint32_t seed = (uint32_t)data[1] << 8 | data[2];
    unsigned which = data[3];
    data += 4;
    size -= 4;
    if (which & 1) fuzz_chunked(data, size, seed);
    else fuzz_head(data, size, &lim, seed);
    return 0;
}
