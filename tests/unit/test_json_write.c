/* The JSON writer behind brisk_json_*: commas, escaping, numbers, UTF-8 repair. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
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

/* The escaper reads eight bytes at a time; a byte-at-a-time reference must agree on any
 * mix of plain ASCII, specials, valid and broken UTF-8, at every alignment. */
static size_t ref_utf8(const unsigned char *s, size_t n) {
    if (s[0] >= 0xC2 && s[0] <= 0xDF) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F)) return 0;
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F)) return 0;
        return 4;
    }
    return 0;
}

static void ref_escape(bk_buf *out, const unsigned char *s, size_t n) {
    bk_buf_putc(out, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t k = ref_utf8(s + i, n - i);
            if (k) bk_buf_append(out, s + i, k);
            else bk_buf_lit(out, "\xEF\xBF\xBD");
            i += k ? k : 1;
            continue;
        }
        char tmp[8];
        if (c == '"') bk_buf_lit(out, "\\\"");
        else if (c == '\\') bk_buf_lit(out, "\\\\");
        else if (c == '\n') bk_buf_lit(out, "\\n");
        else if (c == '\r') bk_buf_lit(out, "\\r");
        else if (c == '\t') bk_buf_lit(out, "\\t");
        else if (c == '\b') bk_buf_lit(out, "\\b");
        else if (c == '\f') bk_buf_lit(out, "\\f");
        else if (c < 0x20) bk_buf_append(out, tmp, (size_t)snprintf(tmp, sizeof tmp, "\\u%04x", c));
        else bk_buf_putc(out, (char)c);
        i++;
    }
    bk_buf_putc(out, '"');
}

Test(json_write, escape_agrees_with_a_bytewise_reference) {
    static const char *const pieces[] = {"a", "abcdefgh", "\"", "\\", "\n", "\x01", "\x1f",
                                         " ", "~", "\x7f", "\xC3\xA9", "\xE2\x82\xAC",
                                         "\xF0\x9F\x98\x80", "\x80", "\xC0\xAF", "\xED\xA0\x80",
                                         "\xE2\x82", "\xFF", "0123456789abcdef"};
    srand(12345);
    static unsigned char in[16384];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        /* Mostly short strings; some past 4 KiB, which take the run-copying path. */
        int k = round % 50 ? rand() % 24 : 400 + rand() % 2000;
        for (int p = 0; p < k; p++) {
            const char *piece = pieces[rand() % (int)(sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(piece);
            if (n + pl > sizeof in) break;
            memcpy(in + n, piece, pl);
            n += pl;
        }
        bk_buf got = {0}, want = {0};
        bk_json_escape(&got, (const char *)in, n);
        ref_escape(&want, in, n);
        cr_assert_eq(got.len, want.len, "round %d", round);
        cr_assert(memcmp(got.data, want.data, got.len) == 0, "round %d", round);
        bk_buf_free(&got);
        bk_buf_free(&want);
    }
}
