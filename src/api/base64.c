/* Base64 encodings for JWT (base64url) and HTTP Basic (Python's lenient decoder). */
#include "api/base64.h"

#include <stdint.h>

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0..63, or 64 for a character outside the alphabet. */
static unsigned sextet(unsigned char ch, bool url) {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == (url ? '-' : '+')) return 62;
    if (ch == (url ? '_' : '/')) return 63;
    return 64;
}

void bk_b64url_encode(char *dst, const void *src, size_t n) {
    const unsigned char *s = src;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        *dst++ = url_alphabet[v >> 18];
        *dst++ = url_alphabet[v >> 12 & 63];
        *dst++ = url_alphabet[v >> 6 & 63];
        *dst++ = url_alphabet[v & 63];
    }
    if (n - i == 1) {
        *dst++ = url_alphabet[s[i] >> 2];
        *dst++ = url_alphabet[(s[i] & 3) << 4];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 8 | s[i + 1];
        *dst++ = url_alphabet[v >> 10];
        *dst++ = url_alphabet[v >> 4 & 63];
        *dst++ = url_alphabet[(v & 15) << 2];
    }
}

bool bk_b64url_decode(void *dst, size_t *out_len, const char *src, size_t n) {
    if (n % 4 == 1) return false;
    unsigned char *d = dst;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = sextet((unsigned char)src[i], true);
        if (v == 64) return false;
        acc = acc << 6 | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *d++ = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) return false; /* nonzero unused bits: a second spelling of the same bytes */
    *out_len = (size_t)(d - (unsigned char *)dst);
    return true;
}

/* Follows CPython's binascii.a2b_base64 in its non-strict mode step by step: the
 * position in the current quad, and the '=' seen since the last data character. */
bool bk_b64_decode_py(void *dst, size_t *out_len, const char *src, size_t n) {
    unsigned char *d = dst;
    unsigned quad = 0, pads = 0, left = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)src[i] >= 0x80) return false; /* even past the padding */
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '=') {
            if (quad >= 2 && quad + ++pads >= 4) goto done;
            continue;
        }
        unsigned v = sextet(ch, false);
        if (v == 64) continue;
        pads = 0;
        switch (quad) {
        case 0: left = v; quad = 1; break;
        case 1: *d++ = (unsigned char)(left << 2 | v >> 4); left = v & 15; quad = 2; break;
        case 2: *d++ = (unsigned char)(left << 4 | v >> 2); left = v & 3; quad = 3; break;
        default: *d++ = (unsigned char)(left << 6 | v); left = 0; quad = 0; break;
        }
    }
    if (quad != 0) return false;
done:
    *out_len = (size_t)(d - (unsigned char *)dst);
    return true;
}
