/*
 * fuzz_json.c — libFuzzer target for the JSON reader and the generic value.
 *
 * The input is the document. Properties checked:
 *   - bk_json_parse_value on an exact-size copy never reads outside it; a refusal has a
 *     message and a position inside the input;
 *   - bk_jr_skip agrees: it accepts what parses, and refuses with the same message and
 *     position, except for the range errors only the value parser makes;
 *   - the pull calls (bk_jr_peek, bk_jr_string, ...) read a parsed document as the
 *     same values;
 *   - a parsed value written with brisk_json_value parses again and writes the same
 *     bytes (the writer's text is in the language the reader accepts);
 *   - when the input is one number, bk_json_strtod agrees bit for bit with glibc's
 *     strtod_l in the C locale.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc -Iinclude \
 *       tests/fuzz/fuzz_json.c src/model/json_read.c src/model/json_value.c \
 *       src/model/json_write.c src/model/dtoa.c src/runtime/arena.c src/runtime/buf.c \
 *       -o /tmp/fj && /tmp/fj tests/fuzz/seeds/fuzz_json
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fuzz_check.h"
#include "../support/json_pull.h"
#include "model/json_read.h"
#include "model/json_write.h"

/* brisk_json_parse needs the server's bk_ctx_arena; the fuzzer never calls it. This
 * weak stand-in lets the target link without the server objects (the CMake fuzz build
 * links them, and their definition wins). */
__attribute__((weak)) bk_arena *bk_ctx_arena(brisk_ctx *c) {
    (void)c;
    abort();
}

static char *dup_exact(const void *s, size_t n) {
    char *c = malloc(n ? n : 1);
    CHECK(c);
    if (n) memcpy(c, s, n);
    return c;
}

static bool range_error(const char *msg) {
    return strcmp(msg, "Integer out of range") == 0 || strcmp(msg, "Number out of range") == 0;
}

static void write_value(const brisk_value *v, bk_buf *out) {
    brisk_json j;
    bk_json_init(&j, out);
    brisk_json_value(&j, v);
    CHECK(!j.overflow && j.depth == 0);
}

static void check_number(const char *in, size_t size) {
    static locale_t c;
    if (!c) c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    CHECK(c);
    bk_jnum num;
    if (!bk_json_number_parse(in, size, &num)) return;
    CHECK(num.text == in && num.len == size);
    char *z = malloc(size + 1);
    CHECK(z);
    memcpy(z, in, size);
    z[size] = '\0';
    char *end;
    double want = strtod_l(z, &end, c);
    CHECK(end == z + size);
    double got = bk_json_strtod(in, size);
    CHECK(bk_test_bits(got) == bk_test_bits(want));
    CHECK(bk_test_bits(num.d) == bk_test_bits(want));
    if (num.is_int) CHECK(!num.int_overflow && (double)num.i == want);
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *in = dup_exact(data, size);
    bk_arena a;
    bk_arena_init(&a, NULL, 0);

    brisk_json_error err = {0, NULL};
    brisk_value *v = bk_json_parse_value(&a, in, size, &err);

    bk_jreader r;
    bk_jr_init(&r, in, size, &a);
    bool skipped = bk_jr_skip(&r) && bk_jr_finish(&r);
    if (v) {
        CHECK(skipped);
        CHECK(err.msg == NULL);
    } else {
        CHECK(err.msg && err.pos <= size);
        if (!range_error(err.msg))
            CHECK(!skipped && r.err_pos == err.pos && strcmp(r.err_msg, err.msg) == 0);
    }

    check_number(in, size);

    if (v) {
        bk_jr_init(&r, in, size, &a);
        CHECK(bk_test_pull_matches(&r, v) && bk_jr_finish(&r));

        bk_buf b1 = {0}, b2 = {0};
        write_value(v, &b1);
        char *t1 = dup_exact(b1.data, b1.len);
        brisk_json_error err2 = {0, NULL};
        brisk_value *v2 = bk_json_parse_value(&a, t1, b1.len, &err2);
        if (!v2) fprintf(stderr, "rewritten: %.*s\nrefused: %s at %zu\n", (int)b1.len, t1,
                         err2.msg, err2.pos);
        CHECK(v2);
        CHECK(v2->type == v->type || (v->type == BRISK_VALUE_DOUBLE && v2->type == BRISK_VALUE_INT));
        write_value(v2, &b2);
        CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
        free(t1);
        bk_buf_free(&b1);
        bk_buf_free(&b2);
    }

    bk_arena_reset(&a);
    free(in);
    return 0;
}
