/* Encoding: a struct described by a model, written as JSON straight into the output
 * buffer. Only declared fields appear, so a response model filters what it is given. */
#include <math.h>
#include <string.h>

#include "model/dtoa.h"
#include "model/json_write.h"
#include "model/model.h"

/* The key with its quotes and colon was escaped once, at resolution. */
static void put_key(brisk_json *j, const bk_rfield *rf) {
    if (j->has_items[j->depth]) bk_buf_putc(j->out, ',');
    j->has_items[j->depth] = 1;
    bk_buf_append(j->out, rf->key_json, rf->key_json_len);
    j->after_key = true;
}

/* True when the member holds null (what exclude_none leaves out). */
static bool is_null(const bk_rfield *rf, const void *src) {
    switch (rf->f.kind) {
    case BRISK_K_BOOL: case BRISK_K_I32: case BRISK_K_I64: case BRISK_K_F64:
    case BRISK_K_ENUM:
        return rf->f.nullable && *(void *const *)src == NULL;
    case BRISK_K_STR: case BRISK_K_DATETIME: case BRISK_K_UUID:
        return ((const brisk_str *)src)->ptr == NULL;
    case BRISK_K_OBJ:
        return !rf->inline_obj && *(void *const *)src == NULL;
    case BRISK_K_LIST:
        return rf->f.nullable && ((const brisk_list *)src)->items == NULL;
    case BRISK_K_MAP:
        return rf->f.nullable && ((const brisk_map *)src)->keys == NULL;
    case BRISK_K_ANY:
        return *(void *const *)src == NULL ||
               (*(brisk_value *const *)src)->type == BRISK_VALUE_NULL;
    default:
        return true;
    }
}

static const void *scalar(const bk_rfield *rf, const void *src) {
    return rf->f.nullable ? *(void *const *)src : src;
}

void bk_encode_value(brisk_json *j, const bk_rfield *rf, const void *src,
                     const brisk_dump_options *o) {
    if (is_null(rf, src)) {
        brisk_json_null(j);
        return;
    }
    switch (rf->f.kind) {
    case BRISK_K_BOOL: brisk_json_bool(j, *(const bool *)scalar(rf, src)); return;
    case BRISK_K_I32: brisk_json_int(j, *(const int32_t *)scalar(rf, src)); return;
    case BRISK_K_I64: brisk_json_int(j, *(const int64_t *)scalar(rf, src)); return;
    case BRISK_K_F64: {
        /* As FastAPI writes a float member: 1.0, not 1. */
        double d = *(const double *)scalar(rf, src);
        if (!isfinite(d)) {
            brisk_json_null(j);
            return;
        }
        char t[32];
        brisk_json_raw(j, t, bk_dtoa_repr(d, t));
        return;
    }
    case BRISK_K_ENUM: {
        int i = *(const int *)scalar(rf, src);
        if (i < 0 || (size_t)i >= rf->nvalues) {
            brisk_json_null(j); /* not one of the values: nothing truthful to write */
            return;
        }
        brisk_json_string_n(j, rf->f.values[i], rf->value_lens[i]);
        return;
    }
    case BRISK_K_STR: case BRISK_K_DATETIME: case BRISK_K_UUID: {
        const brisk_str *s = src;
        brisk_json_string_n(j, s->ptr, s->len);
        return;
    }
    case BRISK_K_OBJ:
        bk_encode_model(j, rf->model, rf->inline_obj ? src : *(void *const *)src, o);
        return;
    case BRISK_K_LIST: {
        const brisk_list *l = src;
        brisk_json_arr(j);
        for (size_t i = 0; i < l->len; i++)
            bk_encode_value(j, rf->item, (const char *)l->items + i * rf->item->csize, o);
        brisk_json_end_arr(j);
        return;
    }
    case BRISK_K_MAP: {
        const brisk_map *m = src;
        brisk_json_obj(j);
        for (size_t i = 0; i < m->len; i++) {
            brisk_json_key_n(j, m->keys[i].ptr, m->keys[i].len);
            bk_encode_value(j, rf->item, (const char *)m->values + i * rf->item->csize, o);
        }
        brisk_json_end_obj(j);
        return;
    }
    case BRISK_K_ANY:
        brisk_json_value(j, *(brisk_value *const *)src);
        return;
    default:
        brisk_json_null(j);
    }
}

/* exclude_defaults: the member's JSON equals the default's compact JSON. */
static bool equals_default(const bk_rfield *rf, const void *src, const brisk_dump_options *o) {
    if (!rf->default_compact) return false;
    bk_buf tmp = {0};
    brisk_json w;
    bk_json_init(&w, &tmp);
    bk_encode_value(&w, rf, src, o);
    bool same = tmp.len == strlen(rf->default_compact) &&
                memcmp(tmp.data, rf->default_compact, tmp.len) == 0;
    bk_buf_free(&tmp);
    return same;
}

void bk_encode_model(brisk_json *j, bk_rmodel *rm, const void *obj,
                     const brisk_dump_options *o) {
    if (!obj) {
        brisk_json_null(j);
        return;
    }
    brisk_json_obj(j);
    for (size_t i = 0; i < rm->n; i++) {
        const bk_rfield *rf = &rm->fields[i];
        const void *src = (const char *)obj + rf->f.offset;
        if (o->exclude_none && is_null(rf, src)) continue;
        if (o->exclude_defaults && equals_default(rf, src, o)) continue;
        put_key(j, rf);
        bk_encode_value(j, rf, src, o);
    }
    brisk_json_end_obj(j);
}

void brisk_json_model_opts(brisk_json *j, brisk_model *m, const void *obj,
                           const brisk_dump_options *o) {
    bk_rmodel *rm = bk_model_resolve(m);
    if (!rm) {
        brisk_json_null(j);
        return;
    }
    bk_encode_model(j, rm, obj, o);
}

void brisk_reply_model_opts(brisk_ctx *c, int status, brisk_model *m, const void *obj,
                            const brisk_dump_options *o) {
    bk_rmodel *rm = bk_model_resolve(m);
    if (!rm) {
        brisk_reply_error(c, 500, "Internal Server Error");
        return;
    }
    brisk_json *j = brisk_json_begin(c, status);
    bk_encode_model(j, rm, obj, o);
    brisk_json_end(c, j);
}
