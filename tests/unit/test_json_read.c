/* The JSON reader and generic values: JSONTestSuite (y_ accepted, n_ refused, i_ as
 * the table below documents), Python's error messages and positions, strings, UTF-8,
 * depth, duplicate keys, integer limits, correctly rounded doubles (against glibc's
 * strtod_l as the oracle and against known hard cases), locale independence, and the
 * round trip through the writer. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <dlfcn.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/json_pull.h"
#include "model/json_read.h"
#include "model/json_write.h"

static bk_arena jr_arena;

static void jr_setup(void) { bk_arena_init(&jr_arena, NULL, 0); }
static void jr_teardown(void) { bk_arena_reset(&jr_arena); }

TestSuite(json_read, .init = jr_setup, .fini = jr_teardown);

/* ---- helpers ---------------------------------------------------------------------- */

static brisk_value *jr_parse_n(const char *s, size_t n, brisk_json_error *err) {
    /* An exact-size heap copy, so ASan catches any read past the end. */
    char *copy = malloc(n ? n : 1);
    cr_assert(copy);
    memcpy(copy, s, n);
    brisk_value *v = bk_json_parse_value(&jr_arena, copy, n, err);
    /* Strings must not point into the input: free it before anyone looks at v. */
    free(copy);
    return v;
}

static brisk_value *jr_parse(const char *s) {
    brisk_json_error err = {0};
    brisk_value *v = jr_parse_n(s, strlen(s), &err);
    cr_assert(v, "%s: refused with %s at %zu", s, err.msg, err.pos);
    return v;
}

static void jr_refused_n(const char *s, size_t n, const char *msg, size_t pos) {
    brisk_json_error err = {0};
    brisk_value *v = jr_parse_n(s, n, &err);
    cr_assert(!v, "%.*s: accepted, want %s at %zu", (int)n, s, msg, pos);
    cr_assert(err.msg && strcmp(err.msg, msg) == 0 && err.pos == pos,
              "%.*s: got '%s' at %zu, want '%s' at %zu", (int)n, s, err.msg, err.pos, msg, pos);
}

static void jr_refused(const char *s, const char *msg, size_t pos) {
    jr_refused_n(s, strlen(s), msg, pos);
}

/* Writes v compactly; the text lives in the arena. */
static const char *jr_dump(const brisk_value *v, size_t *len) {
    bk_buf b = {0};
    brisk_json j;
    bk_json_init(&j, &b);
    brisk_json_value(&j, v);
    char *s = bk_arena_strndup(&jr_arena, b.data ? b.data : "", b.len);
    if (len) *len = b.len;
    bk_buf_free(&b);
    return s;
}

static void jr_dump_is(const char *in, const char *want) {
    const char *got = jr_dump(jr_parse(in), NULL);
    cr_assert_str_eq(got, want, "%s: wrote %s, want %s", in, got, want);
}


static double jr_from_bits(uint64_t b) {
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t jr_rng_state;
static uint64_t jr_rand(void) { /* splitmix64: fixed seed, reproducible */
    uint64_t z = (jr_rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* ---- strtod interposition: proves the reader never calls the locale-dependent one ---- */

/* Calls from this executable's objects (brisk's included) land here; shared libraries
 * keep binding to libc (-fvisibility=hidden). Both forward to glibc's. */
static int jr_strtod_calls, jr_strtod_l_calls;

double strtod(const char *restrict s, char **restrict end) {
    static double (*real)(const char *restrict, char **restrict);
    if (!real) {
        void *f = dlsym(RTLD_NEXT, "strtod");
        memcpy(&real, &f, sizeof f);
    }
    jr_strtod_calls++;
    return real(s, end);
}

double strtod_l(const char *restrict s, char **restrict end, locale_t loc) {
    static double (*real)(const char *restrict, char **restrict, locale_t);
    if (!real) {
        void *f = dlsym(RTLD_NEXT, "strtod_l");
        memcpy(&real, &f, sizeof f);
    }
    jr_strtod_l_calls++;
    return real(s, end, loc);
}

/* The oracle: glibc's correctly rounded conversion in the C locale. */
static double jr_oracle(const char *s) {
    static locale_t c;
    if (!c) c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return strtod_l(s, NULL, c);
}

/* ---- JSONTestSuite ------------------------------------------------------------------ */

/* What brisk does with each implementation-defined case: NULL accepts; otherwise the
 * message and position of the refusal. Changing behaviour means changing this table. */
static const struct {
    const char *file, *msg;
    size_t pos;
} jr_i_cases[] = {
    {"i_number_double_huge_neg_exp.json", NULL, 0},         /* 123.456e-789: 0.0 */
    {"i_number_huge_exp.json", "Number out of range", 1},    /* 0.4e00669999...: inf */
    {"i_number_neg_int_huge_exp.json", "Number out of range", 1},
    {"i_number_pos_double_huge_exp.json", "Number out of range", 1},
    {"i_number_real_neg_overflow.json", "Number out of range", 1},
    {"i_number_real_pos_overflow.json", "Number out of range", 1},
    {"i_number_real_underflow.json", NULL, 0},               /* 123e-10000000: 0.0 */
    {"i_number_too_big_neg_int.json", "Integer out of range", 1},
    {"i_number_too_big_pos_int.json", "Integer out of range", 1},
    {"i_number_very_big_negative_int.json", "Integer out of range", 1},
    {"i_object_key_lone_2nd_surrogate.json", "Invalid surrogate", 2},
    {"i_string_1st_surrogate_but_2nd_missing.json", "Invalid surrogate", 2},
    {"i_string_1st_valid_surrogate_2nd_invalid.json", "Invalid surrogate", 2},
    {"i_string_UTF-16LE_with_BOM.json", "Expecting value", 0},
    {"i_string_UTF-8_invalid_sequence.json", "Invalid UTF-8", 7},
    {"i_string_UTF8_surrogate_U+D800.json", "Invalid UTF-8", 2},
    {"i_string_incomplete_surrogate_and_escape_valid.json", "Invalid surrogate", 2},
    {"i_string_incomplete_surrogate_pair.json", "Invalid surrogate", 2},
    {"i_string_incomplete_surrogates_escape_valid.json", "Invalid surrogate", 2},
    {"i_string_invalid_lonely_surrogate.json", "Invalid surrogate", 2},
    {"i_string_invalid_surrogate.json", "Invalid surrogate", 2},
    {"i_string_invalid_utf-8.json", "Invalid UTF-8", 2},
    {"i_string_inverted_surrogates_U+1D11E.json", "Invalid surrogate", 2},
    {"i_string_iso_latin_1.json", "Invalid UTF-8", 2},
    {"i_string_lone_second_surrogate.json", "Invalid surrogate", 2},
    {"i_string_lone_utf8_continuation_byte.json", "Invalid UTF-8", 2},
    {"i_string_not_in_unicode_range.json", "Invalid UTF-8", 2},
    {"i_string_overlong_sequence_2_bytes.json", "Invalid UTF-8", 2},
    {"i_string_overlong_sequence_6_bytes.json", "Invalid UTF-8", 2},
    {"i_string_overlong_sequence_6_bytes_null.json", "Invalid UTF-8", 2},
    {"i_string_truncated-utf-8.json", "Invalid UTF-8", 2},
    {"i_string_utf16BE_no_BOM.json", "Expecting value", 0},
    {"i_string_utf16LE_no_BOM.json", "Expecting value", 1},
    {"i_structure_500_nested_arrays.json", "Maximum nesting depth exceeded", 128},
    {"i_structure_UTF-8_BOM_empty_object.json", "Expecting value", 0},
};
#define JR_NI (sizeof jr_i_cases / sizeof jr_i_cases[0])

static char *jr_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Skipping must agree with parsing, apart from the range checks only values make. */
static void jr_skip_agrees(const char *name, const char *s, size_t n, bool parsed,
                           const brisk_json_error *err) {
    bk_jreader r;
    bk_jr_init(&r, s, n, &jr_arena);
    bool ok = bk_jr_skip(&r) && bk_jr_finish(&r);
    if (parsed) {
        cr_assert(ok, "%s: parses but skip refuses (%s at %zu)", name, r.err_msg, r.err_pos);
    } else if (strcmp(err->msg, "Integer out of range") != 0 &&
               strcmp(err->msg, "Number out of range") != 0) {
        cr_assert(!ok && strcmp(r.err_msg, err->msg) == 0 && r.err_pos == err->pos,
                  "%s: parse says %s at %zu, skip says %s at %zu", name, err->msg, err->pos,
                  ok ? "ok" : r.err_msg, r.err_pos);
    }
}

Test(json_read, json_test_suite) {
    const char *dir = BRISK_TESTDATA "/JSONTestSuite/test_parsing";
    DIR *d = opendir(dir);
    cr_assert(d, "cannot open %s", dir);
    int ny = 0, nn = 0, ni = 0;
    bool seen_i[JR_NI] = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        size_t n;
        char *s = jr_read_file(path, &n);
        brisk_json_error err = {0};
        brisk_value *v = jr_parse_n(s, n, &err);
        if (!v) cr_assert(err.msg && err.pos <= n, "%s: no error position", name);
        jr_skip_agrees(name, s, n, v != NULL, &err);
        if (name[0] == 'y') {
            ny++;
            cr_assert(v, "%s: refused with %s at %zu", name, err.msg, err.pos);
            bk_jreader r;
            bk_jr_init(&r, s, n, &jr_arena);
            cr_assert(bk_test_pull_matches(&r, v) && bk_jr_finish(&r), "%s: the pull API reads it "
                      "differently (%s at %zu)", name, r.err_msg, r.err_pos);
            /* and the writer's text is read back to the same text */
            size_t l1, l2;
            const char *t1 = jr_dump(v, &l1);
            brisk_value *v2 = jr_parse_n(t1, l1, &err);
            cr_assert(v2, "%s: rewritten as %s, refused with %s", name, t1, err.msg);
            const char *t2 = jr_dump(v2, &l2);
            cr_assert(l1 == l2 && memcmp(t1, t2, l1) == 0, "%s: %s then %s", name, t1, t2);
        } else if (name[0] == 'n') {
            nn++;
            cr_assert(!v, "%s: accepted", name);
        } else if (name[0] == 'i') {
            ni++;
            size_t k = 0;
            while (k < JR_NI && strcmp(jr_i_cases[k].file, name) != 0) k++;
            cr_assert(k < JR_NI, "%s: not in the i_ table (%s at %zu)", name,
                      v ? "accepted" : err.msg, err.pos);
            seen_i[k] = true;
            if (!jr_i_cases[k].msg) {
                cr_assert(v, "%s: refused with %s at %zu", name, err.msg, err.pos);
            } else {
                cr_assert(!v, "%s: accepted, table says %s", name, jr_i_cases[k].msg);
                cr_assert(strcmp(err.msg, jr_i_cases[k].msg) == 0 && err.pos == jr_i_cases[k].pos,
                          "%s: %s at %zu, table says %s at %zu", name, err.msg, err.pos,
                          jr_i_cases[k].msg, jr_i_cases[k].pos);
            }
        } else {
            cr_assert_fail("unexpected file %s", name);
        }
        free(s);
    }
    closedir(d);
    cr_assert_eq(ny, 95);
    cr_assert_eq(nn, 188);
    cr_assert_eq(ni, 35);
    for (size_t k = 0; k < JR_NI; k++) cr_assert(seen_i[k], "%s: missing", jr_i_cases[k].file);
}

/* ---- errors as Python words and places them -------------------------------------- */

Test(json_read, errors_like_python) {
    /* Each checked against /usr/bin/python3 -c 'import json; json.loads(...)' (3.11). */
    jr_refused("{\"a\":}", "Expecting value", 5);
    jr_refused("[1,]", "Expecting value", 3);
    jr_refused("{'a':1}", "Expecting property name enclosed in double quotes", 1);
    jr_refused("[1 2]", "Expecting ',' delimiter", 3);
    jr_refused("{\"a\" 1}", "Expecting ':' delimiter", 5);
    jr_refused("1 2", "Extra data", 2);
    jr_refused("", "Expecting value", 0);
    jr_refused("   ", "Expecting value", 3);
    jr_refused("[", "Expecting value", 1);
    jr_refused("{", "Expecting property name enclosed in double quotes", 1);
    jr_refused("{\"a\":1,}", "Expecting property name enclosed in double quotes", 7);
    jr_refused("{\"a\":1 \"b\":2}", "Expecting ',' delimiter", 7);
    jr_refused("[1}", "Expecting ',' delimiter", 2);
    jr_refused("{\"a\":1]", "Expecting ',' delimiter", 6);
    jr_refused("\"abc", "Unterminated string starting at", 0);
    jr_refused("\"a\\x\"", "Invalid \\escape", 2);
    jr_refused("\"\\u12\"", "Invalid \\uXXXX escape", 2);
    jr_refused("\"\\u12G4\"", "Invalid \\uXXXX escape", 2);
    jr_refused("\"\\u123", "Invalid \\uXXXX escape", 2);
    jr_refused("\"\\u1234", "Invalid \\uXXXX escape", 2);
    jr_refused("\"a\nb\"", "Invalid control character at", 2);
    jr_refused("1.", "Extra data", 1);
    jr_refused("01", "Extra data", 1);
    jr_refused("-", "Expecting value", 0);
    jr_refused("-a", "Expecting value", 0);
    jr_refused("tru", "Expecting value", 0);
    jr_refused("nul", "Expecting value", 0);
    jr_refused("[01]", "Expecting ',' delimiter", 2);
    jr_refused("1e", "Extra data", 1);
    jr_refused("1e+", "Extra data", 1);
    jr_refused("-01", "Extra data", 2);
    jr_refused("[-]", "Expecting value", 1);
    jr_refused(" [1,2", "Expecting ',' delimiter", 5);
    jr_refused("{\"a\":1", "Expecting ',' delimiter", 6);
    jr_refused("{\"a\"", "Expecting ':' delimiter", 4);
    jr_refused("{\"a\":", "Expecting value", 5);
    jr_refused("\"\\", "Unterminated string starting at", 0);
    jr_refused("\"\\u", "Invalid \\uXXXX escape", 2);
    jr_refused("[.1]", "Expecting value", 1);
    jr_refused("1.e5", "Extra data", 1);
    jr_refused("{\"a\":1}x", "Extra data", 7);
    jr_refused("[1]]", "Extra data", 3);
    jr_refused("{,}", "Expecting property name enclosed in double quotes", 1);
    jr_refused("[,1]", "Expecting value", 1);
    jr_refused("[\n  1,\n  x]", "Expecting value", 9);
    /* Python accepts these; brisk does not. */
    jr_refused("NaN", "Expecting value", 0);
    jr_refused("[Infinity]", "Expecting value", 1);
    jr_refused("-Infinity", "Expecting value", 0);
    jr_refused("\xEF\xBB\xBF{}", "Expecting value", 0); /* BOM */
    jr_refused("[1, 1e400]", "Number out of range", 4);
    jr_refused("{\"k\": 99999999999999999999}", "Integer out of range", 6);
    /* Whitespace is only space, tab, newline, carriage return. */
    jr_refused("\f1", "Expecting value", 0);
    jr_refused("[1,\v2]", "Expecting value", 3);
    jr_refused("1\xC2\xA0", "Extra data", 1);
    jr_parse(" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n2 \t\r\n} \t\r\n] \t\r\n");
    /* NUL bytes are not whitespace either */
    jr_refused_n("[1]\0", 4, "Extra data", 3);
    jr_refused_n("[\0]", 3, "Expecting value", 1);
}

/* ---- strings ---------------------------------------------------------------------- */

static void jr_string_is(const char *json, const char *want, size_t want_len) {
    brisk_value *v = jr_parse(json);
    cr_assert_eq(v->type, BRISK_VALUE_STRING);
    cr_assert(v->as.s.len == want_len && memcmp(v->as.s.ptr, want, want_len) == 0,
              "%s: got %zu bytes '%.*s'", json, v->as.s.len, (int)v->as.s.len, v->as.s.ptr);
    cr_assert_eq(v->as.s.ptr[want_len], '\0', "%s: not NUL-terminated", json);
}

Test(json_read, string_escapes) {
    jr_string_is("\"\"", "", 0);
    jr_string_is("\"plain\"", "plain", 5);
    jr_string_is("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
    jr_string_is("\"\\u0041\\u00e9\\u00E9\\u20AC\\uFFFF\"", "A\xC3\xA9\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBF",
                 11);
    jr_string_is("\"\\u0000\"", "\0", 1);
    jr_string_is("\"a\\u0000b\"", "a\0b", 3);
    jr_string_is("\"\\u007f\\u0080\\u07ff\\u0800\"", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80", 8);
    /* surrogate pairs, both cases of hex */
    jr_string_is("\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80", 4);
    jr_string_is("\"\\uD834\\uDD1E\"", "\xF0\x9D\x84\x9E", 4);
    jr_string_is("\"\\ud800\\udc00\"", "\xF0\x90\x80\x80", 4);
    jr_string_is("\"\\udbff\\udfff\"", "\xF4\x8F\xBF\xBF", 4);
    jr_string_is("\"x\\ud83d\\ude00y\\n\"", "x\xF0\x9F\x98\x80y\n", 7);
    /* a long string with escapes at either end, and one crossing 16-byte blocks */
    jr_string_is("\"\\tabcdefghijklmnopqrstuvwxyz0123456789\\t\"",
                 "\tabcdefghijklmnopqrstuvwxyz0123456789\t", 38);
    /* lone or misordered surrogates */
    jr_refused("\"\\ud800\"", "Invalid surrogate", 1);
    jr_refused("\"\\udc00\"", "Invalid surrogate", 1);
    jr_refused("\"\\udfff\"", "Invalid surrogate", 1);
    jr_refused("\"ab\\ud800x\"", "Invalid surrogate", 3);
    jr_refused("\"\\ud800\\n\"", "Invalid surrogate", 1);
    jr_refused("\"\\ud800\\u0041\"", "Invalid surrogate", 1);
    jr_refused("\"\\ud800\\ud800\"", "Invalid surrogate", 1);
    jr_refused("\"\\ude00\\ud83d\"", "Invalid surrogate", 1);
    jr_refused("\"\\ud800\\uzzzz\"", "Invalid \\uXXXX escape", 8);
    jr_refused("{\"\\udc00\":1}", "Invalid surrogate", 2);
    /* invalid escapes */
    jr_refused("\"\\x41\"", "Invalid \\escape", 1);
    jr_refused("\"\\U0041\"", "Invalid \\escape", 1);
    jr_refused("\"\\'\"", "Invalid \\escape", 1);
    jr_refused("\"\\a\"", "Invalid \\escape", 1);
    jr_refused("\"\\0\"", "Invalid \\escape", 1);
    jr_refused("\"\\u00g0\"", "Invalid \\uXXXX escape", 2);
    jr_refused("\"\\u-123\"", "Invalid \\uXXXX escape", 2);
    /* raw controls; DEL is allowed */
    jr_refused("\"\t\"", "Invalid control character at", 1);
    jr_refused_n("\"a\0\"", 4, "Invalid control character at", 2);
    jr_refused("\"\x1f\"", "Invalid control character at", 1);
    jr_string_is("\"\x7f\"", "\x7f", 1);
    jr_refused("\"abc\\\"", "Unterminated string starting at", 0);
    jr_refused("[\"abc", "Unterminated string starting at", 1);
}

Test(json_read, string_special_bytes_at_every_offset) {
    /* The scanner works in 16- or 8-byte blocks: put each kind of special byte at
     * every position of strings up to 70 bytes long. */
    char buf[128], want[128];
    for (size_t len = 0; len < 70; len++) {
        for (size_t k = 0; k <= len; k++) {
            for (int kind = 0; kind < 5; kind++) {
                size_t n = 0;
                buf[n++] = '"';
                for (size_t i = 0; i < len; i++) buf[n++] = (char)('a' + i % 26);
                memcpy(want, buf + 1, len);
                if (k == len) {
                    buf[n++] = '"';
                    jr_string_is(bk_arena_strndup(&jr_arena, buf, n), want, len);
                    break;
                }
                switch (kind) {
                case 0: /* a quote early: extra data after it, unless it is the last byte */
                    buf[1 + k] = '"';
                    if (k + 2 == n) jr_parse(bk_arena_strndup(&jr_arena, buf, n));
                    else jr_refused_n(buf, n, "Extra data", k + 2);
                    break;
                case 1: buf[1 + k] = '\n'; jr_refused_n(buf, n, "Invalid control character at", 1 + k); break;
                case 2: buf[1 + k] = (char)0xFF; jr_refused_n(buf, n, "Invalid UTF-8", 1 + k); break;
                case 3: {
                    buf[1 + k] = '\\';
                    buf[n++] = '"';
                    /* an escape of the next letter: mostly invalid, "b", "f", "n", "r", "t" ok */
                    char next = k + 1 < len ? buf[2 + k] : '"';
                    if (next == '"') {
                        jr_refused_n(buf, n, "Unterminated string starting at", 0);
                    } else if (next == 'u') {
                        jr_refused_n(buf, n, "Invalid \\uXXXX escape", 2 + k);
                    } else if (strchr("bfnrt", next)) {
                        jr_parse(bk_arena_strndup(&jr_arena, buf, n));
                    } else {
                        jr_refused_n(buf, n, "Invalid \\escape", 1 + k);
                    }
                    break;
                }
                case 4: { /* a 2-byte character replacing two letters */
                    if (k + 1 >= len) break;
                    buf[1 + k] = (char)0xC3;
                    buf[2 + k] = (char)0xA9;
                    buf[n++] = '"';
                    brisk_value *v = jr_parse(bk_arena_strndup(&jr_arena, buf, n));
                    cr_assert(v->as.s.len == len && memcmp(v->as.s.ptr, buf + 1, len) == 0);
                    break;
                }
                }
            }
        }
    }
}

Test(json_read, utf8_validation) {
    /* boundaries of each length */
    jr_string_is("\"\xC2\x80\xDF\xBF\"", "\xC2\x80\xDF\xBF", 4);
    jr_string_is("\"\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\"",
                 "\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF", 12);
    jr_string_is("\"\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"", "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF", 8);
    jr_string_is("\"Gr\xC3\xBC\xC3\x9F \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8C\x8D\"",
                 "Gr\xC3\xBC\xC3\x9F \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8C\x8D", 18);
    static const char *bad[] = {
        "\x80",             /* lone continuation */
        "\xBF",
        "\xC0\x80",         /* overlong NUL */
        "\xC1\xBF",         /* overlong */
        "\xE0\x80\x80",     /* overlong */
        "\xE0\x9F\xBF",     /* overlong */
        "\xF0\x80\x80\x80", /* overlong */
        "\xF0\x8F\xBF\xBF", /* overlong */
        "\xED\xA0\x80",     /* U+D800 in UTF-8 */
        "\xED\xBF\xBF",     /* U+DFFF */
        "\xF4\x90\x80\x80", /* U+110000 */
        "\xF5\x80\x80\x80",
        "\xF8\x88\x80\x80\x80",
        "\xFE",
        "\xFF",
        "\xC3",             /* truncated by the quote */
        "\xE2\x82",
        "\xF0\x9F\x98",
        "\xC3\x28",         /* bad continuation */
        "\xE2\x28\xA1",
        "\xE2\x82\x28",
        "\xF0\x28\x8C\xBC",
        "\xF0\x90\x28\xBC",
        "\xF0\x90\x8C\x28",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "[\"ab%s\"]", bad[i]);
        jr_refused_n(buf, (size_t)n, "Invalid UTF-8", 4);
        /* and at the very end of the input */
        n = snprintf(buf, sizeof buf, "\"%s", bad[i]);
        jr_refused_n(buf, (size_t)n, "Invalid UTF-8", 1);
    }
    /* outside strings a non-ASCII byte is just not JSON */
    jr_refused("\xC3\xA9", "Expecting value", 0);
    jr_refused("[1,\xC3\xA9]", "Expecting value", 3);
}

/* ---- depth ------------------------------------------------------------------------ */

static char *jr_nested(size_t depth, const char *open, const char *inner, const char *close) {
    size_t lo = strlen(open), li = strlen(inner), lc = strlen(close);
    char *s = malloc(depth * (lo + lc) + li + 1), *p = s;
    for (size_t i = 0; i < depth; i++) memcpy(p, open, lo), p += lo;
    memcpy(p, inner, li), p += li;
    for (size_t i = 0; i < depth; i++) memcpy(p, close, lc), p += lc;
    *p = '\0';
    return s;
}

Test(json_read, depth_limit) {
    cr_assert_eq(BRISK_JSON_MAX_DEPTH, 128);
    char *s = jr_nested(128, "[", "1", "]");
    brisk_value *v = jr_parse(s);
    for (int i = 0; i < 128; i++) {
        cr_assert_eq(v->type, BRISK_VALUE_ARRAY);
        cr_assert_eq(v->as.arr.len, 1);
        v = v->as.arr.items[0];
    }
    cr_assert_eq(v->type, BRISK_VALUE_INT);
    /* the writer takes all of it back */
    cr_assert_str_eq(jr_dump(jr_parse(s), NULL), s);
    free(s);

    s = jr_nested(129, "[", "1", "]");
    jr_refused(s, "Maximum nesting depth exceeded", 128);
    free(s);

    s = jr_nested(128, "{\"a\":", "{}", "}");
    jr_refused(s, "Maximum nesting depth exceeded", 128 * 5);
    free(s);
    s = jr_nested(127, "{\"a\":", "{}", "}");
    jr_parse(s);
    free(s);
    s = jr_nested(63, "[{\"k\":", "[{}]", "}]"); /* 2 * 63 + 2 levels */
    jr_parse(s);
    free(s);
    s = jr_nested(64, "[{\"k\":", "[]", "}]"); /* 2 * 64 + 1 */
    jr_refused(s, "Maximum nesting depth exceeded", 64 * 6);
    free(s);

    /* deep input must not recurse: 100000 '[' */
    size_t n = 100000;
    s = malloc(n);
    memset(s, '[', n);
    jr_refused_n(s, n, "Maximum nesting depth exceeded", 128);
    bk_jreader r;
    bk_jr_init(&r, s, n, &jr_arena);
    cr_assert(!bk_jr_skip(&r));
    cr_assert_str_eq(r.err_msg, "Maximum nesting depth exceeded");
    cr_assert_eq(r.err_pos, 128);
    free(s);

    /* depth is that of the whole document: a value read inside a container has less room */
    s = jr_nested(128, "[", "", "]");
    bk_jr_init(&r, s, strlen(s), &jr_arena);
    cr_assert(bk_jr_arr_begin(&r) && bk_jr_arr_next(&r));
    cr_assert(bk_jr_value(&r));
    cr_assert(!bk_jr_arr_next(&r) && !r.failed && bk_jr_finish(&r));
    free(s);
}

/* ---- objects ---------------------------------------------------------------------- */

Test(json_read, duplicate_keys_last_wins) {
    brisk_value *v = jr_parse("{\"a\":1,\"b\":2,\"a\":3}");
    cr_assert_eq(v->type, BRISK_VALUE_OBJECT);
    cr_assert_eq(v->as.obj.len, 2);
    cr_assert_str_eq(v->as.obj.items[0].key.ptr, "a"); /* first place, last value */
    cr_assert_eq(v->as.obj.items[0].value->as.i, 3);
    cr_assert_str_eq(v->as.obj.items[1].key.ptr, "b");
    cr_assert_eq(brisk_value_get(v, "a")->as.i, 3);
    cr_assert_eq(brisk_value_get(v, "b")->as.i, 2);
    cr_assert_null(brisk_value_get(v, "c"));
    cr_assert_null(brisk_value_get(v, ""));
    cr_assert_null(brisk_value_get(NULL, "a"));
    cr_assert_null(brisk_value_get(jr_parse("[1]"), "a"));
    jr_dump_is("{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}");
    jr_dump_is("{\"a\":[1],\"a\":{\"x\":1},\"a\":null}", "{\"a\":null}");
    /* escapes are compared after unescaping; the empty key is a key */
    jr_dump_is("{\"\\u0061\":1,\"a\":2,\"\":3,\"\":4}", "{\"a\":2,\"\":4}");
    cr_assert_eq(brisk_value_get(jr_parse("{\"\":5}"), "")->as.i, 5);
    /* keys with U+0000 differ from their prefix */
    v = jr_parse("{\"a\\u0000b\":1,\"a\":2}");
    cr_assert_eq(v->as.obj.len, 2);
    cr_assert_eq(brisk_value_get(v, "a")->as.i, 2);

    /* many keys (the hashed path), every one repeated, in order of first appearance */
    bk_buf in = {0}, want = {0};
    bk_buf_lit(&in, "{");
    bk_buf_lit(&want, "{");
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 500; i++) {
            char tmp[64];
            int n = snprintf(tmp, sizeof tmp, "%s\"k%d\":%d", round || i ? "," : "", i, round * 1000 + i);
            bk_buf_append(&in, tmp, (size_t)n);
            if (round == 2) {
                n = snprintf(tmp, sizeof tmp, "%s\"k%d\":%d", i ? "," : "", i, 2000 + i);
                bk_buf_append(&want, tmp, (size_t)n);
            }
        }
    }
    bk_buf_lit(&in, "}");
    bk_buf_lit(&want, "}");
    brisk_json_error err;
    v = jr_parse_n(in.data, in.len, &err);
    cr_assert(v);
    cr_assert_eq(v->as.obj.len, 500);
    size_t len;
    const char *out = jr_dump(v, &len);
    cr_assert(len == want.len && memcmp(out, want.data, len) == 0);
    cr_assert_eq(brisk_value_get(v, "k499")->as.i, 2499);
    bk_buf_free(&in);
    bk_buf_free(&want);
}

Test(json_read, values_and_writer) {
    brisk_value *v = jr_parse(" {\"s\":\"x\",\"i\":-12,\"d\":1.5,\"t\":true,\"f\":false,"
                              "\"n\":null,\"a\":[],\"o\":{},\"e\":[[],{}]} ");
    cr_assert_eq(v->as.obj.len, 9);
    cr_assert_eq(brisk_value_get(v, "s")->type, BRISK_VALUE_STRING);
    cr_assert_eq(brisk_value_get(v, "i")->type, BRISK_VALUE_INT);
    cr_assert_eq(brisk_value_get(v, "i")->as.i, -12);
    cr_assert_eq(brisk_value_get(v, "d")->type, BRISK_VALUE_DOUBLE);
    cr_assert_eq(brisk_value_get(v, "t")->type, BRISK_VALUE_BOOL);
    cr_assert(brisk_value_get(v, "t")->as.b);
    cr_assert(!brisk_value_get(v, "f")->as.b);
    cr_assert_eq(brisk_value_get(v, "n")->type, BRISK_VALUE_NULL);
    cr_assert_eq(brisk_value_get(v, "a")->as.arr.len, 0);
    cr_assert_eq(brisk_value_get(v, "o")->as.obj.len, 0);
    cr_assert_str_eq(jr_dump(v, NULL), "{\"s\":\"x\",\"i\":-12,\"d\":1.5,\"t\":true,\"f\":false,"
                                       "\"n\":null,\"a\":[],\"o\":{},\"e\":[[],{}]}");
    jr_dump_is("\"\\u00e9\\u0000\\n\\\"\"", "\"\xC3\xA9\\u0000\\n\\\"\"");
    /* Doubles as Python's repr writes them, so each reads back as a double (1.0 stays 1.0;
     * the integer -0 is 0). */
    jr_dump_is("[1.0, -0, -0.0, 0.0, 1e2, 1E-7, 12.50]", "[1.0,0,-0.0,0.0,100.0,1e-07,12.5]");
    /* doubles whose plain text would read as integers past int64 */
    jr_dump_is("[1e19, -1e19, 123456789012345678901234567890e-10, 9223372036854775808.0]",
               "[1e+19,-1e+19,1.2345678901234567e+19,9.223372036854776e+18]");
    jr_dump_is("[-9223372036854775808.0, 9223372036854774784.0, 1e20, 1e21]",
               "[-9.223372036854776e+18,9.223372036854775e+18,1e+20,1e+21]");

    /* hand-built values: NULL items, and nesting deeper than the writer allows */
    brisk_value leaf = {.type = BRISK_VALUE_INT, .as.i = 7};
    brisk_value *items[2] = {NULL, &leaf};
    brisk_value arr = {.type = BRISK_VALUE_ARRAY, .as.arr = {items, 2}};
    cr_assert_str_eq(jr_dump(&arr, NULL), "[null,7]");
    brisk_value deep[200];
    brisk_value *deep_items[200];
    for (int i = 0; i < 200; i++) {
        deep_items[i] = i + 1 < 200 ? &deep[i + 1] : &leaf;
        deep[i] = (brisk_value){.type = BRISK_VALUE_ARRAY, .as.arr = {&deep_items[i], 1}};
    }
    bk_buf b = {0};
    brisk_json j;
    bk_json_init(&j, &b);
    brisk_json_value(&j, &deep[0]);
    cr_assert(j.overflow);
    cr_assert_eq(b.len, 128 * 2 + 4);
    cr_assert(memcmp(b.data + 128, "null", 4) == 0);
    bk_buf_free(&b);
}

/* ---- numbers ---------------------------------------------------------------------- */

static bk_jnum jr_num(const char *s) {
    bk_jnum n;
    memset(&n, 0xAB, sizeof n);
    cr_assert(bk_json_number_parse(s, strlen(s), &n), "%s: not a number", s);
    cr_assert(n.text == s && n.len == strlen(s));
    return n;
}

Test(json_read, int64_boundaries) {
    bk_jnum n = jr_num("9223372036854775807");
    cr_assert(n.is_int && !n.int_overflow && n.i == INT64_MAX);
    n = jr_num("-9223372036854775808");
    cr_assert(n.is_int && !n.int_overflow && n.i == INT64_MIN);
    cr_assert_eq(n.d, -9223372036854775808.0);
    n = jr_num("9223372036854775808");
    cr_assert(!n.is_int && n.int_overflow && n.d == 9223372036854775808.0);
    n = jr_num("-9223372036854775809");
    cr_assert(!n.is_int && n.int_overflow && n.d == -9223372036854775808.0);
    n = jr_num("18446744073709551616");
    cr_assert(!n.is_int && n.int_overflow && n.d == 18446744073709551616.0);
    n = jr_num("100000000000000000000000000000");
    cr_assert(n.int_overflow && n.d == 1e29);
    n = jr_num("0");
    cr_assert(n.is_int && n.i == 0 && bk_test_bits(n.d) == 0);
    n = jr_num("-0");
    cr_assert(n.is_int && n.i == 0 && signbit(n.d));
    n = jr_num("1234567890123456789");
    cr_assert(n.is_int && n.i == 1234567890123456789);
    n = jr_num("999999999999999999");
    cr_assert(n.is_int && n.i == 999999999999999999);
    n = jr_num("9007199254740993"); /* exact as an int, rounded as a double */
    cr_assert(n.is_int && n.i == 9007199254740993 && n.d == 9007199254740992.0);
    n = jr_num("1.0");
    cr_assert(!n.is_int && !n.int_overflow && n.d == 1.0);
    n = jr_num("1e2");
    cr_assert(!n.is_int && !n.int_overflow && n.d == 100.0);
    n = jr_num("99999999999999999999e-5");
    cr_assert(!n.is_int && !n.int_overflow);

    brisk_value *v = jr_parse("[9223372036854775807,-9223372036854775808]");
    cr_assert_eq(v->as.arr.items[0]->type, BRISK_VALUE_INT);
    cr_assert_eq(v->as.arr.items[0]->as.i, INT64_MAX);
    cr_assert_eq(v->as.arr.items[1]->as.i, INT64_MIN);
    jr_refused("9223372036854775808", "Integer out of range", 0);
    jr_refused("[-9223372036854775809]", "Integer out of range", 1);
    jr_refused("{\"a\": 123456789012345678901234567890}", "Integer out of range", 6);
    /* as doubles they are fine */
    cr_assert_eq(jr_parse("9223372036854775808.0")->type, BRISK_VALUE_DOUBLE);
    cr_assert_eq(jr_parse("9223372036854775808e0")->as.d, 9223372036854775808.0);
}

Test(json_read, number_syntax) {
    static const char *good[] = {"0", "-0", "1", "-1", "10", "0.5", "-0.5", "0e0", "0E+1",
                                 "1e-1", "1.25e+10", "123.456e-789", "1E400", "0.000001"};
    static const char *bad[] = {"", "-", "+1", "01", "-01", "1.", ".5", "1e", "1e+", "1.e5",
                                " 1", "1 ", "0x10", "1_000", "NaN", "Infinity", "--1",
                                "1.5.5", "1e5e5", "1ee5", "\xC2\xB9"};
    bk_jnum n;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        cr_assert(bk_json_number_parse(good[i], strlen(good[i]), &n), "%s refused", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert(!bk_json_number_parse(bad[i], strlen(bad[i]), &n), "%s accepted", bad[i]);
        cr_assert(isnan(bk_json_strtod(bad[i], strlen(bad[i]))));
    }
    cr_assert(!bk_json_number_parse(NULL, 0, &n));
    /* the literal as written */
    bk_jreader r;
    const char *doc = "[ -12.5e3 ,7]";
    bk_jr_init(&r, doc, strlen(doc), &jr_arena);
    cr_assert(bk_jr_arr_begin(&r) && bk_jr_arr_next(&r));
    cr_assert_eq(bk_jr_peek(&r), BK_JT_NUMBER);
    cr_assert_eq(bk_jr_offset(&r), 2);
    cr_assert(bk_jr_number(&r, &n));
    cr_assert(n.text == doc + 2 && n.len == 7 && n.d == -12500.0 && !n.is_int);
    /* huge exponents saturate without overflow */
    cr_assert_eq(bk_json_strtod("1e99999999999999999999", 22), HUGE_VAL);
    cr_assert_eq(bk_json_strtod("1e-99999999999999999999", 23), 0.0);
    cr_assert_eq(bk_json_strtod("-1e-99999999999999999999", 24), 0.0);
    cr_assert(signbit(bk_json_strtod("-1e-99999999999999999999", 24)));
    cr_assert_eq(bk_json_strtod("0e99999999999", 13), 0.0);
}

Test(json_read, doubles_hard_cases) {
    static const struct {
        const char *s;
        double want;
    } cases[] = {
        {"2.2250738585072011e-308", 0x0.fffffffffffffp-1022},
        {"2.2250738585072012e-308", 0x1p-1022},
        {"2.2250738585072014e-308", 0x1p-1022},
        {"2.2250738585072009e-308", 0x0.fffffffffffffp-1022},
        {"1e23", 0x1.52d02c7e14af6p+76},
        {"8.98846567431158e307", 0x1p+1023},
        {"9007199254740993", 0x1p+53},
        {"9007199254740993.0", 0x1p+53},
        {"9007199254740992.5", 0x1p+53},
        {"9007199254740993.0000000000000000001", 0x1.0000000000001p+53},
        {"9007199254740995", 0x1.0000000000002p+53},
        {"0.1", 0x1.999999999999ap-4},
        {"0.3", 0x1.3333333333333p-2},
        {"1.7976931348623157e308", 0x1.fffffffffffffp+1023},
        {"1.7976931348623158e308", 0x1.fffffffffffffp+1023},
        {"4.9406564584124654e-324", 0x0.0000000000001p-1022},
        {"5e-324", 0x0.0000000000001p-1022},
        {"2.4703282292062328e-324", 0x0.0000000000001p-1022},
        {"2.4703282292062327e-324", 0.0},
        {"7.2057594037927933e16", 0x1p+56},
        {"123456789012345678901234567890.0", 0x1.8ee90ff6c373ep+96},
        {"0.000000000000000000000000000000000000000000001", 0x1.6d601ad376ab9p-150},
        {"1.00000000000000011102230246251565404236316680908203125", 1.0},
        {"1.00000000000000011102230246251565404236316680908203124", 1.0},
        {"1.00000000000000011102230246251565404236316680908203126", 0x1.0000000000001p+0},
        {"3.4028234663852886e38", 0x1.fffffe0000000p+127},
        {"1.7976931348623157e-308", 0x0.ced42ec885d9dp-1022},
        {"4.4501477170144023e-308", 0x1.fffffffffffffp-1022},
        {"6.631236846766476e-316", 0x0.0000008000000p-1022},
        {"3.2378839133029012e-319", 0x0.000000000ffffp-1022},
        {"1e-307", 0x1.1fa182c40c60dp-1020},
        {"69e+267", 0x1.0b7cb60c994dap+893},
        {"999999999999999999999999999e-20", 0x1.312d000000000p+23},
        {"5708990770823839524233143877797980545530986496.0", 0x1p+152},
        {"1448997445238699.0", 0x1.4976c0803feacp+50},
        {"1.448997445238699e-316", 0x0.0000001bf82a3p-1022},
        {"2.0e-323", 0x0.0000000000004p-1022},
        {"1e22", 0x1.0f0cf064dd592p+73},
        {"1e-22", 0x1.e392010175ee6p-74},
        {"1234567890123456e-300", 0x1.77fa039983125p-947},
        {"0.0000001", 0x1.ad7f29abcaf48p-24},
        {"-0.0", -0.0},
        {"0.0e-99999", 0.0},
        {"1e-400", 0.0},
        {"1e400", HUGE_VAL},
        {"-1e400", -HUGE_VAL},
        {"1.7976931348623159e308", HUGE_VAL},
        {"0.1e-342", 0.0},
        {"0.1e310", HUGE_VAL},
        {"1.5e308", 1.5e308},
        {"2.2250738585072e-308", 2.2250738585072e-308},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double d = bk_json_strtod(cases[i].s, strlen(cases[i].s));
        cr_assert(bk_test_bits(d) == bk_test_bits(cases[i].want), "%s: got %a, want %a", cases[i].s, d,
                  cases[i].want);
        cr_assert(bk_test_bits(d) == bk_test_bits(jr_oracle(cases[i].s)), "%s: oracle disagrees", cases[i].s);
    }
    /* The exact halfway point between 2^-1074 and 0 (ties to even: 0), and one digit more. */
    char half[1200];
    int n = snprintf(half, sizeof half, "%.760Le", 0x1p-1075L); /* all ~750 digits */
    cr_assert(n > 700 && strcmp(half + n - 5, "e-324") == 0);
    cr_assert_eq(bk_json_strtod(half, (size_t)n), 0.0);
    cr_assert_eq(half[n - 6], '0');
    half[n - 6] = '1'; /* a hair above halfway: the smallest subnormal */
    cr_assert_eq(bk_json_strtod(half, (size_t)n), 0x1p-1074);
    cr_assert(bk_test_bits(bk_json_strtod(half, (size_t)n)) == bk_test_bits(jr_oracle(half)));
    /* Long digit strings: 2000 digits of 1/3 scaled, zeros galore, a sticky last digit. */
    bk_buf b = {0};
    bk_buf_lit(&b, "0.");
    for (int i = 0; i < 2000; i++) bk_buf_putc(&b, '3');
    bk_buf_putc(&b, '\0');
    cr_assert_eq(bk_json_strtod(b.data, b.len - 1), 1.0 / 3);
    b.len = 0;
    bk_buf_lit(&b, "1");
    for (int i = 0; i < 1500; i++) bk_buf_putc(&b, '0');
    bk_buf_lit(&b, "e-1500");
    bk_buf_putc(&b, '\0');
    cr_assert_eq(bk_json_strtod(b.data, b.len - 1), 1.0);
    b.len = 0;
    /* 1 + 2^-53 (halfway 1 .. 1+ulp, ties to even: 1), then pushed up at digit 1200 */
    bk_buf_lit(&b, "1.00000000000000011102230246251565404236316680908203125");
    for (int i = 0; i < 1200; i++) bk_buf_putc(&b, '0');
    bk_buf_putc(&b, '\0');
    cr_assert_eq(bk_json_strtod(b.data, b.len - 1), 1.0);
    b.data[b.len - 1] = '1';
    bk_buf_putc(&b, '\0');
    cr_assert_eq(bk_json_strtod(b.data, b.len - 1), 0x1.0000000000001p+0);
    bk_buf_free(&b);
}

/* Random decimal text in the shapes JSON carries, each checked against the oracle. */
Test(json_read, doubles_match_oracle) {
    jr_rng_state = 42;
    char buf[1100];
    for (int iter = 0; iter < 400000; iter++) {
        uint64_t r = jr_rand();
        size_t n = 0;
        if (r & 1) buf[n++] = '-';
        int shape = (int)(r >> 1 & 7);
        if (shape <= 4) {
            /* 1..25 digits (sometimes up to 800), a point somewhere, an exponent */
            int nd = (r >> 4 & 3) == 0 ? 1 + (int)(jr_rand() % 800) : 1 + (int)(jr_rand() % 25);
            int point = (int)(jr_rand() % (unsigned)(nd + 1));
            buf[n++] = (char)('1' + jr_rand() % 9);
            for (int i = 1; i < nd; i++) {
                if (i == point) buf[n++] = '.';
                uint64_t z = jr_rand();
                buf[n++] = (char)('0' + ((z >> 8 & 3) == 0 ? 0 : z % 10)); /* zero-rich */
            }
            int e = (int)(jr_rand() % 700) - 360;
            n += (size_t)snprintf(buf + n, 16, "e%d", e);
        } else if (shape == 5) {
            /* an exact double printed with all its digits (read back exactly) */
            double d = jr_from_bits(jr_rand() & 0x7FFFFFFFFFFFFFFFu);
            if (!isfinite(d)) continue;
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%.*e", (int)(jr_rand() % 60), d);
        } else {
            /* the halfway point between two doubles, exact or cut short (just below) */
            double d = jr_from_bits(jr_rand() & 0x7FEFFFFFFFFFFFFFu);
            if (!isfinite(nextafter(d, INFINITY))) continue;
            long double mid = (long double)d + ((long double)nextafter(d, INFINITY) - d) / 2;
            int prec = shape == 6 ? 770 : 17 + (int)(jr_rand() % 30);
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%.*Le", prec, mid);
        }
        buf[n] = '\0';
        double got = bk_json_strtod(buf, n), want = jr_oracle(buf);
        cr_assert(bk_test_bits(got) == bk_test_bits(want), "%s: got %a, want %a", buf, got, want);
    }
}

Test(json_read, doubles_round_trip_random_bits) {
    jr_rng_state = 7;
    char buf[32];
    int checked = 0;
    for (int i = 0; i < 1000000; i++) {
        uint64_t bits = jr_rand();
        double d = jr_from_bits(bits);
        if (!isfinite(d)) continue;
        size_t n = bk_json_fmt_double(buf, d);
        double back = bk_json_strtod(buf, n);
        cr_assert(bk_test_bits(back) == bits, "%016llx printed %.*s read %a",
                  (unsigned long long)bits, (int)n, buf, back);
        checked++;
    }
    cr_assert_gt(checked, 990000);
}

Test(json_read, locale_independent) {
    /* A locale whose decimal point is ',' if one is installed; otherwise the check below
     * (strtod is never called, only strtod_l) is what guards this. */
    static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8",
                                  "fr_FR.utf8", "ru_RU.UTF-8", "nl_NL.UTF-8", "it_IT.UTF-8",
                                  "es_ES.UTF-8", "pt_BR.UTF-8"};
    const char *used = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !used; i++) {
        if (setlocale(LC_ALL, names[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            used = names[i];
    }
    if (used) {
        cr_log_info("locale_independent: running under %s", used);
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.1f", 1.5);
        cr_assert_str_eq(tmp, "1,5"); /* the locale really is in effect */
    } else {
        cr_log_info("locale_independent: no ',' locale installed; checking strtod use only");
    }
    jr_strtod_calls = jr_strtod_l_calls = 0;
    static const struct {
        const char *s;
        double want;
    } cases[] = {
        {"1.5", 1.5},
        {"0.1", 0.1},
        {"-2.5e-3", -2.5e-3},
        {"3.141592653589793", 3.141592653589793},
        {"9007199254740993.0", 9007199254740992.0},              /* tie: slow path */
        {"2.4703282292062328e-324", 0x0.0000000000001p-1022},   /* slow path */
        {"1.00000000000000011102230246251565404236316680908203125", 1.0},
        {"123456.789e3", 123456789.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double d = bk_json_strtod(cases[i].s, strlen(cases[i].s));
        cr_assert(bk_test_bits(d) == bk_test_bits(cases[i].want), "%s: got %a", cases[i].s, d);
    }
    brisk_value *v = jr_parse("{\"x\":[1.5,0.25,1e-3]}");
    cr_assert_eq(brisk_value_get(v, "x")->as.arr.items[0]->as.d, 1.5);
    cr_assert_eq(brisk_value_get(v, "x")->as.arr.items[1]->as.d, 0.25);
    cr_assert_str_eq(jr_dump(v, NULL), "{\"x\":[1.5,0.25,0.001]}");
    cr_assert_eq(jr_strtod_calls, 0, "bk_json_strtod called strtod");
    cr_assert_gt(jr_strtod_l_calls, 0, "the slow path was not exercised");
    setlocale(LC_ALL, "C");
}

/* ---- the pull API ----------------------------------------------------------------- */

Test(json_read, pull_api_walk) {
    const char *doc = " {\"name\": \"Widget\", \"tags\": [\"a\", \"b\\n\"], \"price\": 9.5,"
                      " \"skip\": {\"x\": [1, {\"y\": null}], \"z\": \"\\u00e9\"}, \"ok\": true} ";
    bk_jreader r;
    bk_jr_init(&r, doc, strlen(doc), &jr_arena);
    cr_assert_eq(bk_jr_peek(&r), BK_JT_OBJECT);
    cr_assert_eq(bk_jr_offset(&r), 1);
    cr_assert(bk_jr_obj_begin(&r));
    cr_assert_eq(r.depth, 1);
    brisk_str key, s;
    bk_jnum num;
    int seen = 0;
    while (bk_jr_obj_next(&r, &key)) {
        cr_assert_eq(key.ptr[key.len], '\0');
        if (brisk_str_eq(key, "name")) {
            cr_assert_eq(bk_jr_peek(&r), BK_JT_STRING);
            cr_assert(bk_jr_string(&r, &s));
            cr_assert(brisk_str_eq(s, "Widget") && s.ptr[s.len] == '\0');
        } else if (brisk_str_eq(key, "tags")) {
            cr_assert(bk_jr_arr_begin(&r));
            int n = 0;
            while (bk_jr_arr_next(&r)) {
                cr_assert(bk_jr_string(&r, &s));
                cr_assert(brisk_str_eq(s, n == 0 ? "a" : "b\n"));
                n++;
            }
            cr_assert(!r.failed && n == 2);
        } else if (brisk_str_eq(key, "price")) {
            cr_assert(bk_jr_number(&r, &num) && num.d == 9.5);
        } else if (brisk_str_eq(key, "skip")) {
            cr_assert(bk_jr_skip(&r));
        } else if (brisk_str_eq(key, "ok")) {
            cr_assert_eq(bk_jr_peek(&r), BK_JT_TRUE);
            cr_assert(bk_jr_literal(&r));
        }
        seen++;
    }
    cr_assert(!r.failed);
    cr_assert_eq(seen, 5);
    cr_assert_eq(r.depth, 0);
    cr_assert(bk_jr_finish(&r));

    /* errors stick: later calls fail and the first error is kept */
    const char *bad = "[1, tru, 3]";
    bk_jr_init(&r, bad, strlen(bad), &jr_arena);
    cr_assert(bk_jr_arr_begin(&r) && bk_jr_arr_next(&r) && bk_jr_number(&r, &num));
    cr_assert(bk_jr_arr_next(&r));
    cr_assert_eq(bk_jr_peek(&r), BK_JT_TRUE);
    cr_assert(!bk_jr_literal(&r));
    cr_assert(r.failed && r.err_pos == 4 && strcmp(r.err_msg, "Expecting value") == 0);
    cr_assert_eq(bk_jr_peek(&r), BK_JT_ERROR);
    cr_assert(!bk_jr_arr_next(&r) && !bk_jr_number(&r, &num) && !bk_jr_string(&r, &s));
    cr_assert(!bk_jr_skip(&r) && !bk_jr_finish(&r) && !bk_jr_value(&r));
    cr_assert(!bk_jr_obj_begin(&r) && !bk_jr_obj_next(&r, &key));
    cr_assert_eq(bk_jr_offset(&r), 4);
    cr_assert_str_eq(r.err_msg, "Expecting value");

    /* reading the wrong type is an error at the value */
    bk_jr_init(&r, " 12", 3, &jr_arena);
    cr_assert(!bk_jr_string(&r, &s) && r.err_pos == 1);
    bk_jr_init(&r, "\"x\"", 3, &jr_arena);
    cr_assert(!bk_jr_number(&r, &num) && r.err_pos == 0);
    bk_jr_init(&r, "[]", 2, &jr_arena);
    cr_assert(!bk_jr_obj_begin(&r) && strcmp(r.err_msg, "Expecting value") == 0);

    /* a NULL text is the empty text */
    bk_jr_init(&r, NULL, 0, &jr_arena);
    cr_assert_eq(bk_jr_peek(&r), BK_JT_ERROR);
    cr_assert(r.err_pos == 0 && strcmp(r.err_msg, "Expecting value") == 0);
    brisk_json_error err;
    cr_assert_null(bk_json_parse_value(&jr_arena, NULL, 0, &err));
    cr_assert_null(bk_json_parse_value(&jr_arena, "[", 1, NULL));
    cr_assert_not_null(bk_json_parse_value(&jr_arena, "[]", 2, &err));
    cr_assert_null(err.msg);
}

Test(json_read, skip_is_as_strict_as_reading) {
    static const char *docs[] = {"[1,]", "{\"a\":1,}", "[\"\\ud800\"]", "[\"\xC0\x80\"]",
                                 "{\"a\" 1}", "[01]", "[1 2]", "{\"a\":tru}", "[\"\t\"]"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        brisk_json_error err;
        cr_assert_null(jr_parse_n(docs[i], strlen(docs[i]), &err));
        jr_skip_agrees(docs[i], docs[i], strlen(docs[i]), false, &err);
    }
    /* skipping allocates nothing */
    const char *doc = "{\"k\\n\":[\"a\\tb\",{\"x\":\"\\u00e9\"}]}";
    bk_arena a;
    bk_arena_init(&a, NULL, 0);
    bk_jreader r;
    bk_jr_init(&r, doc, strlen(doc), &a);
    cr_assert(bk_jr_skip(&r) && bk_jr_finish(&r));
    cr_assert_null(a.chunks);
}
