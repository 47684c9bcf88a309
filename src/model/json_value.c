/* The generic JSON value (brisk_value): the parsing entry points, lookup and writing.
 * The parser itself, bk_jr_value, is in json_read.c next to the lexers it inlines. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "model/dtoa.h"
#include "model/json_read.h"
#include "model/json_write.h"

brisk_value *bk_json_parse_value(bk_arena *a, const char *text, size_t len,
                                 brisk_json_error *err) {
    bk_jreader r;
    bk_jr_init(&r, text, len, a);
    brisk_value *v = bk_jr_value(&r);
    if (v && bk_jr_finish(&r)) {
        if (err) err->pos = 0, err->msg = NULL;
        return v;
    }
    if (err) err->pos = r.err_pos, err->msg = r.err_msg;
    return NULL;
}

brisk_value *brisk_json_parse(brisk_ctx *c, const char *text, size_t len,
                              brisk_json_error *err) {
    return bk_json_parse_value(bk_ctx_arena(c), text, len, err);
}

const brisk_value *brisk_value_get(const brisk_value *obj, const char *key) {
    if (!obj || obj->type != BRISK_VALUE_OBJECT || !key) return NULL;
    size_t n = strlen(key);
    for (size_t i = obj->as.obj.len; i-- > 0;) { /* from the end: the last one wins */
        const brisk_member *m = &obj->as.obj.items[i];
        if (m->key.len == n && (n == 0 || memcmp(m->key.ptr, key, n) == 0)) return m->value;
    }
    return NULL;
}

/* Doubles as Python's repr writes them: the text always reads back as a double (never
 * "-0" or plain digits past int64, which would read as integers or be refused). */
static void write_double(brisk_json *j, double d) {
    char buf[32];
    size_t n = bk_dtoa_repr(d, buf);
    if (n)
        brisk_json_raw(j, buf, n);
    else
        brisk_json_null(j);
}

void brisk_json_value(brisk_json *j, const brisk_value *v) {
    struct {
        const brisk_value *v;
        size_t i;
    } st[BK_JSON_MAX_DEPTH];
    size_t sp = 0;
    for (;;) {
        if (!v) {
            brisk_json_null(j);
        } else {
            switch (v->type) {
            case BRISK_VALUE_NULL: brisk_json_null(j); break;
            case BRISK_VALUE_BOOL: brisk_json_bool(j, v->as.b); break;
            case BRISK_VALUE_INT: brisk_json_int(j, v->as.i); break;
            case BRISK_VALUE_DOUBLE: write_double(j, v->as.d); break;
            case BRISK_VALUE_STRING: brisk_json_string_n(j, v->as.s.ptr, v->as.s.len); break;
            case BRISK_VALUE_ARRAY:
            case BRISK_VALUE_OBJECT:
                if (sp == BK_JSON_MAX_DEPTH) { /* a hand-built value deeper than JSON allows */
                    brisk_json_null(j);
                    j->overflow = true;
                    break;
                }
                if (v->type == BRISK_VALUE_ARRAY) brisk_json_arr(j);
                else brisk_json_obj(j);
                st[sp].v = v;
                st[sp].i = 0;
                sp++;
                break;
            default: brisk_json_null(j); break;
            }
        }
        for (;;) { /* the next item to write, closing containers that are done */
            if (sp == 0) return;
            const brisk_value *c = st[sp - 1].v;
            size_t i = st[sp - 1].i;
            if (c->type == BRISK_VALUE_ARRAY) {
                if (i < c->as.arr.len) {
                    st[sp - 1].i++;
                    v = c->as.arr.items[i];
                    break;
                }
                brisk_json_end_arr(j);
            } else {
                if (i < c->as.obj.len) {
                    const brisk_member *m = &c->as.obj.items[i];
                    st[sp - 1].i++;
                    brisk_json_key_n(j, m->key.ptr ? m->key.ptr : "", m->key.len);
                    v = m->value;
                    break;
                }
                brisk_json_end_obj(j);
            }
            sp--;
        }
    }
}
