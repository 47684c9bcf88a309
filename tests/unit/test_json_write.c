/* The JSON writer behind brisk_json_*: commas, escaping, numbers, UTF-8 repair. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/json_write.h"

static bk_buf jw_out;
static brisk_json jw;

static void jw_setup(void) {
    jw_out = (bk_buf){0};
    bk_json_init(&jw, &jw_out);
}

static void jw_teardown(void) { bk_buf_free(&jw_out); }

static void jw_expect(const char *want) {
    cr_assert_eq(jw_out.len, strlen(want), "got %.*s, want %s", (int)jw_out.len, jw_out.data,
                 want);
    cr_assert(memcmp(jw_out.data, want, jw_out.len) == 0, "got %.*s, want %s", (int)jw_out.len,
              jw_out.data, want);
}

TestSuite(json_write, .init = jw_setup, .fini = jw_teardown);

Test(json_write, nested_commas) {
    brisk_json_obj(&jw);
    brisk_json_key(&jw, "a");
    brisk_json_int(&jw, 1);
    brisk_json_key(&jw, "b");
    brisk_json_arr(&jw);
    brisk_json_bool(&jw, true);
    brisk_json_null(&jw);
    brisk_json_obj(&jw);
    brisk_json_end_obj(&jw);
    brisk_json_arr(&jw);
    brisk_json_end_arr(&jw);
    brisk_json_end_arr(&jw);
    brisk_json_key(&jw, "c");
    brisk_json_string(&jw, "x");
    brisk_json_end_obj(&jw);
    jw_expect("{\"a\":1,\"b\":[true,null,{},[]],\"c\":\"x\"}");
    cr_assert_eq(jw.depth, 0);
}

Test(json_write, integers_at_the_limits) {
    brisk_json_arr(&jw);
    brisk_json_int(&jw, 0);
    brisk_json_int(&jw, -1);
    brisk_json_int(&jw, INT64_MAX);
    brisk_json_int(&jw, INT64_MIN);
    brisk_json_end_arr(&jw);
    jw_expect("[0,-1,9223372036854775807,-9223372036854775808]");
}

Test(json_write, doubles_round_trip_and_non_finite_is_null) {
    brisk_json_arr(&jw);
    brisk_json_double(&jw, 0.1);
    brisk_json_double(&jw, 1.5);
    brisk_json_double(&jw, -2e-300);
    brisk_json_double(&jw, NAN);
    brisk_json_double(&jw, INFINITY);
    brisk_json_end_arr(&jw);
    jw_expect("[0.1,1.5,-2e-300,null,null]");
    /* Every double prints to text that reads back to the same bits. */
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = 0;
        for (int k = 0; k < 4; k++) bits = bits << 16 | (uint64_t)(rand_r(&seed) & 0xffff);
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d)) continue;
        char buf[32];
        size_t n = bk_json_fmt_double(buf, d);
        buf[n] = '\0';
        double back = strtod(buf, NULL);
        cr_assert(memcmp(&back, &d, sizeof d) == 0, "%s does not read back", buf);
    }
}

Test(json_write, escapes) {
    static const char in[] = "q\"b\\n\n\r\t\b\f\x01\x1f/";
    brisk_json_string_n(&jw, in, sizeof in - 1);
    jw_expect("\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f/\"");
}

Test(json_write, utf8_kept_and_invalid_replaced) {
    /* é, €, 😀 pass through; a lone continuation byte, an overlong '/', a surrogate and a
     * truncated sequence each become U+FFFD. */
    const char in[] = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80|\x80|\xC0\xAF|\xED\xA0\x80|\xE2\x82";
    brisk_json_string_n(&jw, in, sizeof in - 1);
    jw_expect("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80|\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

Test(json_write, null_string_is_null) {
    brisk_json_string(&jw, NULL);
    jw_expect("null");
}

Test(json_write, too_deep_is_flagged_but_balanced) {
    for (int i = 0; i < BK_JSON_MAX_DEPTH + 5; i++) brisk_json_arr(&jw);
    for (int i = 0; i < BK_JSON_MAX_DEPTH + 5; i++) brisk_json_end_arr(&jw);
    cr_assert(jw.overflow);
    size_t open = 0, close = 0;
    for (size_t i = 0; i < jw_out.len; i++) {
        open += jw_out.data[i] == '[';
        close += jw_out.data[i] == ']';
    }
    cr_assert_eq(open, close);
}
