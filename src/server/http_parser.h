/*
 * http_parser.h — HTTP/1.1 request head parser and chunked body decoder (RFC 9112).
 *
 * Zero-copy: every string the parser hands out (method, target, path, query, header names
 * and values) is a view into the caller's buffer, which must stay put while they are used.
 * Nothing here allocates. The accepted dialect is strict; docs/http-policy.md lists every
 * rule and why (mostly: refuse anything a front proxy could frame differently).
 */
#ifndef BK_HTTP_PARSER_H
#define BK_HTTP_PARSER_H

#include <stddef.h>
#include <stdint.h>

typedef struct bk_http_header {
    const char *name, *value;      /* value has no leading or trailing whitespace */
    uint32_t name_len, value_len;
} bk_http_header;

typedef struct bk_http_limits {
    size_t max_head;      /* request line + headers incl. final CRLFCRLF; exceeding -> 431 */
    size_t max_uri;       /* request-target length; exceeding -> 414, detected while it arrives */
    uint32_t max_headers; /* header field count; exceeding -> 431 */
} bk_http_limits;

/* The limits are clamped to these: the head length is returned as an int, and the target
   length and header count seen so far are kept in 24 bits of *scanned between calls. */
#define BK_HTTP_MAX_HEAD_CAP 0x7FFFFFFFu
#define BK_HTTP_MAX_URI_CAP 0xFFFFFFu
#define BK_HTTP_MAX_HEADERS_CAP 0xFFFFFFu

enum { BK_REQ_CHUNKED = 1, BK_REQ_KEEP_ALIVE = 2, BK_REQ_EXPECT_CONTINUE = 4, BK_REQ_UPGRADE = 8,
       BK_REQ_HAS_HOST = 16 /* the server refuses HTTP/1.1 without Host (RFC 9112 §3.2) */ };

/* Methods brisk knows. Any other token is answered 501 (RFC 9110 §9.1), so a parsed request
   always has one of these; the router can index by it instead of comparing strings. */
typedef enum bk_http_method {
    BK_METHOD_GET = 1, BK_METHOD_HEAD, BK_METHOD_POST, BK_METHOD_PUT, BK_METHOD_DELETE,
    BK_METHOD_CONNECT, BK_METHOD_OPTIONS, BK_METHOD_TRACE, BK_METHOD_PATCH, BK_METHOD_QUERY,
    /* WebDAV and friends (RFC 4918, 3253, 3648, 3744, 4791, 5323, 5842, 6352) */
    BK_METHOD_ACL, BK_METHOD_BASELINE_CONTROL, BK_METHOD_BIND, BK_METHOD_CHECKIN,
    BK_METHOD_CHECKOUT, BK_METHOD_COPY, BK_METHOD_LABEL, BK_METHOD_LINK, BK_METHOD_LOCK,
    BK_METHOD_MERGE, BK_METHOD_MKACTIVITY, BK_METHOD_MKCALENDAR, BK_METHOD_MKCOL,
    BK_METHOD_MKREDIRECTREF, BK_METHOD_MKWORKSPACE, BK_METHOD_MOVE, BK_METHOD_ORDERPATCH,
    BK_METHOD_PROPFIND, BK_METHOD_PROPPATCH, BK_METHOD_REBIND, BK_METHOD_REPORT,
    BK_METHOD_SEARCH, BK_METHOD_UNBIND, BK_METHOD_UNCHECKOUT, BK_METHOD_UNLINK,
    BK_METHOD_UNLOCK, BK_METHOD_UPDATE, BK_METHOD_UPDATEREDIRECTREF, BK_METHOD_VERSION_CONTROL,
    /* not registered with IANA but widely sent: caches, UPnP, Icecast */
    BK_METHOD_PURGE, BK_METHOD_M_SEARCH, BK_METHOD_NOTIFY, BK_METHOD_SUBSCRIBE,
    BK_METHOD_UNSUBSCRIBE, BK_METHOD_SOURCE,
    BK_METHOD__COUNT
} bk_http_method;

typedef struct bk_http_request {
    const char *method; uint32_t method_len;
    const char *target; uint32_t target_len;   /* as sent */
    const char *path;   uint32_t path_len;     /* target up to '?' or '#'; for absolute-form
                                                  ("http://h/p") the path part, "/" if empty */
    const char *query;  uint32_t query_len;    /* after '?' up to '#', NULL when no '?' */
    uint8_t minor;                              /* HTTP/1.<minor>; only 1.0 and 1.1 accepted */
    uint8_t flags;                              /* BK_REQ_* */
    uint8_t method_id;                          /* bk_http_method */
    bk_http_header *headers;                    /* caller-provided, capacity limits->max_headers */
    uint32_t nheaders;
    int64_t content_length;                     /* -1 when absent */
} bk_http_request;

enum { BK_HTTP_INCOMPLETE = 0, BK_HTTP_E400 = -400, BK_HTTP_E414 = -414, BK_HTTP_E431 = -431,
       BK_HTTP_E501 = -501 /* unknown method or transfer-coding */,
       BK_HTTP_E505 = -505 /* HTTP version other than 1.0 and 1.1 */ };

/*
 * Parses a request head at buf[0..len). Returns the head length (>0, including any empty
 * lines before the request line) when complete, BK_HTTP_INCOMPLETE when more bytes are
 * needed, or a negative BK_HTTP_E* (the status to answer with, negated).
 *
 * *scanned carries state between calls on the same growing buffer: start it at 0 and pass
 * it back unchanged, with the bytes already seen still at the same offsets (moving the
 * whole buffer is fine). Each call then costs O(new bytes); a head that took several calls
 * is walked once more at the end to fill *req. It is reset to 0 when a complete head or an
 * error is returned. The answer never depends on how the input was split: syntax errors,
 * 414 and 431 come as soon as the offending byte arrives; a bad, repeated or conflicting
 * Content-Length as soon as its line ends; the rest (transfer-codings, unknown method,
 * target form) once the head is complete.
 *
 * Only a complete head fills *req; req->headers must point to max_headers entries.
 */
int bk_http_parse_head(const char *buf, size_t len, size_t *scanned,
                       const bk_http_limits *lim, bk_http_request *req);

/* Chunked transfer-coding decoder (RFC 9112 §7.1). */
typedef struct bk_chunked {
    uint64_t left;   /* data bytes left in the current chunk */
    uint32_t meta;   /* bytes of the current size line or of the trailer section so far */
    uint8_t state;
} bk_chunked;

/* A chunk-size line (with extensions) or the whole trailer section longer than this is
   refused: they carry no body bytes, so without a cap a client could stream them forever. */
#define BK_CHUNKED_MAX_META 8192u

void bk_chunked_init(bk_chunked *d);

/* Decodes chunked framing from in[0..len), writing body bytes to out (out may equal in:
   output never overtakes input). Sets *consumed (input bytes used) and *produced (body
   bytes written). Returns 1 when the last-chunk and trailer section are done (bytes after
   it are not consumed: they are the next pipelined request), 0 when more input is needed
   (everything given was consumed), BK_HTTP_E400 on bad framing. Input may be split at any
   byte. Trailer fields are checked for syntax and dropped. */
int bk_chunked_decode(bk_chunked *d, const char *in, size_t len, char *out,
                      size_t *consumed, size_t *produced);

/* ASCII case-insensitive equality of a and b (same length required). */
int bk_http_name_eq(const char *a, size_t alen, const char *b, size_t blen);

/* First header named `name` (case-insensitive), or NULL. */
const bk_http_header *bk_http_find_header(const bk_http_request *req, const char *name,
                                          size_t name_len);

/* "GET", "M-SEARCH", ... for a bk_http_method; NULL when out of range. */
const char *bk_http_method_name(int method_id);

#endif
