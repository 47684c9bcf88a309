/* bk_dtoa: exact format for known values; round trip, shortest length and closest
 * digits for a million random doubles, checked against a snprintf/strtod oracle. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/dtoa.h"

static void dtoa_expect(double v, const char *want) {
    char buf[32];
    size_t n = bk_dtoa(v, buf);
    cr_assert(n < 32);
    cr_assert(n == strlen(want) && memcmp(buf, want, n) == 0, "%.17g: got %.*s, want %s", v,
              (int)n, buf, want);
}

static double dtoa_from_bits(uint64_t b) {
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t dtoa_bits(double d) {
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static uint64_t dtoa_rng_state;
static uint64_t dtoa_rand(void) { /* splitmix64: fixed seed, reproducible */
    uint64_t z = (dtoa_rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Significant digits (no leading/trailing zeros) and the decimal exponent of the first
 * one, from any of the plain or exponent forms printed by bk_dtoa or printf("%e"). */
static void dtoa_split(const char *s, size_t n, char digits[40], int *exp10) {
    size_t i = 0, nd = 0;
    int point = 0, seen_point = 0, lead = 1;
    if (i < n && s[i] == '-') i++;
    for (; i < n && s[i] != 'e'; i++) {
        if (s[i] == '.') {
            seen_point = 1;
            continue;
        }
        if (lead && s[i] == '0') {
            if (seen_point) point--;
            continue;
        }
        lead = 0;
        digits[nd++] = s[i];
        if (!seen_point) point++;
    }
    int e = i < n ? atoi(s + i + 1) : 0;
    while (nd > 0 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    *exp10 = point - 1 + e;
}

/* The oracle's digits: printf's correctly rounded p-digit form, if it reads back. */
static int dtoa_oracle(double v, int p, char digits[40], int *exp10) {
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    if (strtod(buf, NULL) != v) return 0;
    dtoa_split(buf, (size_t)n, digits, exp10);
    return 1;
}

/* Prints v, reads it back, and compares length and digits with the oracle. all_p
 * scans every precision from 1 (needed at powers of two, where the rounding interval
 * is lopsided); otherwise the precision one below ours must fail, which settles
 * minimality because elsewhere a closer decimal always reads back if a farther one does. */
static void dtoa_check(double v, int all_p) {
    char buf[32];
    size_t n = bk_dtoa(v, buf);
    cr_assert(n > 0 && n < 32);
    buf[n] = 0;
    char *end;
    double back = strtod(buf, &end);
    cr_assert(end == buf + n, "%s: not all parsed", buf);
    cr_assert(dtoa_bits(back) == dtoa_bits(v), "%.17g printed as %s reads back as %.17g", v,
              buf, back);

    char ours[40], want[40];
    int our_e, want_e;
    dtoa_split(buf, n, ours, &our_e);
    int nd = (int)strlen(ours);
    if (v == 0) return;
    if (all_p) {
        int p = 1;
        while (!dtoa_oracle(v, p, want, &want_e)) p++;
        cr_assert(nd <= p, "%.17g: %s has %d digits, %%.%de reads back", v, buf, nd, p - 1);
        if (nd == p)
            cr_assert(strcmp(ours, want) == 0 && our_e == want_e, "%.17g: %s, oracle %se%d", v,
                      buf, want, want_e);
        return;
    }
    cr_assert(dtoa_oracle(v, nd, want, &want_e), "%.17g: %s, yet %d digits of printf fail", v,
              buf, nd);
    cr_assert(strcmp(ours, want) == 0 && our_e == want_e, "%.17g: %s, oracle %se%d", v, buf, want,
              want_e);
    char shorter[40];
    int se;
    cr_assert(nd == 1 || !dtoa_oracle(v, nd - 1, shorter, &se), "%.17g: %s, but %se%d is shorter",
              v, buf, shorter, se);
}

TestSuite(dtoa);

Test(dtoa, tables_match_exact_arithmetic) { cr_assert_eq(bk_dtoa_selfcheck(), 0); }

Test(dtoa, known_values) {
    dtoa_expect(0.0, "0");
    dtoa_expect(-0.0, "-0");
    dtoa_expect(0.1, "0.1");
    dtoa_expect(0.3, "0.3");
    dtoa_expect(0.1 + 0.2, "0.30000000000000004");
    dtoa_expect(1.0 / 3, "0.3333333333333333");
    dtoa_expect(2.0 / 3, "0.6666666666666666");
    dtoa_expect(1.5, "1.5");
    dtoa_expect(-1.5, "-1.5");
    dtoa_expect(4.35, "4.35");
    dtoa_expect(123.456, "123.456");
    dtoa_expect(100, "100");
    dtoa_expect(1, "1");
    dtoa_expect(-7, "-7");
    dtoa_expect(1e15, "1000000000000000");
    dtoa_expect(1e20, "100000000000000000000");
    dtoa_expect(123456789012345680000.0, "123456789012345680000");
    dtoa_expect(9007199254740992.0, "9007199254740992");
    dtoa_expect(9223372036854775808.0, "9223372036854776000");
    dtoa_expect(1e21, "1e+21");
    dtoa_expect(1e22, "1e+22");
    dtoa_expect(1e23, "1e+23");
    dtoa_expect(1.5e300, "1.5e+300");
    dtoa_expect(-2e-300, "-2e-300");
    dtoa_expect(0.000001, "0.000001");
    dtoa_expect(0.0000012345, "0.0000012345");
    dtoa_expect(1e-7, "1e-7");
    dtoa_expect(1.5e-7, "1.5e-7");
    dtoa_expect(5e-324, "5e-324");
    dtoa_expect(-5e-324, "-5e-324");
    dtoa_expect(1e-323, "1e-323");
    dtoa_expect(2.2250738585072014e-308, "2.2250738585072014e-308");
    dtoa_expect(2.225073858507201e-308, "2.225073858507201e-308"); /* largest subnormal */
    dtoa_expect(DBL_MAX, "1.7976931348623157e+308");
    dtoa_expect(-DBL_MAX, "-1.7976931348623157e+308");
    dtoa_expect(DBL_EPSILON, "2.220446049250313e-16");
    dtoa_expect(5e-310, "5e-310");
    dtoa_expect(1.7e308, "1.7e+308");

    char buf[32];
    cr_assert_eq(bk_dtoa(NAN, buf), 0);
    cr_assert_eq(bk_dtoa(INFINITY, buf), 0);
    cr_assert_eq(bk_dtoa(-INFINITY, buf), 0);
}

/* Every power of two (the lopsided intervals) and its neighbours, all exponents. */
Test(dtoa, powers_of_two) {
    for (uint64_t e = 0; e < 2047; e++) {
        uint64_t b = e << 52;
        dtoa_check(dtoa_from_bits(b), 1);
        if (b > 0) dtoa_check(dtoa_from_bits(b - 1), 0);
        dtoa_check(dtoa_from_bits(b + 1), 0);
    }
}

Test(dtoa, random_bit_patterns) {
    dtoa_rng_state = 20240611;
    int checked = 0;
    while (checked < 1000000) {
        uint64_t b = dtoa_rand();
        if ((b >> 52 & 0x7ff) == 0x7ff) continue;
        dtoa_check(dtoa_from_bits(b), 0);
        checked++;
    }
}

/* Values typed by people: short decimals, integers and subnormals are where the
 * multiple-of-ten and integer shortcuts run, which random bit patterns rarely hit. */
Test(dtoa, short_decimals_integers_subnormals) {
    dtoa_rng_state = 77;
    char text[48];
    for (int i = 0; i < 200000; i++) {
        uint64_t r = dtoa_rand();
        int digits = 1 + (int)(r % 17);
        uint64_t mant = dtoa_rand() % 100000000000000000u;
        for (int d = digits; d < 17; d++) mant /= 10;
        int exp = (int)(dtoa_rand() % 660) - 340;
        snprintf(text, sizeof text, "%llue%d", (unsigned long long)mant, exp);
        double v = strtod(text, NULL);
        if (!isfinite(v)) continue;
        dtoa_check(v, 0);
        dtoa_check((double)(int64_t)(dtoa_rand() >> (dtoa_rand() % 64)), 0);
        dtoa_check(dtoa_from_bits(dtoa_rand() >> (12 + dtoa_rand() % 52)), 0);
    }
}
