/* Shortest round-trip double-to-text after Raffaello Giulietti's Schubfach
 * ("The Schubfach way to render doubles", 2020), written from the paper's description.
 *
 * For v = c * 2^q the rounding interval R (the reals that read back as v) is scaled by
 * 10^-k, with k picked so that R's width lands in [1, 10). Then the integers near the
 * scaled v are the only candidates: a multiple of 10 inside R gives one digit fewer,
 * otherwise the nearer of floor/ceil of the scaled v that lies in R is the answer.
 * The scaling needs 10^-k to about 128 bits; the table of those is built at first use
 * from exact big integers, so no magic constants are trusted. */
#include "model/dtoa.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 bk_u128;

/* Range of -k actually reached by doubles is [-292, 324]; a little slack costs nothing. */
#define POW_MIN (-300)
#define POW_MAX 330
#define POW_N (POW_MAX - POW_MIN + 1)

/* For m = -k: g = floor(10^m * 2^(127 - F)) + 1 with F = floor(log2(10^m)), so that
 * 2^127 < g < 2^128. The +1 makes g an over-estimate, which keeps the error of the
 * scaled values one-sided (see ro_scale). */
static bk_u128 pow10_g[POW_N];
static int16_t pow10_f[POW_N];
static pthread_once_t pow10_once = PTHREAD_ONCE_INIT;

/* ---- Minimal unsigned big integers, only for building and checking the table. ---- */

#define BIG_LIMBS 80 /* 2560 bits: enough for 10^330 * 2^1100 in the self-check */

typedef struct {
    uint32_t w[BIG_LIMBS]; /* little-endian */
    int n;                 /* limbs in use; w[n-1] != 0 unless n == 0 */
} big;

static void big_set(big *a, uint32_t x) {
    memset(a, 0, sizeof *a);
    a->w[0] = x;
    a->n = x != 0;
}

static void big_mul_small(big *a, uint32_t m) {
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) a->w[a->n++] = (uint32_t)carry;
}

static void big_shl(big *a, int bits) {
    if (a->n == 0) return;
    int limbs = bits / 32, r = bits % 32;
    int n = a->n + limbs + 1;
    for (int i = n - 1; i >= 0; i--) {
        int src = i - limbs;
        uint32_t hi = src >= 0 && src < a->n ? a->w[src] : 0;
        uint32_t lo = src - 1 >= 0 && src - 1 < a->n ? a->w[src - 1] : 0;
        a->w[i] = r ? (hi << r) | (lo >> (32 - r)) : hi;
    }
    a->n = n;
    while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}

/* a <<= 1, the inner step of the long division; kept apart from big_shl for speed. */
static void big_shl1(big *a) {
    uint32_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint32_t w = a->w[i];
        a->w[i] = w << 1 | carry;
        carry = w >> 31;
    }
    if (carry) a->w[a->n++] = carry;
}

static int big_cmp(const big *a, const big *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a -= b; requires a >= b. */
static void big_sub(big *a, const big *b) {
    uint64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
        a->w[i] = (uint32_t)t;
        borrow = (t >> 32) & 1;
    }
    while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}

static int big_bitlen(const big *a) {
    if (a->n == 0) return 0;
    return 32 * (a->n - 1) + (32 - __builtin_clz(a->w[a->n - 1]));
}

/* Bits [lo, lo + 128) of a. */
static bk_u128 big_bits128(const big *a, int lo) {
    bk_u128 r = 0;
    for (int i = 127; i >= 0; i--) {
        int b = lo + i;
        unsigned bit = b >= 0 && b / 32 < a->n ? (a->w[b / 32] >> (b % 32)) & 1 : 0;
        r = r << 1 | bit;
    }
    return r;
}

static void pow10_build(void) {
    big p;
    /* m >= 0: the top 128 bits of 10^m, exact when 10^m itself fits. */
    big_set(&p, 1);
    for (int m = 0; m <= POW_MAX; m++) {
        int len = big_bitlen(&p);
        pow10_f[m - POW_MIN] = (int16_t)(len - 1);
        pow10_g[m - POW_MIN] = big_bits128(&p, len - 128) + 1;
        big_mul_small(&p, 10);
    }
    /* m < 0: 2^(127 + len) / 10^|m| by binary long division; only the last 128 steps
     * can produce quotient bits, so the remainder starts at 2^(len - 1) < 10^|m|. */
    big_set(&p, 10);
    for (int m = -1; m >= POW_MIN; m--) {
        int len = big_bitlen(&p);
        big r;
        big_set(&r, 1);
        big_shl(&r, len - 1);
        bk_u128 quo = 0;
        for (int i = 0; i < 128; i++) {
            big_shl1(&r);
            quo <<= 1;
            if (big_cmp(&r, &p) >= 0) {
                big_sub(&r, &p);
                quo |= 1;
            }
        }
        pow10_f[m - POW_MIN] = (int16_t)(-len);
        pow10_g[m - POW_MIN] = quo + 1;
        big_mul_small(&p, 10);
    }
}

/* floor(q * log10(2)), and floor(log10(3/4 * 2^q)) for the narrower interval at powers
 * of two; fixed-point forms of log10(2) and log10(4/3) scaled by 2^22, valid for the
 * q of doubles (bk_dtoa_selfcheck verifies every one against exact arithmetic). */
static inline int flog10_pow2(int q) { return (q * 1262611) >> 22; }
static inline int flog10_3q_pow2(int q) { return (q * 1262611 - 524031) >> 22; }

/* Round-to-odd of x = g * cp / 2^s, i.e. floor(x) with the last bit forced to 1 when x
 * is not an integer. Rounding to odd keeps every comparison against an even integer
 * (the 4x-scaled candidates below) exact. g over-estimates the exact scale factor by
 * less than one unit, so the computed product exceeds the exact one by less than
 * cp < 2^55 units of 2^-s; a fraction below that is treated as zero. Schubfach's paper
 * shows the exact scaled values are never that close to an integer without being one,
 * so neither floor nor the integer test can be fooled. */
static inline uint64_t ro_scale(bk_u128 g, uint64_t cp, int s) {
    bk_u128 a = (bk_u128)(uint64_t)(g >> 64) * cp;
    bk_u128 b = (bk_u128)(uint64_t)g * cp;
    bk_u128 h = a + (b >> 64); /* product >> 64; the product is below 2^183 */
    int sh = s - 64;           /* 60..63 */
    uint64_t ip = (uint64_t)(h >> sh);
    uint64_t frac_hi = (uint64_t)h & (((uint64_t)1 << sh) - 1);
    return ip | ((frac_hi | ((uint64_t)b >> 55)) != 0);
}

/* Writes f's decimal digits ending just before end; returns how many. */
static inline int put_digits(char *end, uint64_t f) {
    char *p = end;
    while (f >= 100) {
        uint64_t d = f % 100;
        f /= 100;
        *--p = (char)('0' + d % 10);
        *--p = (char)('0' + d / 10);
    }
    if (f >= 10) *--p = (char)('0' + f % 10), f /= 10;
    *--p = (char)('0' + f);
    return (int)(end - p);
}

/* Lays out f * 10^e10 (f has no trailing zeros) per the format in dtoa.h. */
static size_t format(char *out, char *p, uint64_t f, int e10) {
    char dig[24];
    int n = put_digits(dig + sizeof dig, f);
    const char *d = dig + sizeof dig - n;
    int point = n + e10; /* the value is 0.DIGITS * 10^point */
    if (point >= n && point <= 21) {
        memcpy(p, d, (size_t)n);
        p += n;
        memset(p, '0', (size_t)(point - n));
        p += point - n;
    } else if (point > 0 && point < n) {
        memcpy(p, d, (size_t)point);
        p += point;
        *p++ = '.';
        memcpy(p, d + point, (size_t)(n - point));
        p += n - point;
    } else if (point > -6 && point <= 0) {
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', (size_t)-point);
        p += -point;
        memcpy(p, d, (size_t)n);
        p += n;
    } else {
        *p++ = d[0];
        if (n > 1) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)(n - 1));
            p += n - 1;
        }
        *p++ = 'e';
        int x = point - 1;
        *p++ = x < 0 ? '-' : '+';
        if (x < 0) x = -x;
        if (x >= 100) *p++ = (char)('0' + x / 100);
        if (x >= 10) *p++ = (char)('0' + x / 10 % 10);
        *p++ = (char)('0' + x % 10);
    }
    return (size_t)(p - out);
}

/* The shortest decimal of a finite, nonzero |v|: *f (no trailing zeros) times 10^*e10. */
static void shortest(uint64_t bits, uint64_t *f_out, int *e10_out) {
    int e = (int)(bits >> 52 & 0x7ff);
    uint64_t t = bits & (((uint64_t)1 << 52) - 1);
    uint64_t c;
    int q;
    if (e == 0) {
        c = t;
        q = -1074;
    } else {
        c = t | (uint64_t)1 << 52;
        q = e - 1075;
    }

    uint64_t f;
    int e10;
    if (q <= 0 && q >= -52 && (c & (((uint64_t)1 << -q) - 1)) == 0) {
        /* An integer below 2^53: the gap to its neighbours is at most 1, so no other
         * decimal with as few significant digits reads back as v. */
        f = c >> -q;
        e10 = 0;
    } else {
        pthread_once(&pow10_once, pow10_build);
        /* Endpoints of R, times 4 so they are integers; at a power of two the gap
         * below is half the gap above. R is closed when c is even (ties-to-even
         * reading picks v), open otherwise. */
        uint64_t cb = c << 2, cbr = cb + 2, cbl;
        int k;
        if (t == 0 && e > 1) {
            cbl = cb - 1;
            k = flog10_3q_pow2(q);
        } else {
            cbl = cb - 2;
            k = flog10_pow2(q);
        }
        uint64_t open = c & 1;
        int idx = -k - POW_MIN;
        bk_u128 g = pow10_g[idx];
        int s = 127 - (q + pow10_f[idx]);
        uint64_t vbl = ro_scale(g, cbl, s);
        uint64_t vb = ro_scale(g, cb, s);
        uint64_t vbr = ro_scale(g, cbr, s);

        uint64_t lo = vb >> 2; /* floor of the scaled v */
        int done = 0;
        if (lo >= 10) {
            /* R is narrower than 10, so at most one multiple of 10 fits in it. */
            uint64_t lo10 = lo / 10 * 10, hi10 = lo10 + 10;
            int lo_in = vbl + open <= lo10 << 2;
            int hi_in = (hi10 << 2) + open <= vbr;
            if (lo_in != hi_in) {
                f = lo_in ? lo10 : hi10;
                done = 1;
            }
        }
        if (!done) {
            uint64_t hi = lo + 1;
            int lo_in = vbl + open <= lo << 2;
            int hi_in = (hi << 2) + open <= vbr;
            if (lo_in != hi_in) {
                f = lo_in ? lo : hi;
            } else {
                /* Both fit (R is at least 1 wide, so one always does): nearest wins,
                 * a tie goes to the even one. vb vs 4 * (lo + 1/2). */
                uint64_t mid = (lo + hi) << 1;
                f = vb < mid || (vb == mid && (lo & 1) == 0) ? lo : hi;
            }
        }
        e10 = k;
    }
    while (f % 10 == 0) {
        f /= 10;
        e10++;
    }
    *f_out = f;
    *e10_out = e10;
}

/* The bits of v, false for NaN and infinities (both layouts leave those to the caller). */
static bool finite_bits(double v, uint64_t *bits) {
    memcpy(bits, &v, sizeof *bits);
    return (*bits >> 52 & 0x7ff) != 0x7ff;
}

size_t bk_dtoa(double v, char out[32]) {
    uint64_t bits, f;
    int e10;
    if (!finite_bits(v, &bits)) return 0;
    size_t n = bits >> 63;
    out[0] = '-'; /* kept only when negative: the digits overwrite it otherwise */
    if ((bits << 1) == 0) {
        out[n++] = '0';
        return n;
    }
    shortest(bits, &f, &e10);
    return format(out, out + n, f, e10);
}

size_t bk_dtoa_repr(double v, char out[32]) {
    uint64_t bits, f;
    int e10;
    if (!finite_bits(v, &bits)) return 0;
    size_t n = bits >> 63;
    out[0] = '-'; /* as in bk_dtoa */
    if ((bits << 1) == 0) {
        memcpy(out + n, "0.0", 3);
        return n + 3;
    }
    shortest(bits, &f, &e10);
    char dig[24];
    int nd = put_digits(dig + sizeof dig, f);
    const char *d = dig + sizeof dig - nd;
    int x = nd + e10 - 1; /* the value is d.ddd * 10^x */
    char *p = out + n;
    if (x >= 16 || x < -4) {
        *p++ = d[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)(nd - 1));
            p += nd - 1;
        }
        *p++ = 'e';
        *p++ = x < 0 ? '-' : '+';
        if (x < 0) x = -x;
        if (x >= 100) *p++ = (char)('0' + x / 100);
        *p++ = (char)('0' + x / 10 % 10); /* at least two exponent digits: 1e-05 */
        *p++ = (char)('0' + x % 10);
    } else if (x < 0) {
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', (size_t)(-x - 1));
        p += -x - 1;
        memcpy(p, d, (size_t)nd);
        p += nd;
    } else if (nd <= x + 1) {
        memcpy(p, d, (size_t)nd);
        p += nd;
        memset(p, '0', (size_t)(x + 1 - nd));
        p += x + 1 - nd;
        memcpy(p, ".0", 2);
        p += 2;
    } else {
        memcpy(p, d, (size_t)(x + 1));
        p += x + 1;
        *p++ = '.';
        memcpy(p, d + x + 1, (size_t)(nd - x - 1));
        p += nd - x - 1;
    }
    return (size_t)(p - out);
}

/* ---- Self-check against exact arithmetic. ---- */

/* Compares 2^a2 * 3^a3 * 10^a10 with 10^b10 (all exponents may be negative; each side
 * is cleared of denominators by moving factors across). Returns <0, 0, >0. */
static int cmp_exact(int a2, int a3, int a10, int b10) {
    static big l, r; /* large: keep them off the stack */
    big_set(&l, 1);
    big_set(&r, 1);
    for (int i = 0; i < a3; i++) big_mul_small(&l, 3);
    int d10 = a10 - b10; /* compare 2^a2 * 3^a3 * 10^d10 with 1 */
    for (int i = 0; i < (d10 > 0 ? d10 : -d10); i++) big_mul_small(d10 > 0 ? &l : &r, 10);
    if (a2 > 0) big_shl(&l, a2);
    if (a2 < 0) big_shl(&r, -a2);
    return big_cmp(&l, &r);
}

int bk_dtoa_selfcheck(void) {
    pthread_once(&pow10_once, pow10_build);
    int bad = 0;
    for (int q = -1074; q <= 971; q++) {
        /* 10^k <= 2^q < 10^(k+1) */
        int k = flog10_pow2(q);
        if (cmp_exact(q, 0, 0, k) < 0 || cmp_exact(q, 0, 0, k + 1) >= 0) bad++;
        /* 10^k <= 3 * 2^(q-2) < 10^(k+1) */
        k = flog10_3q_pow2(q);
        if (cmp_exact(q - 2, 1, 0, k) < 0 || cmp_exact(q - 2, 1, 0, k + 1) >= 0) bad++;
        /* Both k choices keep the shift in ro_scale within 124..127. */
        for (int j = 0; j < 2; j++) {
            int kk = j ? flog10_3q_pow2(q) : flog10_pow2(q);
            if (-kk - POW_MIN < 0 || -kk - POW_MIN >= POW_N) {
                bad++;
                continue;
            }
            int s = 127 - (q + pow10_f[-kk - POW_MIN]);
            if (s < 124 || s > 127) bad++;
        }
    }
    for (int m = POW_MIN; m <= POW_MAX; m++) {
        int f = pow10_f[m - POW_MIN];
        /* 2^F <= 10^m < 2^(F+1) */
        if (cmp_exact(f, 0, 0, m) > 0 || cmp_exact(f + 1, 0, 0, m) <= 0) bad++;
        /* g - 1 = floor(10^m * 2^(127-F)): 2^(F-127) (g-1) <= 10^m < 2^(F-127) g,
         * checked as the two halves of g since cmp_exact takes only powers. */
        bk_u128 g = pow10_g[m - POW_MIN];
        if (g >> 127 == 0) bad++;
        static big gb, ten, tmp;
        for (int side = 0; side < 2; side++) {
            bk_u128 x = g - 1 + (bk_u128)side;
            big_set(&gb, 0);
            for (int i = 0; i < 4; i++) gb.w[i] = (uint32_t)(x >> (32 * i));
            gb.n = 4;
            while (gb.n > 0 && gb.w[gb.n - 1] == 0) gb.n--;
            big_set(&ten, 1);
            int sh = f - 127; /* compare gb * 2^sh with 10^m */
            if (m >= 0)
                for (int i = 0; i < m; i++) big_mul_small(&ten, 10);
            else
                for (int i = 0; i < -m; i++) big_mul_small(&gb, 10);
            if (sh > 0) big_shl(&gb, sh);
            if (sh < 0) big_shl(&ten, -sh);
            tmp = gb;
            int c = big_cmp(&tmp, &ten);
            if (side == 0 ? c > 0 : c <= 0) bad++;
        }
    }
    return bad;
}
