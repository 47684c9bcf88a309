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

#include "model/json_read.h"
#include "model/json_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                     \
        }                                                                                \
    } while (0)

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

static uint64_t bits(double d) {
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* Walks the next value with the pull calls and checks that it is v (the model decoder
 * reads with them): objects member by member when their keys are distinct. */
static bool pull_matches(bk_jreader *r, const brisk_value *v) {
    bk_jnum num;
    brisk_str s;
    switch (bk_jr_peek(r)) {
    case BK_JT_NULL: return bk_jr_literal(r) && v->type == BRISK_VALUE_NULL;
    case BK_JT_TRUE: return bk_jr_literal(r) && v->type == BRISK_VALUE_BOOL && v->as.b;
    case BK_JT_FALSE: return bk_jr_literal(r) && v->type == BRISK_VALUE_BOOL && !v->as.b;
    case BK_JT_STRING:
        return bk_jr_string(r, &s) && v->type == BRISK_VALUE_STRING && s.len == v->as.s.len &&
               memcmp(s.ptr, v->as.s.ptr, s.len) == 0 && s.ptr[s.len] == '\0';
    case BK_JT_NUMBER:
        if (!bk_jr_number(r, &num)) return false;
        if (num.is_int) return v->type == BRISK_VALUE_INT && v->as.i == num.i;
        return v->type == BRISK_VALUE_DOUBLE && bits(v->as.d) == bits(num.d);
    case BK_JT_ARRAY: {
        if (v->type != BRISK_VALUE_ARRAY || !bk_jr_arr_begin(r)) return false;
        size_t i = 0;
        while (bk_jr_arr_next(r))
            if (i >= v->as.arr.len || !pull_matches(r, v->as.arr.items[i++])) return false;
        return !r->failed && i == v->as.arr.len;
    }
    case BK_JT_OBJECT: {
        if (v->type != BRISK_VALUE_OBJECT || !bk_jr_obj_begin(r)) return false;
        bk_jreader probe = *r;
        size_t n = 0, i = 0;
        while (bk_jr_obj_next(&probe, NULL)) {
            n++;
            if (!bk_jr_skip(&probe)) return false;
        }
        brisk_str key;
        while (bk_jr_obj_next(r, &key)) {
            if (n != v->as.obj.len) { /* duplicates: the values were replaced */
                if (!bk_jr_skip(r)) return false;
                continue;
            }
            const brisk_member *m = &v->as.obj.items[i++];
            if (m->key.len != key.len || memcmp(m->key.ptr, key.ptr, key.len) != 0 ||
                !pull_matches(r, m->value))
                return false;
        }
        return !r->failed;
    }
    default: return false;
    }
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
    CHECK(bits(got) == bits(want));
    CHECK(bits(num.d) == bits(want));
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
        CHECK(pull_matches(&r, v) && bk_jr_finish(&r));

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
