/* For the JSON reader's tests and fuzzer: does walking a document with the pull calls
 * (what the model decoder uses) read the same as the value parser? Test code only. */
#ifndef BK_TEST_JSON_PULL_H
#define BK_TEST_JSON_PULL_H

#include <stdint.h>
#include <string.h>

#include "model/json_read.h"

static inline uint64_t bk_test_bits(double d) {
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* Walks the next value with the pull calls and checks that it is v: the value parser and
 * the pull API (the model decoder's) read documents alike. Objects are compared member
 * by member when their keys are distinct; with duplicates only their keys are read. */
static inline bool bk_test_pull_matches(bk_jreader *r, const brisk_value *v) {
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
        return v->type == BRISK_VALUE_DOUBLE && bk_test_bits(v->as.d) == bk_test_bits(num.d);
    case BK_JT_ARRAY: {
        if (v->type != BRISK_VALUE_ARRAY || !bk_jr_arr_begin(r)) return false;
        size_t i = 0;
        while (bk_jr_arr_next(r))
            if (i >= v->as.arr.len || !bk_test_pull_matches(r, v->as.arr.items[i++])) return false;
        return !r->failed && i == v->as.arr.len;
    }
    case BK_JT_OBJECT: {
        if (v->type != BRISK_VALUE_OBJECT || !bk_jr_obj_begin(r)) return false;
        bk_jreader probe = *r; /* count the members first */
        size_t n = 0;
        brisk_str key;
        while (bk_jr_obj_next(&probe, NULL)) {
            n++;
            if (!bk_jr_skip(&probe)) return false;
        }
        bool distinct = n == v->as.obj.len;
        size_t i = 0;
        while (bk_jr_obj_next(r, &key)) {
            if (!distinct) {
                if (!brisk_value_get(v, key.ptr) && !memchr(key.ptr, 0, key.len)) return false;
                if (!bk_jr_skip(r)) return false;
                continue;
            }
            const brisk_member *m = &v->as.obj.items[i++];
            if (m->key.len != key.len || memcmp(m->key.ptr, key.ptr, key.len) != 0 ||
                m->key.ptr[key.len] != '\0' || !bk_test_pull_matches(r, m->value))
                return false;
        }
        return !r->failed;
    }
    default: return false;
    }
}

#endif
