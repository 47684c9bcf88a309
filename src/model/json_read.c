/* The strict JSON reader (see json_read.h), the generic value parser built from the same
 * pieces (bk_jr_value), and decimal-to-double conversion.
 *
 * Speed comes from doing little per byte and per value: whitespace and token starts are
 * table lookups, the compact separators ("," "\"" ":") are checked before any whitespace
 * skipping, string runs are scanned 16 bytes at a time (SSE2, or 8 with SWAR elsewhere)
 * and a short plain string is found and copied with one load and one store, integers
 * accumulate in one pass (fractions 8 digits per step), and doubles take one of three
 * exits:
 *   1. Clinger's fast path: at most 2^53 as significand and |exp10| <= 22, so one
 *      correctly rounded multiply or divide of two exact doubles is the answer;
 *   2. a 64x128-bit product with a 128-bit truncation of 10^q (the table is built at
 *      first use from exact big integers), which decides the rounding unless the product
 *      lies within its error bound of a halfway point (about 1 case in 2^70);
 *   3. otherwise glibc's correctly rounded strtod_l, under a "C" locale object created
 *      once, on a canonical copy of the digits (no decimal point, at most 780 digits plus
 *      a sticky one), so neither the process locale nor the literal's length matters. */
#include "model/json_read.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* BK_JR_NO_SIMD: the portable scanner, to test it where SSE2 exists. */
#if defined(__SSE2__) && !defined(BK_JR_NO_SIMD)
#define BK_JR_SSE2 1
#include <emmintrin.h>
#endif

static const char E_VALUE[] = "Expecting value";
static const char E_PROP[] = "Expecting property name enclosed in double quotes";
static const char E_COLON[] = "Expecting ':' delimiter";
static const char E_COMMA[] = "Expecting ',' delimiter";
static const char E_EXTRA[] = "Extra data";
static const char E_UNTERM[] = "Unterminated string starting at";
static const char E_CTRL[] = "Invalid control character at";
static const char E_ESC[] = "Invalid \\escape";
static const char E_UESC[] = "Invalid \\uXXXX escape";
static const char E_UTF8[] = "Invalid UTF-8";
static const char E_DEPTH[] = "Maximum nesting depth exceeded";
static const char E_SURR[] = "Invalid surrogate";
static const char E_INT_RANGE[] = "Integer out of range";
static const char E_NUM_RANGE[] = "Number out of range";

typedef unsigned __int128 u128;

/* ---- character tables ------------------------------------------------------------- */

static const unsigned char ws_tab[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};

/* What a value starting with this byte is. */
static const unsigned char tok_tab[256] = {
    ['{'] = BK_JT_OBJECT, ['['] = BK_JT_ARRAY, ['"'] = BK_JT_STRING,
    ['-'] = BK_JT_NUMBER, ['0' ... '9'] = BK_JT_NUMBER,
    ['t'] = BK_JT_TRUE,   ['f'] = BK_JT_FALSE, ['n'] = BK_JT_NULL,
};

/* Bytes that end a plain run inside a string. */
static const unsigned char str_special[256] = {
    [0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xFF] = 1,
};

/* The byte a two-character escape stands for (0: not a valid escape; 'u' is separate). */
static const unsigned char unesc_tab[256] = {
    ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
    ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};

/* Hex digit values with 0x10 set; 0 for a non-digit, so AND-ing four lookups flags any. */
#define H(v) (0x10 | (v))
static const unsigned char hex_tab[256] = {
    ['0'] = H(0),  ['1'] = H(1),  ['2'] = H(2),  ['3'] = H(3),  ['4'] = H(4),  ['5'] = H(5),
    ['6'] = H(6),  ['7'] = H(7),  ['8'] = H(8),  ['9'] = H(9),  ['a'] = H(10), ['b'] = H(11),
    ['c'] = H(12), ['d'] = H(13), ['e'] = H(14), ['f'] = H(15), ['A'] = H(10), ['B'] = H(11),
    ['C'] = H(12), ['D'] = H(13), ['E'] = H(14), ['F'] = H(15),
};
#undef H

static inline bool is_digit(char c) { return (unsigned char)(c - '0') < 10; }

static inline const char *skip_ws(const char *p, const char *end) {
    if (p < end && (unsigned char)*p > ' ') return p; /* the usual case: no whitespace */
    while (p < end && ws_tab[(unsigned char)*p]) p++;
    return p;
}

/* The first error wins; everything after it is a consequence. */
__attribute__((cold, noinline)) static bool fail(bk_jreader *r, const char *at,
                                                 const char *msg) {
    if (!r->failed) {
        r->failed = true;
        r->err_pos = (size_t)(at - r->start);
        r->err_msg = msg;
    }
    return false;
}

static int fail_int(bk_jreader *r, const char *at, const char *msg) {
    fail(r, at, msg);
    return -1;
}

/* ---- reader basics ---------------------------------------------------------------- */

void bk_jr_init(bk_jreader *r, const char *text, size_t len, bk_arena *arena) {
    if (!text) text = "", len = 0;
    r->start = r->p = text;
    r->end = text + len;
    r->arena = arena;
    r->depth = 0;
    r->need_comma = false;
    r->failed = false;
    r->err_pos = 0;
    r->err_msg = NULL;
}

bk_jtok bk_jr_peek(bk_jreader *r) {
    if (r->failed) return BK_JT_ERROR;
    const char *p = skip_ws(r->p, r->end);
    r->p = p;
    if (p < r->end) {
        bk_jtok t = (bk_jtok)tok_tab[(unsigned char)*p];
        if (t != BK_JT_ERROR) return t;
    }
    fail(r, p, E_VALUE);
    return BK_JT_ERROR;
}

size_t bk_jr_offset(const bk_jreader *r) {
    if (r->failed) return r->err_pos;
    return (size_t)(skip_ws(r->p, r->end) - r->start);
}

bool bk_jr_literal(bk_jreader *r) {
    if (r->failed) return false;
    const char *p = skip_ws(r->p, r->end);
    size_t n = (size_t)(r->end - p);
    if (n >= 4) {
        if (memcmp(p, "null", 4) == 0 || memcmp(p, "true", 4) == 0) {
            r->p = p + 4;
            return true;
        }
        if (n >= 5 && memcmp(p, "false", 5) == 0) {
            r->p = p + 5;
            return true;
        }
    }
    return fail(r, p, E_VALUE);
}

bool bk_jr_finish(bk_jreader *r) {
    if (r->failed) return false;
    const char *p = skip_ws(r->p, r->end);
    r->p = p;
    if (p != r->end) return fail(r, p, E_EXTRA);
    return true;
}

/* ---- strings ---------------------------------------------------------------------- */

/* Skips bytes that need no attention: stops at '"', '\\', a control or a non-ASCII byte. */
static inline const unsigned char *skip_plain(const unsigned char *s,
                                              const unsigned char *end) {
#if defined(BK_JR_SSE2)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - s >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
        /* Signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too. */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                              _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask) return s + __builtin_ctz(mask);
        s += 16;
    }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (end - s >= 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        /* The lowest flagged byte is exact (borrows only flag bytes above a true hit). */
        uint64_t m = ((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x) | x;
        m &= highs;
        if (m) return s + (__builtin_ctzll(m) >> 3);
        s += 8;
    }
#endif
    while (s < end && !str_special[*s]) s++;
    return s;
}

/* Length of the well-formed UTF-8 sequence at s (s[0] >= 0x80), or 0. */
static inline size_t utf8_seq(const unsigned char *s, const unsigned char *end) {
    size_t n = (size_t)(end - s);
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    if (c < 0xC2) return 0; /* continuation byte, or overlong C0/C1 lead */
    if (c < 0xE0) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (c == 0xE0) lo = 0xA0;      /* overlong */
        else if (c == 0xED) hi = 0x9F; /* UTF-16 surrogates */
        return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c < 0xF5) {
        if (c == 0xF0) lo = 0x90;      /* overlong */
        else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
        return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
                       (s[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

/* The value of four hex digits at s, or -1. */
static inline int hex4(const unsigned char *s) {
    unsigned a = hex_tab[s[0]], b = hex_tab[s[1]], c = hex_tab[s[2]], d = hex_tab[s[3]];
    if (!(a & b & c & d & 0x10)) return -1;
    return (int)((a & 15) << 12 | (b & 15) << 8 | (c & 15) << 4 | (d & 15));
}

/* Validates the rest of the string whose opening quote is at q, from s, the first byte
 * of it that is not plain. Returns the closing quote, or NULL after failing the reader;
 * *escaped tells whether the string holds any escape. */
__attribute__((noinline)) static const char *string_scan(bk_jreader *r, const char *q,
                                                         const unsigned char *s,
                                                         bool *escaped) {
    const unsigned char *end = (const unsigned char *)r->end;
    bool esc = false;
    for (;; s = skip_plain(s, end)) {
        if (s == end) break;
        unsigned c = *s;
        if (c == '"') {
            *escaped = esc;
            return (const char *)s;
        }
        if (c == '\\') {
            esc = true;
            if (end - s < 2) break;
            if (s[1] != 'u') {
                if (!unesc_tab[s[1]]) {
                    fail(r, (const char *)s, E_ESC);
                    return NULL;
                }
                s += 2;
                continue;
            }
            /* Like Python, a \u escape wants a byte after its four digits, and the
             * position reported is that of the 'u'. */
            int cp = end - s > 6 ? hex4(s + 2) : -1;
            if (cp < 0) {
                fail(r, (const char *)s + 1, E_UESC);
                return NULL;
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                if (cp <= 0xDBFF && end - s >= 12 && s[6] == '\\' && s[7] == 'u') {
                    int lo = end - s > 12 ? hex4(s + 8) : -1;
                    if (lo < 0) {
                        fail(r, (const char *)s + 7, E_UESC);
                        return NULL;
                    }
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        s += 12;
                        continue;
                    }
                }
                fail(r, (const char *)s, E_SURR);
                return NULL;
            }
            s += 6;
            continue;
        }
        if (c < 0x20) {
            fail(r, (const char *)s, E_CTRL);
            return NULL;
        }
        size_t n = utf8_seq(s, end);
        if (!n) {
            fail(r, (const char *)s, E_UTF8);
            return NULL;
        }
        s += n;
    }
    fail(r, q, E_UNTERM);
    return NULL;
}

/* Unescapes the validated string body [s, e) into out; returns the end of the output. */
static char *string_decode(const char *s, const char *e, char *out) {
    while (s < e) {
        const char *b = memchr(s, '\\', (size_t)(e - s));
        if (!b) b = e;
        memcpy(out, s, (size_t)(b - s));
        out += b - s;
        if (b == e) break;
        unsigned char c = (unsigned char)b[1];
        if (c != 'u') {
            *out++ = (char)unesc_tab[c];
            s = b + 2;
            continue;
        }
        unsigned cp = (unsigned)hex4((const unsigned char *)b + 2);
        s = b + 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo = (unsigned)hex4((const unsigned char *)b + 8);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            s = b + 12;
        }
        if (cp < 0x80) {
            *out++ = (char)cp;
        } else if (cp < 0x800) {
            *out++ = (char)(0xC0 | cp >> 6);
            *out++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *out++ = (char)(0xE0 | cp >> 12);
            *out++ = (char)(0x80 | (cp >> 6 & 0x3F));
            *out++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *out++ = (char)(0xF0 | cp >> 18);
            *out++ = (char)(0x80 | (cp >> 12 & 0x3F));
            *out++ = (char)(0x80 | (cp >> 6 & 0x3F));
            *out++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

/* Bytes from the arena, unaligned: strings need none, so skip bk_arena_alloc's rounding
 * (and its call) while the current chunk has room. */
static inline char *str_alloc(bk_arena *a, size_t n) {
    if (a->ptr && (size_t)(a->end - a->ptr) >= n) {
        char *p = a->ptr;
        a->ptr += n;
        return p;
    }
    return bk_arena_alloc(a, n);
}

#define ALWAYS_INLINE __attribute__((always_inline)) static inline

/* Lexes the string whose opening quote is at q, copying it to the arena when out.
 * Returns the byte after the closing quote, or NULL after failing the reader. */
ALWAYS_INLINE const char *lex_string(bk_jreader *r, const char *q, brisk_str *out) {
    const char *end = r->end;
    bk_arena *a = r->arena;
#if defined(BK_JR_SSE2)
    /* Most strings (keys above all) are short and plain: one 16-byte load finds the
     * closing quote, and the same register is stored as the copy. */
    if (out && end - q > 16 && (uintptr_t)a->end - (uintptr_t)a->ptr >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(q + 1));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                              _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                 _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask) {
            unsigned n = (unsigned)__builtin_ctz(mask);
            if (q[1 + n] == '"') {
                char *buf = a->ptr;
                _mm_storeu_si128((__m128i *)(void *)buf, v);
                buf[n] = '\0';
                a->ptr = buf + n + 1;
                out->ptr = buf;
                out->len = n;
                return q + n + 2;
            }
        }
    }
#endif
    const char *close = (const char *)skip_plain((const unsigned char *)q + 1,
                                                 (const unsigned char *)end);
    bool esc = false;
    if (close == end || *close != '"') { /* escapes, non-ASCII, or an error */
        close = string_scan(r, q, (const unsigned char *)close, &esc);
        if (!close) return NULL;
    }
    if (!out) return close + 1;
    size_t raw = (size_t)(close - q - 1);
    char *buf;
    size_t n = raw;
    if (esc) {
        buf = str_alloc(a, raw + 1);
        n = (size_t)(string_decode(q + 1, close, buf) - buf);
        if (a->ptr == buf + raw + 1) a->ptr = buf + n + 1; /* give back the slack */
    } else if (raw < 16 && end - q > 16 && (uintptr_t)a->end - (uintptr_t)a->ptr >= 16) {
        /* Short: one fixed 16-byte copy, from input that has the bytes to the arena's
         * free space, which has the room; only raw + 1 are taken. */
        buf = a->ptr;
        a->ptr += raw + 1;
        memcpy(buf, q + 1, 16);
    } else {
        buf = str_alloc(a, raw + 1);
        memcpy(buf, q + 1, raw);
    }
    buf[n] = '\0';
    out->ptr = buf;
    out->len = n;
    return close + 1;
}

ALWAYS_INLINE bool read_string(bk_jreader *r, const char *q, brisk_str *out) {
    const char *e = lex_string(r, q, out);
    if (!e) return false;
    r->p = e;
    return true;
}

bool bk_jr_string(bk_jreader *r, brisk_str *out) {
    if (r->failed) return false;
    const char *p = skip_ws(r->p, r->end);
    if (p == r->end || *p != '"') return fail(r, p, E_VALUE);
    return read_string(r, p, out);
}

/* ---- containers ------------------------------------------------------------------- */

static inline bool open_container(bk_jreader *r, char ch) {
    if (r->failed) return false;
    const char *p = skip_ws(r->p, r->end);
    if (p == r->end || *p != ch) return fail(r, p, E_VALUE);
    if (r->depth >= BRISK_JSON_MAX_DEPTH) return fail(r, p, E_DEPTH);
    r->depth++;
    r->p = p + 1;
    r->need_comma = false;
    return true;
}

bool bk_jr_obj_begin(bk_jreader *r) { return open_container(r, '{'); }
bool bk_jr_arr_begin(bk_jreader *r) { return open_container(r, '['); }

/* Consumed the closing bracket at p: back in the parent, which has had an item now. */
ALWAYS_INLINE int close_container(bk_jreader *r, const char **pp, const char *p) {
    *pp = p + 1;
    r->depth--;
    r->need_comma = true;
    return 0;
}

/* The step to the next member of an object, from *pp: 1 with the key read (copied
 * unless key is NULL), ':' consumed and *pp after it; 0 when '}' was consumed (*pp after
 * it); -1 on error. The position travels in *pp, not r->p, so that bk_jr_value keeps it
 * in a register. */
ALWAYS_INLINE int obj_sep(bk_jreader *r, const char **pp, brisk_str *key) {
    const char *end = r->end, *p = *pp;
    if (r->need_comma && end - p >= 2 && p[0] == ',' && p[1] == '"') {
        p++; /* the compact case, as the general path below would find it */
    } else {
        p = skip_ws(p, end);
        if (p < end && *p == '}') return close_container(r, pp, p);
        if (r->need_comma) {
            if (p == end || *p != ',') return fail_int(r, p, E_COMMA);
            p = skip_ws(p + 1, end);
        }
        if (p == end || *p != '"') return fail_int(r, p, E_PROP);
    }
    p = lex_string(r, p, key);
    if (!p) return -1;
    if (p == end || *p != ':') {
        p = skip_ws(p, end);
        if (p == end || *p != ':') return fail_int(r, p, E_COLON);
    }
    *pp = p + 1;
    r->need_comma = true;
    return 1;
}

/* Likewise in an array: 1 when an element follows (*pp at it), 0 when ']' was consumed. */
ALWAYS_INLINE int arr_sep(bk_jreader *r, const char **pp) {
    const char *end = r->end, *p = *pp;
    if (r->need_comma && p < end && *p == ',') {
        *pp = p + 1; /* the compact case */
        return 1;
    }
    p = skip_ws(p, end);
    if (p < end && *p == ']') return close_container(r, pp, p);
    if (r->need_comma) {
        if (p == end || *p != ',') return fail_int(r, p, E_COMMA);
        p++;
    }
    *pp = p;
    r->need_comma = true;
    return 1;
}

bool bk_jr_obj_next(bk_jreader *r, brisk_str *key) {
    if (r->failed) return false;
    const char *p = r->p;
    int rc = obj_sep(r, &p, key);
    r->p = p;
    return rc > 0;
}

bool bk_jr_arr_next(bk_jreader *r) {
    if (r->failed) return false;
    const char *p = r->p;
    int rc = arr_sep(r, &p);
    r->p = p;
    return rc > 0;
}

/* ---- numbers ---------------------------------------------------------------------- */

static double to_double(const char *ip, size_t nint, const char *fp, size_t nfrac,
                        int64_t exp10, bool neg);

static const double exact_p10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Whether the 8 bytes at p are all digits; if so *out is their value (SWAR: pairs,
 * then quads, then the whole, each step a multiply on the packed word). */
static inline bool eight_digits(const char *p, uint32_t *out) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t d = x - 0x3030303030303030u; /* byte values; < '0' or >= 0xB0 sets bit 7 */
    if ((d | (x + 0x4646464646464646u)) & 0x8080808080808080u) return false; /* > '9' */
    d = d * 10 + (d >> 8); /* even bytes: two-digit groups */
    d = ((d & 0x000000FF000000FFu) * (100 + (1000000ull << 32)) +
         ((d >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32))) >> 32;
    *out = (uint32_t)d;
    return true;
#else
    (void)p, (void)out;
    return false;
#endif
}

/* Lexes the longest JSON number at s (as Python's json does: "1." is the number 1
 * followed by "."), filling *out. NULL when no number starts at s. */
__attribute__((always_inline)) static inline const char *parse_number(const char *s,
                                                                      const char *end,
                                                                      bk_jnum *out) {
    const char *p = s;
    bool neg = p < end && *p == '-';
    p += neg;
    if (p == end || !is_digit(*p)) return NULL;
    const char *ip = p;
    uint64_t w = 0;
    if (*p == '0') {
        p++;
    } else {
        const char *lim = end - p > 19 ? p + 19 : end; /* 19 digits cannot overflow */
        do w = w * 10 + (unsigned)(*p++ - '0');
        while (p < lim && is_digit(*p));
        while (p < end && is_digit(*p)) p++;
    }
    size_t nint = (size_t)(p - ip);
    const char *fp = NULL;
    size_t nfrac = 0;
    if (end - p >= 2 && *p == '.' && is_digit(p[1])) {
        fp = ++p;
        if (nint < 19) {
            const char *lim = (size_t)(end - p) > 19 - nint ? p + (19 - nint) : end;
            uint32_t eight;
            while (lim - p >= 8 && eight_digits(p, &eight)) w = w * 100000000 + eight, p += 8;
            while (p < lim && is_digit(*p)) w = w * 10 + (unsigned)(*p++ - '0');
        }
        while (p < end && is_digit(*p)) p++;
        nfrac = (size_t)(p - fp);
    }
    bool has_exp = false;
    int64_t ev = 0;
    if (p < end && (*p | 0x20) == 'e') {
        const char *q = p + 1;
        bool eneg = false;
        if (q < end && (*q == '+' || *q == '-')) eneg = *q++ == '-';
        if (q < end && is_digit(*q)) {
            has_exp = true;
            do {
                if (ev < 100000000) ev = ev * 10 + (*q - '0'); /* saturates: 1e8 is plenty */
                q++;
            } while (q < end && is_digit(*q));
            if (eneg) ev = -ev;
            p = q;
        }
    }
    out->text = s;
    out->len = (size_t)(p - s);
    out->is_int = false;
    out->int_overflow = false;
    if (!fp && !has_exp) {
        const uint64_t lim = neg ? (uint64_t)1 << 63 : (uint64_t)INT64_MAX;
        if (nint < 19 || (nint == 19 && w <= lim)) {
            out->is_int = true;
            out->i = !neg ? (int64_t)w : w == (uint64_t)1 << 63 ? INT64_MIN : -(int64_t)w;
            /* exact below 2^53, else correctly rounded by the conversion */
            out->d = neg ? -(double)(uint64_t)w : (double)(int64_t)w;
            return p;
        }
        out->int_overflow = true;
    }
    out->i = 0;
    /* Clinger's fast path, inline for the common short decimals: w holds every digit. */
    int64_t e = ev - (int64_t)nfrac;
    if (nint + nfrac <= 19 && w <= (uint64_t)1 << 53 && e >= -22 && e <= 22) {
        double d = e >= 0 ? (double)w * exact_p10[e] : (double)w / exact_p10[-e];
        out->d = neg ? -d : d;
    } else {
        out->d = to_double(ip, nint, fp, nfrac, ev, neg);
    }
    return p;
}

bool bk_jr_number(bk_jreader *r, bk_jnum *out) {
    if (r->failed) return false;
    const char *p = skip_ws(r->p, r->end);
    const char *e = parse_number(p, r->end, out);
    if (!e) return fail(r, p, E_VALUE);
    r->p = e;
    return true;
}

bool bk_json_number_parse(const char *s, size_t len, bk_jnum *out) {
    if (!s || len == 0) return false;
    const char *e = parse_number(s, s + len, out);
    return e && e == s + len;
}

double bk_json_strtod(const char *s, size_t len) {
    bk_jnum n;
    return bk_json_number_parse(s, len, &n) ? n.d : NAN;
}

/* ---- the generic value parser ------------------------------------------------------ */

/* bk_jr_value lives here rather than in json_value.c so that the lexers inline into its
 * loop: a fifth fewer instructions per document (callgrind, a 1 KB API-style object)
 * than with a function call per value.
 *
 * It does not recurse and reads one value per step. Open containers are frames on a
 * fixed stack (the reader bounds their number); every value waits, by value, in one
 * scratch array in the arena until its container closes. Then the container's items
 * move to one exact-size block (its values, and the member or pointer array that refers
 * to them), so a container of n values costs one allocation, not n + 1, and the scratch
 * space is reused. Objects drop duplicate keys as they close: the first occurrence keeps
 * its place and takes the last value, as a Python dict does. */

/* 8-aligned bytes from the arena, inline while the current chunk has room. */
static inline void *val_alloc(bk_arena *a, size_t n) {
    uintptr_t p = ((uintptr_t)a->ptr + 7) & ~(uintptr_t)7, end = (uintptr_t)a->end;
    if (a->ptr && p <= end && end - p >= n) {
        a->ptr = (char *)p + n;
        return (void *)p;
    }
    return bk_arena_alloc(a, n);
}

/* A value waiting for its container to close, with its key in an object. */
typedef struct slot {
    brisk_str key;
    brisk_value v;
} slot;

typedef struct scratch {
    slot *items;
    size_t len, cap;
} scratch;

/* Grows the scratch array (it starts on the stack) into the arena. */
__attribute__((noinline)) static void sc_grow(bk_arena *a, scratch *s) {
    size_t cap = s->cap * 2;
    slot *n = val_alloc(a, cap * sizeof *n);
    memcpy(n, s->items, s->len * sizeof *n);
    s->items = n;
    s->cap = cap;
}

static inline slot *sc_push(bk_arena *a, scratch *s) {
    if (s->len == s->cap) sc_grow(a, s);
    return &s->items[s->len++];
}

/* A word-at-a-time key hash for duplicate detection in large objects. The seed varies
 * per process with address-space randomisation, which makes collisions harder to plan;
 * the request body limit bounds what a planned one could cost. */
static inline uint64_t mix(uint64_t a, uint64_t b) {
    unsigned __int128 m = (unsigned __int128)a * b;
    return (uint64_t)m ^ (uint64_t)(m >> 64);
}

static uint64_t key_hash(const char *s, size_t n, uint64_t seed) {
    const uint64_t k1 = 0x9E3779B97F4A7C15u, k2 = 0xD6E8FEB86659FD93u;
    uint64_t h = seed ^ (n * k2);
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = mix(h ^ w, k1);
    }
    uint64_t w = 0;
    if (n >= 4) { /* two overlapping 4-byte reads cover 4..7 bytes */
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        w = (uint64_t)hi << 32 | lo;
    } else if (n > 0) {
        w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n >> 1] << 8 |
            (unsigned char)s[n - 1];
    }
    return mix(h ^ w ^ n, k2);
}

/* Keys are NUL-terminated copies, so ptr[0] exists even for "". */
static inline bool key_eq(brisk_str a, brisk_str b) {
    return a.len == b.len && a.ptr[0] == b.ptr[0] && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* True when the n (<= 64) keys are all different. A 256-bit filter on length and end
 * bytes settles most keys; only on a filter hit is the key compared with the ones
 * before it. */
static inline bool keys_distinct(const slot *m, size_t n) {
    uint64_t seen[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const unsigned char *k = (const unsigned char *)m[i].key.ptr;
        size_t len = m[i].key.len;
        uint64_t h = (len << 16 | (uint64_t)k[0] << 8 | k[len ? len - 1 : 0]) *
                     0x9E3779B97F4A7C15u;
        unsigned b = (unsigned)(h >> 56);
        uint64_t bit = (uint64_t)1 << (b & 63);
        if (seen[b >> 6] & bit)
            for (size_t j = 0; j < i; j++)
                if (key_eq(m[j].key, m[i].key)) return false;
        seen[b >> 6] |= bit;
    }
    return true;
}

/* Drops duplicate keys from m in place (first place, last value); returns the count. */
__attribute__((noinline)) static size_t dedupe(bk_arena *a, slot *m, size_t n) {
    size_t k = 0;
    if (n <= 64) {
        for (size_t i = 0; i < n; i++) {
            size_t j = 0;
            while (j < k && !key_eq(m[j].key, m[i].key)) j++;
            if (j < k) {
                m[j].v = m[i].v;
            } else {
                if (k != i) m[k] = m[i];
                k++;
            }
        }
        return k;
    }
    static const char anchor;
    const uint64_t seed = mix((uint64_t)(uintptr_t)&anchor, 0xA0761D6478BD642Fu);
    size_t size = 16;
    while (size < 2 * n) size *= 2;
    size_t *tab = val_alloc(a, size * sizeof *tab); /* index + 1; 0 is empty */
    memset(tab, 0, size * sizeof *tab);
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)key_hash(m[i].key.ptr, m[i].key.len, seed) & (size - 1);
        for (;; h = (h + 1) & (size - 1)) {
            if (!tab[h]) {
                tab[h] = k + 1;
                if (k != i) m[k] = m[i];
                k++;
                break;
            }
            if (key_eq(m[tab[h] - 1].key, m[i].key)) {
                m[tab[h] - 1].v = m[i].v;
                break;
            }
        }
    }
    return k;
}

/* v becomes the object of the n members at m. */
static void finish_object(bk_arena *a, brisk_value *v, slot *m, size_t n) {
    if (n > 1) {
        bool distinct = true;
        if (n <= 8) { /* pairwise */
            for (size_t i = 1; i < n && distinct; i++)
                for (size_t j = 0; j < i; j++)
                    if (key_eq(m[j].key, m[i].key)) {
                        distinct = false;
                        break;
                    }
        } else {
            distinct = n <= 64 && keys_distinct(m, n);
        }
        if (!distinct) n = dedupe(a, m, n);
    }
    v->as.obj.items = NULL;
    v->as.obj.len = n;
    if (n == 0) return;
    brisk_member *mem = val_alloc(a, n * (sizeof *mem + sizeof(brisk_value)));
    brisk_value *vals = (brisk_value *)(mem + n);
    for (size_t i = 0; i < n; i++) {
        vals[i] = m[i].v;
        mem[i].key = m[i].key;
        mem[i].value = &vals[i];
    }
    v->as.obj.items = mem;
}

/* v becomes the array of the n values at m. */
static void finish_array(bk_arena *a, brisk_value *v, const slot *m, size_t n) {
    v->as.arr.items = NULL;
    v->as.arr.len = n;
    if (n == 0) return;
    brisk_value **ptrs = val_alloc(a, n * (sizeof *ptrs + sizeof(brisk_value)));
    brisk_value *vals = (brisk_value *)(ptrs + n);
    for (size_t i = 0; i < n; i++) {
        vals[i] = m[i].v;
        ptrs[i] = &vals[i];
    }
    v->as.arr.items = ptrs;
}

/* Reads the value at p into *v: a scalar whole; of an object or array only the opening
 * bracket (v->type says which; its items are the next steps). Returns the position after
 * what it read, or NULL on error. */
ALWAYS_INLINE const char *value_into(bk_jreader *restrict r, const char *p,
                                     brisk_value *restrict v) {
    const char *end = r->end, *e;
    p = skip_ws(p, end);
    if (p == end) return fail(r, p, E_VALUE), NULL;
    switch (*p) {
    case '"':
        v->type = BRISK_VALUE_STRING;
        return lex_string(r, p, &v->as.s);
    case '{':
    case '[':
        v->type = *p == '{' ? BRISK_VALUE_OBJECT : BRISK_VALUE_ARRAY;
        if (r->depth >= BRISK_JSON_MAX_DEPTH) return fail(r, p, E_DEPTH), NULL;
        r->depth++;
        r->need_comma = false;
        return p + 1;
    case 'n':
        if (end - p < 4 || memcmp(p, "null", 4) != 0) break;
        v->type = BRISK_VALUE_NULL;
        return p + 4;
    case 't':
        if (end - p < 4 || memcmp(p, "true", 4) != 0) break;
        v->type = BRISK_VALUE_BOOL;
        v->as.b = true;
        return p + 4;
    case 'f':
        if (end - p < 5 || memcmp(p, "false", 5) != 0) break;
        v->type = BRISK_VALUE_BOOL;
        v->as.b = false;
        return p + 5;
    default: {
        bk_jnum num;
        e = parse_number(p, end, &num);
        if (!e) break;
        if (num.is_int) {
            v->type = BRISK_VALUE_INT;
            v->as.i = num.i;
        } else if (num.int_overflow) {
            return fail(r, p, E_INT_RANGE), NULL;
        } else if (isinf(num.d)) {
            return fail(r, p, E_NUM_RANGE), NULL;
        } else {
            v->type = BRISK_VALUE_DOUBLE;
            v->as.d = num.d;
        }
        return e;
    }
    }
    return fail(r, p, E_VALUE), NULL;
}

brisk_value *bk_jr_value(bk_jreader *r) {
    if (r->failed) return NULL;
    bk_arena *a = r->arena;
    /* The reader refuses depth beyond BRISK_JSON_MAX_DEPTH, so this cannot overflow. */
    struct frame {
        size_t base; /* the container's first item in the scratch array; itself at base-1 */
        bool is_obj;
    } st[BRISK_JSON_MAX_DEPTH];
    size_t sp = 0;
    slot first[16]; /* small documents need no scratch from the arena */
    scratch sc = {first, 0, sizeof first / sizeof first[0]};
    const char *p = r->p; /* r->p is written back at the end */
    for (;;) {
        /* the separator (and key) of the next item, or the end of the open container */
        brisk_str key = {NULL, 0};
        if (sp) {
            int rc = st[sp - 1].is_obj ? obj_sep(r, &p, &key) : arr_sep(r, &p);
            if (rc < 0) return NULL;
            if (rc == 0) { /* the container on top closed */
                struct frame *f = &st[--sp];
                slot *items = sc.items + f->base;
                size_t n = sc.len - f->base;
                if (f->is_obj) finish_object(a, &items[-1].v, items, n);
                else finish_array(a, &items[-1].v, items, n);
                sc.len = f->base;
                if (sp == 0) break;
                continue;
            }
        }
        slot *s = sc_push(a, &sc);
        s->key = key;
        p = value_into(r, p, &s->v);
        if (!p) return NULL;
        if (s->v.type == BRISK_VALUE_OBJECT || s->v.type == BRISK_VALUE_ARRAY) {
            st[sp].base = sc.len;
            st[sp].is_obj = s->v.type == BRISK_VALUE_OBJECT;
            sp++;
        } else if (sp == 0) {
            break;
        }
    }
    r->p = p;
    brisk_value *top = val_alloc(a, sizeof *top);
    *top = sc.items[0].v;
    return top;
}

/* ---- decimal to double ------------------------------------------------------------ */

/* 10^q for q in [P10_MIN, P10_MAX] as m * 2^e with 2^127 <= m < 2^128, m truncated: the
 * exact significand lies in [m, m + 1). Below P10_MIN every 19-digit significand rounds
 * to 0, above P10_MAX every nonzero one overflows. */
#define P10_MIN (-342)
#define P10_MAX 308
#define P10_N (P10_MAX - P10_MIN + 1)

static u128 p10_m[P10_N];
static int16_t p10_e[P10_N];
static pthread_once_t p10_once = PTHREAD_ONCE_INIT;

/* Minimal unsigned big integers, only for building the table. */
#define BIG_LIMBS 44 /* 1408 bits: 2^1280 and 10^308 (1024 bits) fit */

typedef struct {
    uint32_t w[BIG_LIMBS]; /* little-endian */
    int n;                 /* limbs in use, the top one nonzero */
} big;

static void big_mul10(big *a) {
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] * 10 + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) a->w[a->n++] = (uint32_t)carry;
}

static void big_div10(big *a) { /* a = floor(a / 10) */
    uint64_t rem = 0;
    for (int i = a->n - 1; i >= 0; i--) {
        uint64_t cur = rem << 32 | a->w[i];
        a->w[i] = (uint32_t)(cur / 10);
        rem = cur % 10;
    }
    while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}

static int big_bitlen(const big *a) {
    return a->n ? 32 * (a->n - 1) + 32 - __builtin_clz(a->w[a->n - 1]) : 0;
}

/* The 128 bits of a from bit bl - 128 up (bl its length), zeros below bit 0. */
static u128 big_top128(const big *a, int bl) {
    u128 m = 0;
    for (int i = bl - 1; i >= bl - 128; i--)
        m = m << 1 | (i >= 0 && (a->w[i / 32] >> (i % 32) & 1));
    return m;
}

/* For q >= 0 the top bits of 10^q itself. For q < 0, those of X = floor(2^K / 10^-q):
 * they are floor(2^(bl+127) / 10^-q) with bl the length of 10^-q (a floor of a floor is
 * the floor of the whole quotient), and X comes from the previous X by one division by
 * 10, for the same reason. K = 1280 leaves X over 128 bits down to 10^-342. */
static void p10_build(void) {
    big t = {.w = {1}, .n = 1};
    for (int q = 0; q <= P10_MAX; q++) {
        int bl = big_bitlen(&t);
        p10_m[q - P10_MIN] = big_top128(&t, bl);
        p10_e[q - P10_MIN] = (int16_t)(bl - 128);
        big_mul10(&t);
    }
    const int K = 1280;
    big x = {.n = K / 32 + 1};
    x.w[K / 32] = 1u << (K % 32);
    for (int q = 1; q <= -P10_MIN; q++) {
        big_div10(&x);
        int xl = big_bitlen(&x);
        p10_m[-q - P10_MIN] = big_top128(&x, xl);
        p10_e[-q - P10_MIN] = (int16_t)-(K + 128 - xl);
    }
}

/* w * 10^q (w != 0, q within the table), correctly rounded, when the 192-bit product
 * decides it; false when it lies too close to a halfway point or is too small. */
static bool mul_pow10(uint64_t w, int q, double *out) {
    pthread_once(&p10_once, p10_build);
    u128 m = p10_m[q - P10_MIN];
    int lz = __builtin_clzll(w);
    uint64_t wn = w << lz;
    /* T = wn * m, 192 bits; h = T >> 64 is all we use. The exact product lies in
     * [T, T + wn), so its bits from 64 up are h or h + (a carry into bit 64). */
    u128 lo = (u128)wn * (uint64_t)m, hi = (u128)wn * (uint64_t)(m >> 64);
    u128 h = hi + (lo >> 64);
    int t = 191 - __builtin_clzll((uint64_t)(h >> 64)); /* top bit of T: 190 or 191 */
    int e2 = t + p10_e[q - P10_MIN] - lz;               /* value in [2^e2, 2^(e2+1)) */
    if (e2 > 1023) {
        *out = HUGE_VAL;
        return true;
    }
    int L = t - 52; /* bit of T that becomes the significand's last bit */
    if (e2 < -1022) L += -1022 - e2;
    if (L > 191) return false;
    int rb = L - 1 - 64; /* round bit, as a bit of h (>= 73) */
    u128 mask = ((u128)1 << rb) - 1;
    u128 below = h & mask;
    bool round = h >> rb & 1;
    /* An error below 2^64 can push T across the halfway point only from here: */
    if (round ? below == 0 : below == mask) return false;
    uint64_t sig = (uint64_t)(h >> (L - 64)) + round;
    uint64_t bits;
    if (e2 >= -1022) {
        if (sig == (uint64_t)1 << 53) {
            sig >>= 1;
            if (++e2 > 1023) {
                *out = HUGE_VAL;
                return true;
            }
        }
        bits = (uint64_t)(e2 + 1023) << 52 | (sig & (((uint64_t)1 << 52) - 1));
    } else {
        bits = sig; /* subnormal; rounding up to 2^52 gives the smallest normal */
    }
    memcpy(out, &bits, sizeof *out);
    return true;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* Digits kept for strtod_l. Halfway points between doubles have at most 767 significant
 * digits, so the first 780 and a sticky 1 for anything nonzero after them round alike. */
#define SLOW_DIGITS 780

static double slow_path(const char *ip, size_t nint, const char *fp, size_t nfrac,
                        int64_t exp10) {
    char buf[SLOW_DIGITS + 32];
    size_t k = 0;
    bool sticky = false;
    for (size_t i = 0; i < nint; i++) {
        char c = ip[i];
        if (k == 0 && c == '0') continue;
        if (k < SLOW_DIGITS) buf[k++] = c;
        else exp10++, sticky |= c != '0';
    }
    for (size_t i = 0; i < nfrac; i++) {
        char c = fp[i];
        if (k == 0 && c == '0') {
            exp10--;
            continue;
        }
        if (k < SLOW_DIGITS) buf[k++] = c, exp10--;
        else sticky |= c != '0';
    }
    if (k == 0) return 0.0;
    if (sticky) buf[k++] = '1', exp10--;
    if (exp10 > 99999) exp10 = 99999;
    if (exp10 < -99999) exp10 = -99999;
    buf[k++] = 'e';
    if (exp10 < 0) buf[k++] = '-', exp10 = -exp10;
    char tmp[8];
    int nt = 0;
    do tmp[nt++] = (char)('0' + exp10 % 10);
    while ((exp10 /= 10) != 0);
    while (nt) buf[k++] = tmp[--nt];
    buf[k] = '\0';
    pthread_once(&c_locale_once, c_locale_init);
    if (c_locale) return strtod_l(buf, NULL, c_locale);
    /* Without a locale object: the text has no decimal point, the only locale-dependent
     * part of a decimal number, so plain strtod reads it the same in any locale. */
    return strtod(buf, NULL);
}

__attribute__((noinline)) static double to_double(const char *ip, size_t nint,
                                                  const char *fp, size_t nfrac,
                                                  int64_t exp10, bool neg) {
    /* The first 19 significant digits as w, the value being w * 10^e (or a little more
     * when a nonzero digit was dropped: trunc). */
    uint64_t w = 0;
    int nd = 0;
    int64_t e = exp10;
    bool trunc = false;
    for (size_t i = 0; i < nint; i++) {
        unsigned d = (unsigned)(ip[i] - '0');
        if (nd < 19) w = w * 10 + d, nd += w != 0;
        else e++, trunc |= d != 0;
    }
    for (size_t i = 0; i < nfrac; i++) {
        unsigned d = (unsigned)(fp[i] - '0');
        if (nd < 19) {
            w = w * 10 + d, nd += w != 0, e--;
        } else if (d) {
            trunc = true;
            break;
        }
    }
    double v;
    if (w == 0) {
        v = 0.0;
    } else if (!trunc && w <= (uint64_t)1 << 53 && e >= -22 && e <= 22) {
        v = e >= 0 ? (double)w * exact_p10[e] : (double)w / exact_p10[-e];
    } else if (e < P10_MIN) {
        v = 0.0; /* below 1.9e19 * 1e-343: less than half the smallest subnormal */
    } else if (e > P10_MAX) {
        v = HUGE_VAL;
    } else {
        double b;
        /* Truncated: the value lies in [w, w+1) * 10^e, so agreeing ends decide it. */
        if (!mul_pow10(w, (int)e, &v) || (trunc && (!mul_pow10(w + 1, (int)e, &b) || b != v)))
            v = slow_path(ip, nint, fp, nfrac, exp10);
    }
    return neg ? -v : v;
}

/* ---- skipping --------------------------------------------------------------------- */

bool bk_jr_skip(bk_jreader *r) {
    const uint32_t base = r->depth;
    uint64_t is_obj[2] = {0, 0}; /* per relative level: 128 levels at most */
    bk_jnum num;
    for (;;) {
        switch (bk_jr_peek(r)) {
        case BK_JT_ERROR: return false;
        case BK_JT_NULL:
        case BK_JT_TRUE:
        case BK_JT_FALSE:
            if (!bk_jr_literal(r)) return false;
            break;
        case BK_JT_NUMBER:
            if (!bk_jr_number(r, &num)) return false;
            break;
        case BK_JT_STRING:
            if (!read_string(r, r->p, NULL)) return false;
            break;
        case BK_JT_OBJECT:
        case BK_JT_ARRAY: {
            bool obj = *r->p == '{';
            if (!open_container(r, *r->p)) return false;
            uint32_t lvl = r->depth - base - 1;
            uint64_t bit = (uint64_t)1 << (lvl % 64);
            if (obj) is_obj[lvl / 64] |= bit;
            else is_obj[lvl / 64] &= ~bit;
            break;
        }
        }
        for (;;) { /* to the next value, closing what ends on the way */
            if (r->depth == base) return true;
            uint32_t lvl = r->depth - base - 1;
            bool more = (is_obj[lvl / 64] >> (lvl % 64) & 1) ? bk_jr_obj_next(r, NULL)
                                                             : bk_jr_arr_next(r);
            if (r->failed) return false;
            if (more) break;
        }
    }
}
