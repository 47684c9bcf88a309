/* Base64 as the security layer needs it: JWT's strict base64url, and HTTP Basic's
 * lenient decoding, which must accept and refuse exactly what Python's b64decode does. */
#ifndef BK_BASE64_H
#define BK_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* The base64url length of n bytes, without padding. */
static inline size_t bk_b64url_len(size_t n) { return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0); }

/* Writes bk_b64url_len(n) characters (no padding, no NUL) to dst. */
void bk_b64url_encode(char *dst, const void *src, size_t n);

/* Strict base64url without padding (RFC 7515 section 2): only [A-Za-z0-9_-], a length
 * that is not 1 more than a multiple of 4, and zero unused bits in the last character,
 * so that each byte string has exactly one encoding. dst needs n / 4 * 3 + 2 bytes.
 * Returns false for anything else. */
bool bk_b64url_decode(void *dst, size_t *out_len, const char *src, size_t n);

/* Python's base64.b64decode(s) (validate=False): characters outside the alphabet are
 * skipped, padding ends the data, "Incorrect padding" and a lone trailing character are
 * errors. Non-ASCII input is an error too (b64decode raises ValueError for a str that
 * is not ASCII). dst needs n / 4 * 3 + 3 bytes. */
bool bk_b64_decode_py(void *dst, size_t *out_len, const char *src, size_t n);

#endif
