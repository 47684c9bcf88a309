/* Floats as Python's repr writes them: what FastAPI puts in a 422 body and a response. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "model/dtoa.h"
#include "model/json_read.h"
#include "model/model.h"

static const struct {
    double v;
    const char *repr;
} cases[] = {
    /* from /usr/bin/python3: repr(v) */
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {1.0, "1.0"},
    {-1.0, "-1.0"},
    {100.0, "100.0"},
    {0.1, "0.1"},
    {0.5, "0.5"},
    {1e+16, "1e+16"},
    {1000000000000000.0, "1000000000000000.0"},
    {9999999999999998.0, "9999999999999998.0"},
    {1e-05, "1e-05"},
    {0.0001, "0.0001"},
    {0.00012345, "0.00012345"},
    {1.2345678901234568e+17, "1.2345678901234568e+17"},
    {1.5e+300, "1.5e+300"},
    {5e-324, "5e-324"},
    {1.7976931348623157e+308, "1.7976931348623157e+308"},
    {2.5, "2.5"},
    {1e+22, "1e+22"},
    {1234.5678, "1234.5678"},
    {-1e-07, "-1e-07"},
    {0.0003, "0.0003"},
};

Test(pyfmt, float_repr_matches_python) {
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[32];
        size_t n = bk_dtoa_repr(cases[i].v, out);
        out[n] = '\0';
        cr_expect_str_eq(out, cases[i].repr, "repr(%.17g)", cases[i].v);
    }
}

Test(pyfmt, input_is_redumped_as_python_would) {
    bk_arena a;
    bk_arena_init(&a, NULL, 0);
    static const char *const in[][2] = {
        {"0.50", "0.5"},
        {"-1E2", "-100.0"},
        {"\"caf\\u00e9s\"", "\"caf\xc3\xa9s\""},
        {"{\"a\" : \"x\", \"a\":1}", "{\"a\":1}"},
        {"[1, 2.0, true, null]", "[1,2.0,true,null]"},
        {"9223372036854775808", "9223372036854775808"}, /* past int64: kept as written */
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        size_t n;
        char *s = bk_json_pydump(&a, in[i][0], strlen(in[i][0]), &n);
        cr_expect_str_eq(s, in[i][1], "%s", in[i][0]);
        cr_expect_eq(n, strlen(in[i][1]));
    }
    bk_arena_reset(&a);
}

/* Any finite double: the repr reads back to the same bits, and always as a double. */
Test(pyfmt, repr_round_trips_and_reads_as_a_double) {
    uint64_t state = 0x853c49e6748fea9bull;
    for (int i = 0; i < 200000; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t bits = state ^ (state >> 29);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        char out[32];
        size_t n = bk_dtoa_repr(v, out);
        cr_assert(n > 0 && n < 32);
        cr_assert(memchr(out, '.', n) || memchr(out, 'e', n), "%.*s", (int)n, out);
        bk_jnum num;
        cr_assert(bk_json_number_parse(out, n, &num), "%.*s", (int)n, out);
        cr_assert(!num.is_int, "%.*s", (int)n, out);
        uint64_t back;
        memcpy(&back, &num.d, sizeof back);
        cr_assert_eq(back, bits, "%.*s", (int)n, out);
    }
}
