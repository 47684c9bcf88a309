/*
 * fuzz_model.c — libFuzzer target for the model layer: schema-directed decoding with
 * validation, validation errors, and encoding.
 *
 * Byte 0 picks the model (bit 0: FzAll, every kind and constraint, unknown keys ignored;
 * or FzStrict, required fields, aliases, forbid_extra); the rest is the JSON body.
 * Properties checked:
 *   - decoding either succeeds with no error recorded, or fails with at least one;
 *   - on failure, the 422 body (FastAPI's form and the problem+json form) is JSON:
 *     bk_json_parse_value accepts it, or refuses only a number out of its range that the
 *     reader's grammar accepts (the body echoes the request's number, as FastAPI does);
 *     it lists between 1 and BK_VERR_MAX errors;
 *   - on success, the struct encodes to JSON that decodes again, and re-encodes to the
 *     same bytes; the exclude_none and exclude_defaults forms decode to the same struct
 *     (same full encoding) too.
 *
 *   CC=clang cmake -S . -B /tmp/build-mfuzz -DBRISK_TESTS=OFF -DBRISK_FUZZ=ON \
 *       -DBRISK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug && cmake --build /tmp/build-mfuzz
 *   /tmp/build-mfuzz/fuzz_model -max_total_time=60 tests/fuzz/seeds/fuzz_model
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fuzz_check.h"
#include "model/json_read.h"
#include "model/json_write.h"
#include "model/model.h"

typedef struct FzInner {
    brisk_str name;
    double price;
} FzInner;
BRISK_MODEL(FzInner, BRISK_STR(name, .max_len = 8, .pattern = "^[^x]*$"),
            BRISK_F64(price, BRISK_GE(0), BRISK_LT(1e9)));

typedef struct FzNode FzNode;
struct FzNode {
    int64_t v;
    FzNode *next;
};
BRISK_MODEL_DECLARE(FzNode);
BRISK_MODEL(FzNode, BRISK_I64(v, BRISK_LE(1000000)),
            BRISK_OBJ(next, &FzNode_model, .nullable = true, .optional = true));

/* Optional fields either have a default or are nullable, so that an absent field encodes
 * to something that decodes again. Nullable fields have no default: leaving them out
 * (exclude_none) gives the same struct. */
typedef struct FzAll {
    bool b;
    bool *nb;
    int32_t i32;
    int64_t i64;
    int64_t *ni64;
    double f;
    double *nf;
    brisk_str s;
    brisk_str ns;
    int e;
    int *ne;
    brisk_str dt;
    brisk_str id;
    FzInner *obj;
    brisk_list objs;
    brisk_list matrix;
    brisk_map m;
    brisk_strs tags;
    brisk_i64s nums;
    const brisk_value *any;
    FzNode *node;
} FzAll;
BRISK_MODEL(FzAll,
            BRISK_BOOL(b, .optional = true, .default_json = "true"),
            BRISK_BOOL(nb, .optional = true, .nullable = true),
            BRISK_I32(i32, .optional = true, BRISK_GE(-100), BRISK_LT(100000),
                      .default_json = "7"),
            BRISK_I64(i64, .optional = true, BRISK_MULTIPLE_OF(3)),
            BRISK_I64(ni64, .optional = true, .nullable = true, BRISK_GT(0)),
            BRISK_F64(f, .optional = true, BRISK_GE(-1e6), BRISK_LE(1e6), .default_json = "0.5"),
            BRISK_F64(nf, .optional = true, .nullable = true, BRISK_MULTIPLE_OF(0.25)),
            BRISK_STR(s, .optional = true, .min_len = 1, .max_len = 10, .default_json = "\"d\""),
            BRISK_STR(ns, .optional = true, .nullable = true, .pattern = "^[a-z\\x{e9}]*$"),
            BRISK_ENUM(e, .values = BRISK_VALUES("red", "green", "blue"), .optional = true),
            BRISK_ENUM(ne, .values = BRISK_VALUES("x", "y"), .optional = true, .nullable = true),
            BRISK_DATETIME(dt, .optional = true, .nullable = true),
            BRISK_UUID(id, .optional = true, .nullable = true),
            BRISK_OBJ(obj, &FzInner_model, .optional = true, .nullable = true),
            BRISK_LIST(objs, BRISK_ITEM_OBJ(&FzInner_model), .optional = true, .max_len = 4),
            BRISK_LIST(matrix, BRISK_ITEM_LIST(BRISK_ITEM_I32(BRISK_LE(9)), .max_len = 3),
                       .optional = true),
            BRISK_MAP(m, BRISK_ITEM_F64(BRISK_GT(-1)), .optional = true, .max_len = 5),
            BRISK_STR_LIST(tags, .optional = true, .min_len = 1, .default_json = "[\"t\"]"),
            BRISK_LIST(nums, BRISK_ITEM_I64(), .optional = true, .default_json = "[1, 2]"),
            BRISK_ANY(any, .optional = true),
            BRISK_OBJ(node, &FzNode_model, .optional = true, .nullable = true));

typedef struct FzStrict {
    int64_t id;
    brisk_str name;
    brisk_strs labels;
    bool flag;
} FzStrict;
BRISK_MODEL(FzStrict, BRISK_CONFIG(.forbid_extra = true),
            BRISK_I64(id, .alias = "ID", BRISK_GE(1)),
            BRISK_STR(name, .alias = "full name", .min_len = 2),
            BRISK_STR_LIST(labels, .optional = true, .default_json = "[]"),
            BRISK_BOOL(flag, .optional = true, .default_json = "false"));

static bk_rmodel *g_all, *g_strict;

/* The 422 body is JSON. */
static void check_errors_body(const bk_buf *out, bk_arena *a) {
    brisk_json_error jerr = {0, NULL};
    brisk_value *v = bk_json_parse_value(a, out->data, out->len, &jerr);
    if (!v) {
        bool range = jerr.msg && (strcmp(jerr.msg, "Integer out of range") == 0 ||
                                  strcmp(jerr.msg, "Number out of range") == 0);
        CHECKF(range, "422 body is not JSON (%s at %zu): %.*s", jerr.msg ? jerr.msg : "?",
               jerr.pos, (int)out->len, out->data);
        bk_jreader r;
        bk_jr_init(&r, out->data, out->len, a);
        CHECKF(bk_jr_skip(&r) && bk_jr_finish(&r), "422 body is not JSON: %.*s",
               (int)out->len, out->data);
    }
}

static void encode(bk_rmodel *rm, const void *obj, bk_buf *out, const brisk_dump_options *o) {
    out->len = 0;
    brisk_json j;
    bk_json_init(&j, out);
    bk_encode_model(&j, rm, obj, o);
    CHECK(!j.overflow);
    CHECK(j.depth == 0);
}

/* Decodes text that brisk wrote itself: it must be accepted. */
static void *redecode(bk_rmodel *rm, const bk_buf *text, bk_arena *a, const char *what) {
    bk_verrs e;
    bk_verrs_init(&e, a);
    void *obj = bk_model_decode(rm, text->data, text->len, &e, "body");
    if (!obj) {
        bk_buf errs = {0};
        bk_verrs_write(&e, &errs, false);
        fprintf(stderr, "%s output refused: %.*s\n  422: %.*s\n", what, (int)text->len,
                text->data, (int)errs.len, errs.data);
        abort();
    }
    CHECK(e.n == 0);
    return obj;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (!g_all) {
        g_all = bk_model_resolve(&FzAll_model);
        g_strict = bk_model_resolve(&FzStrict_model);
        CHECK(g_all && g_strict);
    }
    bk_rmodel *rm = (data[0] & 1) ? g_strict : g_all;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    bk_arena a;
    bk_arena_init(&a, NULL, 0);
    bk_verrs e;
    bk_verrs_init(&e, &a);
    void *obj = bk_model_decode(rm, text, len, &e, "body");
    CHECK(e.depth == 0);
    if (!obj) {
        CHECK(e.n > 0);
        bk_buf out = {0};
        bk_verrs_write(&e, &out, false);
        check_errors_body(&out, &a);
        size_t listed = 0; /* errors of a key a later duplicate replaced stay, marked */
        for (const bk_verr *v = e.head; v; v = v->next) listed += !v->dropped;
        CHECK((listed >= 1 || e.capped) && listed <= BK_VERR_MAX);
        out.len = 0;
        bk_verrs_write(&e, &out, true);
        check_errors_body(&out, &a);
        bk_buf_free(&out);
        bk_arena_reset(&a);
        return 0;
    }
    CHECK(e.n == 0 && !e.capped);
    for (const bk_verr *v = e.head; v; v = v->next) CHECK(v->dropped);

    static const brisk_dump_options full = {0};
    bk_buf enc1 = {0}, enc2 = {0}, part = {0};
    encode(rm, obj, &enc1, &full);
    void *obj2 = redecode(rm, &enc1, &a, "encoded");
    encode(rm, obj2, &enc2, &full);
    CHECKF(enc1.len == enc2.len && memcmp(enc1.data, enc2.data, enc1.len) == 0,
           "re-encoding differs:\n  %.*s\n  %.*s", (int)enc1.len, enc1.data, (int)enc2.len,
           enc2.data);

    static const brisk_dump_options drop[] = {
        {.exclude_none = true}, {.exclude_defaults = true},
        {.exclude_none = true, .exclude_defaults = true}};
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++) {
        encode(rm, obj, &part, &drop[i]);
        void *obj3 = redecode(rm, &part, &a, "exclude_* encoded");
        encode(rm, obj3, &enc2, &full);
        CHECKF(enc1.len == enc2.len && memcmp(enc1.data, enc2.data, enc1.len) == 0,
               "exclude form %zu decodes to another struct:\n  full %.*s\n  part %.*s\n"
               "  back %.*s", i, (int)enc1.len, enc1.data, (int)part.len, part.data,
               (int)enc2.len, enc2.data);
    }
    bk_buf_free(&enc1);
    bk_buf_free(&enc2);
    bk_buf_free(&part);
    bk_arena_reset(&a);
    return 0;
}
