/*
 * http_parser.c — HTTP/1.1 request heads and chunked bodies (RFC 9112), strict dialect.
 *
 * The head scanner is one streaming automaton. Each phase (method, target, version, field
 * name, field value) is a tight loop over a character-class table, so a head that arrives
 * in one read is walked once, straight through. When input runs out mid-phase the scanner
 * packs (offset, phase, small counter) into the caller's *scanned and the next call jumps
 * back into that phase: a head trickling in byte by byte costs O(bytes) in total, and
 * every prefix-detectable error is reported at the same byte wherever the reads split.
 *
 * Filling the request (views into the buffer) needs positions inside the current line,
 * which a resumed call does not have. So a resumed call only validates; once it sees the
 * end of the head, the head is walked again from 0 in recording mode. Checks that need a
 * whole field line (Content-Length) run when the line ends, in either mode; the rest of the
 * semantics (codings, connection options, method) on the complete head. Either way the
 * answer is the same however the input was split.
 */
#include "server/http_parser.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---------------------------------------------------------------------------------------
 * Character classes
 * ------------------------------------------------------------------------------------- */

enum {
    C_TCHAR = 1,   /* token (RFC 9110 §5.6.2): methods, field names, codings, chunk-ext names */
    C_TARGET = 2,  /* request-target byte: any visible ASCII (0x21-0x7E) */
    C_VALUE = 4,   /* field-value byte: HTAB, SP, VCHAR, obs-text */
    C_QDTEXT = 8,  /* quoted-string body byte other than '\\' and '"' */
    C_HEX = 16,
};

/* Checked against the definitions above by tests/unit/test_http_parser.c. */
static const uint8_t cls[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0, 12,  0,  0,  0,  0,  0,  0,  /* 00 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 10 */
    12, 15,  6, 15, 15, 15, 15, 15, 14, 14, 15, 15, 14, 15, 15, 14,  /* 20 */
    31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 14, 14, 14, 14, 14, 14,  /* 30 */
    14, 31, 31, 31, 31, 31, 31, 15, 15, 15, 15, 15, 15, 15, 15, 15,  /* 40 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 14,  6, 14, 15, 15,  /* 50 */
    15, 31, 31, 31, 31, 31, 31, 15, 15, 15, 15, 15, 15, 15, 15, 15,  /* 60 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 14, 15, 14, 15,  0,  /* 70 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* 80 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* 90 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* A0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* B0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* C0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* D0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* E0 */
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,  /* F0 */
};

/* Exposed for the unit test that checks the table; not part of the API. */
const uint8_t *bk_http__char_classes(void);
const uint8_t *bk_http__char_classes(void) { return cls; }

static inline unsigned lower(unsigned c) { return c + ((unsigned)(c - 'A' < 26u) << 5); }

int bk_http_name_eq(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen != blen) return 0;
    for (size_t i = 0; i < alen; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

/* s[0..n) equals lit ignoring ASCII case, for lit made of lowercase letters, digits and '-'.
   For such lit, OR-ing 0x20 into s can only create a false match from a CTL (0x0D -> '-',
   0x11 -> '1', ...), and fields and tokens hold none; so whole words compare at once. */
static inline uint64_t load64(const char *s) { uint64_t v; memcpy(&v, s, 8); return v; }
static inline uint32_t load32(const char *s) { uint32_t v; memcpy(&v, s, 4); return v; }
static int eq_lit(const char *s, size_t n, const char *lit, size_t lit_len) {
    if (n != lit_len) return 0;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            if ((load64(s + i) | 0x2020202020202020u) != load64(lit + i)) return 0;
        return (load64(s + n - 8) | 0x2020202020202020u) == load64(lit + n - 8);
    }
    if (n >= 4)
        return (load32(s) | 0x20202020u) == load32(lit) &&
               (load32(s + n - 4) | 0x20202020u) == load32(lit + n - 4);
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] | 0x20) != (unsigned char)lit[i]) return 0;
    return 1;
}

const bk_http_header *bk_http_find_header(const bk_http_request *req, const char *name,
                                          size_t name_len) {
    for (uint32_t i = 0; i < req->nheaders; i++) {
        const bk_http_header *h = &req->headers[i];
        if (bk_http_name_eq(h->name, h->name_len, name, name_len)) return h;
    }
    return NULL;
}

/* Long runs of field-value and target bytes are where the time goes (user agents, cookies,
   query strings), so they get 16 bytes at a time where SSE2 is baseline. Both helpers return
   the first byte outside the class, or e. */
static const unsigned char *skip_value(const unsigned char *p, const unsigned char *e) {
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* Unsigned v >= 0x20 via max; obs-text (>= 0x80) passes. HTAB stops the block and is
           stepped over below: it is legal but rare. */
        __m128i ok = _mm_andnot_si128(_mm_cmpeq_epi8(v, del),
                                      _mm_cmpeq_epi8(_mm_max_epu8(v, sp), v));
        unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFFu;
        if (bad == 0) {
            p += 16;
            continue;
        }
        p += __builtin_ctz(bad);
        if (*p != '\t') return p;
        p++;
    }
#endif
    while (p < e && (cls[*p] & C_VALUE)) p++;
    return p;
}

static const unsigned char *skip_target(const unsigned char *p, const unsigned char *e) {
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* Signed compare: bytes >= 0x80 are negative, so they fail "> 0x20" as they should. */
        __m128i ok = _mm_andnot_si128(_mm_cmpeq_epi8(v, del), _mm_cmpgt_epi8(v, sp));
        unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFFu;
        if (bad != 0) return p + __builtin_ctz(bad);
        p += 16;
    }
#endif
    while (p < e && (cls[*p] & C_TARGET)) p++;
    return p;
}

/* Field names are short, so no vectors: just fewer loop tests per byte. */
static inline const unsigned char *skip_tchar(const unsigned char *p, const unsigned char *e) {
    for (; e - p >= 4; p += 4) {
        if (!(cls[p[0]] & C_TCHAR)) return p;
        if (!(cls[p[1]] & C_TCHAR)) return p + 1;
        if (!(cls[p[2]] & C_TCHAR)) return p + 2;
        if (!(cls[p[3]] & C_TCHAR)) return p + 3;
    }
    while (p < e && (cls[*p] & C_TCHAR)) p++;
    return p;
}

/* ---------------------------------------------------------------------------------------
 * Methods
 * ------------------------------------------------------------------------------------- */

static const struct { char name[20]; uint8_t len; } methods[BK_METHOD__COUNT] = {
#define M(id, s) [BK_METHOD_##id] = { s, sizeof(s) - 1 }
    M(GET, "GET"), M(HEAD, "HEAD"), M(POST, "POST"), M(PUT, "PUT"), M(DELETE, "DELETE"),
    M(CONNECT, "CONNECT"), M(OPTIONS, "OPTIONS"), M(TRACE, "TRACE"), M(PATCH, "PATCH"),
    M(QUERY, "QUERY"), M(ACL, "ACL"), M(BASELINE_CONTROL, "BASELINE-CONTROL"),
    M(BIND, "BIND"), M(CHECKIN, "CHECKIN"), M(CHECKOUT, "CHECKOUT"), M(COPY, "COPY"),
    M(LABEL, "LABEL"), M(LINK, "LINK"), M(LOCK, "LOCK"), M(MERGE, "MERGE"),
    M(MKACTIVITY, "MKACTIVITY"), M(MKCALENDAR, "MKCALENDAR"), M(MKCOL, "MKCOL"),
    M(MKREDIRECTREF, "MKREDIRECTREF"), M(MKWORKSPACE, "MKWORKSPACE"), M(MOVE, "MOVE"),
    M(ORDERPATCH, "ORDERPATCH"), M(PROPFIND, "PROPFIND"), M(PROPPATCH, "PROPPATCH"),
    M(REBIND, "REBIND"), M(REPORT, "REPORT"), M(SEARCH, "SEARCH"), M(UNBIND, "UNBIND"),
    M(UNCHECKOUT, "UNCHECKOUT"), M(UNLINK, "UNLINK"), M(UNLOCK, "UNLOCK"),
    M(UPDATE, "UPDATE"), M(UPDATEREDIRECTREF, "UPDATEREDIRECTREF"),
    M(VERSION_CONTROL, "VERSION-CONTROL"), M(PURGE, "PURGE"), M(M_SEARCH, "M-SEARCH"),
    M(NOTIFY, "NOTIFY"), M(SUBSCRIBE, "SUBSCRIBE"), M(UNSUBSCRIBE, "UNSUBSCRIBE"),
    M(SOURCE, "SOURCE"),
#undef M
};

const char *bk_http_method_name(int id) {
    return id > 0 && id < BK_METHOD__COUNT ? methods[id].name : NULL;
}

/* Methods are case-sensitive (RFC 9110 §9.1). GET and POST sit first in the table. */
static int method_lookup(const char *m, uint32_t n) {
    for (int i = 1; i < BK_METHOD__COUNT; i++)
        if (methods[i].len == n && memcmp(methods[i].name, m, n) == 0) return i;
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Head scanner
 * ------------------------------------------------------------------------------------- */

enum {
    ST_LEAD,      /* empty lines before the request line (RFC 9112 §2.2); must be 0 */
    ST_LEAD_LF,
    ST_METHOD,
    ST_TARGET,    /* aux: target bytes so far */
    ST_VERSION,   /* aux: bytes of "HTTP/d.d\r\n" matched */
    ST_LINE,      /* start of a field line or of the final CRLF; aux: fields so far */
    ST_NAME,
    ST_VALUE,
    ST_VALUE_LF,
    ST_END_LF,
};

/* Framing fields seen so far, kept across calls so that a second Content-Length, or one
   next to Transfer-Encoding, is refused as soon as its line ends (as llhttp does). */
enum { SEEN_LENGTH = 1, SEEN_TE = 2 };

typedef struct cursor { uint32_t pos, aux; unsigned st, seen; } cursor;

/* *scanned = pos | st << 32 | seen << 36 | aux << 40. Where size_t cannot hold that,
   *scanned stays 0 and every call starts over: correct, only slower on heads split over
   many reads. */
#if SIZE_MAX >= UINT64_MAX
#define CAN_RESUME 1
static size_t pack(cursor c) {
    return (size_t)c.pos | (size_t)c.st << 32 | (size_t)c.seen << 36 | (size_t)c.aux << 40;
}
static cursor unpack(size_t s) {
    return (cursor){ .pos = (uint32_t)s, .st = (unsigned)(s >> 32) & 0xF,
                     .seen = (unsigned)(s >> 36) & 0xF, .aux = (uint32_t)(s >> 40) };
}
#else
#define CAN_RESUME 0
#endif

#define SUSPEND(state, count)                                                            \
    do {                                                                                 \
        cur->pos = (uint32_t)(p - buf);                                                  \
        cur->st = (state);                                                               \
        cur->aux = (count);                                                              \
        cur->seen = seen;                                                                \
        return BK_HTTP_INCOMPLETE;                                                       \
    } while (0)

/* Strict Content-Length: 1*DIGIT, fitting in int64. No sign, no list ("5, 5"). */
static int64_t parse_length(const char *s, size_t n) {
    if (n == 0) return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9 || v > (INT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    return v;
}

#define IS(s, n, lit) eq_lit((const char *)(s), (n), lit, sizeof(lit) - 1)

/* The framing checks that need only the fields so far, run as each field line ends. */
static int check_framing_field(const unsigned char *name, size_t name_len,
                               const unsigned char *value, size_t value_len, unsigned *seen) {
    if (name_len == 14 && IS(name, 14, "content-length")) {
        /* Any second Content-Length is refused, even an identical one: a proxy that keeps
           the first and one that keeps the last must never disagree. */
        if (*seen & (SEEN_LENGTH | SEEN_TE)) return BK_HTTP_E400;
        if (parse_length((const char *)value, value_len) < 0) return BK_HTTP_E400;
        *seen |= SEEN_LENGTH;
    } else if (name_len == 17 && IS(name, 17, "transfer-encoding")) {
        if (*seen & SEEN_LENGTH) return BK_HTTP_E400;
        *seen |= SEEN_TE;
    }
    return 0;
}

/* Walks buf[cur->pos .. end). With req, records the request line and fields as it goes
   (only valid for a walk from 0). Returns the head length, INCOMPLETE (cursor updated) or
   an error. */
static int scan_head(const unsigned char *buf, size_t end, cursor *cur, uint32_t max_uri,
                     uint32_t max_headers, bk_http_request *req) {
    const unsigned char *p = buf + cur->pos, *e = buf + end;
    const unsigned char *name = NULL, *name_end = NULL, *value = NULL; /* current line */
    uint32_t aux = cur->aux;
    unsigned seen = cur->seen;

    switch (cur->st) {
    case ST_LEAD: goto lead;
    case ST_LEAD_LF: goto lead_lf;
    case ST_METHOD: goto method;
    case ST_TARGET: goto target;
    case ST_VERSION: goto version;
    case ST_LINE: goto line;
    case ST_NAME: goto field_name;
    case ST_VALUE: goto field_value;
    case ST_VALUE_LF: goto value_lf;
    case ST_END_LF: goto end_lf;
    default: return BK_HTTP_E400;
    }

lead:
    if (p == e) SUSPEND(ST_LEAD, 0);
    if (*p != '\r') goto method_start;
    p++;
lead_lf:
    if (p == e) SUSPEND(ST_LEAD_LF, 0);
    if (*p++ != '\n') return BK_HTTP_E400;
    goto lead;

method_start:
    if (!(cls[*p] & C_TCHAR)) return BK_HTTP_E400;
    if (req) req->method = (const char *)p;
    p++;
method:
    p = skip_tchar(p, e);
    if (p == e) SUSPEND(ST_METHOD, 0);
    if (*p != ' ') return BK_HTTP_E400;
    if (req) req->method_len = (uint32_t)((const char *)p - req->method);
    p++;
    if (req) req->target = (const char *)p;
    aux = 0;
target: {
        const unsigned char *t = skip_target(p, e);
        size_t n = (size_t)aux + (size_t)(t - p);
        if (n > max_uri) return BK_HTTP_E414;
        aux = (uint32_t)n;
        p = t;
    }
    if (p == e) SUSPEND(ST_TARGET, aux);
    if (*p != ' ' || aux == 0) return BK_HTTP_E400;
    if (req) req->target_len = aux;
    p++;
    aux = 0;
version:
    if (aux == 0 && e - p >= 10 && memcmp(p, "HTTP/1.", 7) == 0 &&
        (p[7] == '1' || p[7] == '0') && p[8] == '\r' && p[9] == '\n') {
        if (req) req->minor = (uint8_t)(p[7] - '0');
        p += 10;
        goto headers;
    }
    for (; aux < 10; aux++, p++) {
        if (p == e) SUSPEND(ST_VERSION, aux);
        unsigned c = *p;
        switch (aux) {
        case 5:
            if (c - '0' > 9u) return BK_HTTP_E400;
            break;
        case 6:
            if (c != '.') return BK_HTTP_E400;
            break;
        case 7:
            if (c - '0' > 9u) return BK_HTTP_E400;
            /* Well-formed but not 1.0/1.1 (HTTP/2.0 preface included): 505, not 400. */
            if (p[-2] != '1' || c > '1') return BK_HTTP_E505;
            if (req) req->minor = (uint8_t)(c - '0');
            break;
        case 8:
            if (c != '\r') return BK_HTTP_E400;
            break;
        case 9:
            if (c != '\n') return BK_HTTP_E400;
            break;
        default:
            if (c != (unsigned char)"HTTP/"[aux]) return BK_HTTP_E400;
        }
    }
headers:
    aux = 0;
line:
    if (p == e) SUSPEND(ST_LINE, aux);
    if (*p == '\r') {
        p++;
        goto end_lf;
    }
    /* A line starting with SP/HTAB is obs-fold (or whitespace before the first field):
       refused, as is anything else that is not a token. */
    if (!(cls[*p] & C_TCHAR)) return BK_HTTP_E400;
    if (aux >= max_headers) return BK_HTTP_E431;
    aux++;
    name = p++;
field_name:
    p = skip_tchar(p, e);
    if (p == e) SUSPEND(ST_NAME, aux);
    if (*p != ':') return BK_HTTP_E400; /* includes whitespace before the colon */
    name_end = p++;
field_value:
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    value = p;
    p = skip_value(p, e);
    if (p == e) SUSPEND(ST_VALUE, aux);
    if (*p != '\r') return BK_HTTP_E400; /* bare LF, NUL, other CTLs, DEL */
    if (!name) {
        /* The line began in an earlier call; it is all in the buffer now. */
        name = p;
        while (name > buf && name[-1] != '\n') name--;
        name_end = memchr(name, ':', (size_t)(p - name));
        value = name_end + 1;
        while (*value == ' ' || *value == '\t') value++;
    }
    {
        const unsigned char *v_end = p;
        while (v_end > value && (v_end[-1] == ' ' || v_end[-1] == '\t')) v_end--;
        int rc = check_framing_field(name, (size_t)(name_end - name), value,
                                     (size_t)(v_end - value), &seen);
        if (rc) return rc;
        if (req) {
            bk_http_header *h = &req->headers[aux - 1];
            h->name = (const char *)name;
            h->name_len = (uint32_t)(name_end - name);
            h->value = (const char *)value;
            h->value_len = (uint32_t)(v_end - value);
        }
    }
    p++;
value_lf:
    if (p == e) SUSPEND(ST_VALUE_LF, aux);
    if (*p != '\n') return BK_HTTP_E400;
    p++;
    goto line;
end_lf:
    if (p == e) SUSPEND(ST_END_LF, aux);
    if (*p != '\n') return BK_HTTP_E400;
    p++;
    if (req) req->nheaders = aux;
    return (int)(p - buf);
}

/* ---------------------------------------------------------------------------------------
 * Header semantics
 * ------------------------------------------------------------------------------------- */

/* Calls fn on each element of a comma-separated list (RFC 9110 §5.6.1) with OWS trimmed;
   empty elements are skipped, as recipients must. */
typedef void list_fn(void *ctx, const char *s, size_t n);
static void each_element(const char *s, size_t n, list_fn *fn, void *ctx) {
    const char *e = s + n;
    while (s < e) {
        const char *comma = memchr(s, ',', (size_t)(e - s));
        const char *a = s, *b = comma ? comma : e;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        if (a < b) fn(ctx, a, (size_t)(b - a));
        s = comma ? comma + 1 : e;
    }
}

struct te_state { uint32_t chunked, other; int last_chunked; };
static void te_element(void *ctx, const char *s, size_t n) {
    struct te_state *te = ctx;
    te->last_chunked = IS(s, n, "chunked");
    if (te->last_chunked) te->chunked++;
    else te->other++;
}

enum { CONN_CLOSE = 1, CONN_KEEP_ALIVE = 2, CONN_UPGRADE = 4 };
static void connection_element(void *ctx, const char *s, size_t n) {
    unsigned *opts = ctx;
    if (IS(s, n, "close")) *opts |= CONN_CLOSE;
    else if (IS(s, n, "keep-alive")) *opts |= CONN_KEEP_ALIVE;
    else if (IS(s, n, "upgrade")) *opts |= CONN_UPGRADE;
}

static void split_target(bk_http_request *req) {
    const char *t = req->target, *end = t + req->target_len, *path = t;
    /* absolute-form: skip "scheme://authority" so routing sees the path */
    if (*t != '/' && *t != '*' && req->method_id != BK_METHOD_CONNECT) {
        const char *s = t;
        while (s < end && *s != ':' && *s != '/' && *s != '?' && *s != '#') s++;
        path = s + 3;
        while (path < end && *path != '/' && *path != '?' && *path != '#') path++;
    }
    const char *q = memchr(path, '?', (size_t)(end - path));
    const char *frag = memchr(path, '#', (size_t)((q ? q : end) - path));
    if (frag) q = NULL; /* a '?' after '#' is part of the fragment */
    const char *path_end = frag ? frag : q ? q : end;
    if (path_end == path && path != t) {
        req->path = "/";
        req->path_len = 1;
    } else {
        req->path = path;
        req->path_len = (uint32_t)(path_end - path);
    }
    req->query = NULL;
    req->query_len = 0;
    if (q) {
        const char *f = memchr(q + 1, '#', (size_t)(end - q - 1));
        req->query = q + 1;
        req->query_len = (uint32_t)((f ? f : end) - (q + 1));
    }
}

/* The request-target forms of RFC 9112 §3.2; anything else is 400. */
static int target_ok(const bk_http_request *req) {
    const char *t = req->target;
    uint32_t n = req->target_len;
    if (req->method_id == BK_METHOD_CONNECT) return 1; /* authority-form, host:port */
    if (t[0] == '/') return 1;
    if (t[0] == '*') return n == 1;
    /* absolute-form: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://" */
    if (lower((unsigned char)t[0]) - 'a' >= 26u) return 0;
    uint32_t i = 1;
    for (; i < n; i++) {
        unsigned c = (unsigned char)t[i];
        if (lower(c) - 'a' >= 26u && c - '0' >= 10u && c != '+' && c != '-' && c != '.') break;
    }
    return n - i >= 3 && memcmp(t + i, "://", 3) == 0;
}

static int finish_head(bk_http_request *req, int head_len) {
    struct te_state te = { 0, 0, 0 };
    unsigned conn = 0;
    int has_te = 0, has_host = 0, has_upgrade = 0, expect_continue = 0;
    req->content_length = -1;
    req->flags = 0;

    for (uint32_t i = 0; i < req->nheaders; i++) {
        const bk_http_header *h = &req->headers[i];
        const char *v = h->value;
        size_t vn = h->value_len;
        /* Dispatch on length first: most fields are none of these and cost one switch. */
        switch (h->name_len) {
        case 4:
            if (IS(h->name, 4, "host")) {
                if (has_host) return BK_HTTP_E400;
                has_host = 1;
            }
            break;
        case 6:
            if (IS(h->name, 6, "expect") && IS(v, vn, "100-continue")) expect_continue = 1;
            break;
        case 7:
            if (IS(h->name, 7, "upgrade") && vn > 0) has_upgrade = 1;
            break;
        case 10:
            if (IS(h->name, 10, "connection")) each_element(v, vn, connection_element, &conn);
            break;
        case 14: /* the scan has already refused bad and repeated ones */
            if (IS(h->name, 14, "content-length")) req->content_length = parse_length(v, vn);
            break;
        case 17:
            if (IS(h->name, 17, "transfer-encoding")) {
                has_te = 1;
                each_element(v, vn, te_element, &te);
            }
            break;
        }
    }

    if (has_te) {
        /* RFC 9112 §6.1-6.3: in HTTP/1.0 Transfer-Encoding is faulty framing; chunked must
           be the final coding, once. (With Content-Length too, the scan has refused it.) */
        if (req->minor == 0) return BK_HTTP_E400;
        if (!te.last_chunked || te.chunked != 1) return BK_HTTP_E400;
        if (te.other > 0) return BK_HTTP_E501; /* gzip, deflate...: not implemented */
        req->flags |= BK_REQ_CHUNKED;
    }

    req->method_id = (uint8_t)method_lookup(req->method, req->method_len);
    if (req->method_id == 0) return BK_HTTP_E501;
    if (!target_ok(req)) return BK_HTTP_E400;
    split_target(req);

    if (req->minor == 1 ? !(conn & CONN_CLOSE) : (conn & CONN_KEEP_ALIVE) && !(conn & CONN_CLOSE))
        req->flags |= BK_REQ_KEEP_ALIVE;
    if (has_host) req->flags |= BK_REQ_HAS_HOST;
    /* HTTP/1.0 recipients must ignore both (RFC 9110 §7.8, §10.1.1). */
    if (req->minor == 1) {
        if (has_upgrade && (conn & CONN_UPGRADE)) req->flags |= BK_REQ_UPGRADE;
        if (expect_continue) req->flags |= BK_REQ_EXPECT_CONTINUE;
    }
    return head_len;
}

int bk_http_parse_head(const char *buf, size_t len, size_t *scanned,
                       const bk_http_limits *lim, bk_http_request *req) {
    const unsigned char *b = (const unsigned char *)buf;
    size_t max_head = lim->max_head < BK_HTTP_MAX_HEAD_CAP ? lim->max_head : BK_HTTP_MAX_HEAD_CAP;
    uint32_t max_uri = lim->max_uri < BK_HTTP_MAX_URI_CAP ? (uint32_t)lim->max_uri
                                                          : BK_HTTP_MAX_URI_CAP;
    uint32_t max_headers = lim->max_headers < BK_HTTP_MAX_HEADERS_CAP ? lim->max_headers
                                                                      : BK_HTTP_MAX_HEADERS_CAP;
    /* Bytes past max_head are never looked at: a head that has not ended there is 431. */
    size_t end = len < max_head ? len : max_head;
    cursor cur = { 0, 0, ST_LEAD, 0 };
#if CAN_RESUME
    cur = unpack(*scanned);
    if (cur.pos > end) cur = (cursor){ 0, 0, ST_LEAD, 0 }; /* the buffer shrank: start over */
#endif
    int resumed = cur.pos != 0;
    int rc = scan_head(b, end, &cur, max_uri, max_headers, resumed ? NULL : req);
    if (rc == BK_HTTP_INCOMPLETE) {
        if (len >= max_head) {
            *scanned = 0;
            return BK_HTTP_E431;
        }
#if CAN_RESUME
        *scanned = pack(cur);
#else
        *scanned = 0;
#endif
        return BK_HTTP_INCOMPLETE;
    }
    *scanned = 0;
    if (rc < 0) return rc;
    if (resumed) {
        cursor from0 = { 0, 0, ST_LEAD, 0 };
        rc = scan_head(b, end, &from0, max_uri, max_headers, req);
    }
    return finish_head(req, rc);
}

/* ---------------------------------------------------------------------------------------
 * Chunked decoder
 * ------------------------------------------------------------------------------------- */

enum {
    CH_SIZE0,       /* first hex digit of a chunk size */
    CH_SIZE,
    CH_EXT0,        /* after ';': an extension name must follow */
    CH_EXT_NAME,
    CH_EXT_VALUE0,  /* after '=' */
    CH_EXT_TOKEN,
    CH_EXT_QUOTED,
    CH_EXT_ESCAPE,
    CH_EXT_QEND,    /* after the closing quote */
    CH_SIZE_LF,
    CH_DATA,
    CH_DATA_CR,
    CH_DATA_LF,
    CH_TRAILER,     /* start of a trailer line or of the final CRLF */
    CH_TR_NAME,
    CH_TR_VALUE,
    CH_TR_LF,
    CH_END_LF,
    CH_DONE,
    CH_ERROR,
};

void bk_chunked_init(bk_chunked *d) {
    d->left = 0;
    d->meta = 0;
    d->state = CH_SIZE0;
}

static unsigned hexval(unsigned c) { return c <= '9' ? c - '0' : lower(c) - 'a' + 10; }

int bk_chunked_decode(bk_chunked *d, const char *in, size_t len, char *out,
                      size_t *consumed, size_t *produced) {
    const unsigned char *p = (const unsigned char *)in, *e = p + len;
    char *o = out;
    int rc = 0;

    while (p < e) {
        unsigned st = d->state;
        if (st == CH_DATA) {
            size_t n = (size_t)(e - p);
            if (n > d->left) n = (size_t)d->left;
            if (o != (const char *)p) memmove(o, p, n);
            o += n;
            p += n;
            d->left -= n;
            if (d->left == 0) d->state = CH_DATA_CR;
            continue;
        }
        if (st == CH_DONE) {
            rc = 1;
            goto out;
        }
        if (st == CH_ERROR || ++d->meta > BK_CHUNKED_MAX_META) goto bad;
        unsigned c = *p++, k = cls[c];
        switch (st) {
        case CH_SIZE0:
            if (!(k & C_HEX)) goto bad;
            d->left = hexval(c);
            d->state = CH_SIZE;
            break;
        case CH_SIZE:
            if (k & C_HEX) {
                if (d->left >> 60) goto bad; /* would not fit in 64 bits */
                d->left = d->left << 4 | hexval(c);
            } else if (c == ';') {
                d->state = CH_EXT0;
            } else if (c == '\r') {
                d->state = CH_SIZE_LF;
            } else {
                goto bad; /* whitespace included: see docs/http-policy.md */
            }
            break;
        case CH_EXT0:
            if (!(k & C_TCHAR)) goto bad;
            d->state = CH_EXT_NAME;
            break;
        case CH_EXT_NAME:
        case CH_EXT_TOKEN:
            if (k & C_TCHAR) break;
            if (c == '=' && st == CH_EXT_NAME) d->state = CH_EXT_VALUE0;
            else if (c == ';') d->state = CH_EXT0;
            else if (c == '\r') d->state = CH_SIZE_LF;
            else goto bad;
            break;
        case CH_EXT_VALUE0:
            if (c == '"') d->state = CH_EXT_QUOTED;
            else if (k & C_TCHAR) d->state = CH_EXT_TOKEN;
            else goto bad;
            break;
        case CH_EXT_QUOTED:
            if (c == '"') d->state = CH_EXT_QEND;
            else if (c == '\\') d->state = CH_EXT_ESCAPE;
            else if (!(k & C_QDTEXT)) goto bad;
            break;
        case CH_EXT_ESCAPE:
            if (!(k & C_VALUE)) goto bad; /* quoted-pair: HTAB, SP, VCHAR, obs-text */
            d->state = CH_EXT_QUOTED;
            break;
        case CH_EXT_QEND:
            if (c == ';') d->state = CH_EXT0;
            else if (c == '\r') d->state = CH_SIZE_LF;
            else goto bad;
            break;
        case CH_SIZE_LF:
            if (c != '\n') goto bad;
            d->meta = 0;
            d->state = d->left ? CH_DATA : CH_TRAILER;
            break;
        case CH_DATA_CR:
            if (c != '\r') goto bad;
            d->state = CH_DATA_LF;
            break;
        case CH_DATA_LF:
            if (c != '\n') goto bad;
            d->meta = 0;
            d->state = CH_SIZE0;
            break;
        case CH_TRAILER:
            if (c == '\r') d->state = CH_END_LF;
            else if (k & C_TCHAR) d->state = CH_TR_NAME;
            else goto bad;
            break;
        case CH_TR_NAME:
            if (c == ':') d->state = CH_TR_VALUE;
            else if (!(k & C_TCHAR)) goto bad;
            break;
        case CH_TR_VALUE:
            if (c == '\r') d->state = CH_TR_LF;
            else if (!(k & C_VALUE)) goto bad;
            break;
        case CH_TR_LF:
            if (c != '\n') goto bad;
            d->state = CH_TRAILER;
            break;
        case CH_END_LF:
            if (c != '\n') goto bad;
            d->state = CH_DONE;
            rc = 1;
            goto out;
        default:
            goto bad;
        }
    }
    if (d->state == CH_DONE) rc = 1;
out:
    *consumed = (size_t)((const char *)p - in);
    *produced = (size_t)(o - out);
    return rc;
bad:
    d->state = CH_ERROR;
    *consumed = (size_t)((const char *)p - in);
    *produced = (size_t)(o - out);
    return BK_HTTP_E400;
}
