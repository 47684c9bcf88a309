/* JSON as Python's json.dumps writes it, for the parts of a 422 body that FastAPI builds
 * from decoded Python values: floats as repr writes them (bk_dtoa_repr), strings with raw
 * UTF-8, and duplicate keys collapsed. The request's own spelling ("0.50", "1E2",
 * "\u00e9") would differ from what FastAPI answers. */
#include <stdio.h>
#include <string.h>

#include "model/dtoa.h"
#include "model/json_write.h"
#include "model/model.h"

static void dump(bk_buf *out, const brisk_value *v) {
    switch (v->type) {
    case BRISK_VALUE_NULL: bk_buf_lit(out, "null"); return;
    case BRISK_VALUE_BOOL:
        if (v->as.b)
            bk_buf_lit(out, "true");
        else
            bk_buf_lit(out, "false");
        return;
    case BRISK_VALUE_INT: {
        char t[24];
        bk_buf_append(out, t, (size_t)snprintf(t, sizeof t, "%lld", (long long)v->as.i));
        return;
    }
    case BRISK_VALUE_DOUBLE: {
        char t[32];
        bk_buf_append(out, t, bk_dtoa_repr(v->as.d, t));
        return;
    }
    case BRISK_VALUE_STRING: bk_json_escape(out, v->as.s.ptr, v->as.s.len); return;
    case BRISK_VALUE_ARRAY:
        bk_buf_putc(out, '[');
        for (size_t i = 0; i < v->as.arr.len; i++) {
            if (i) bk_buf_putc(out, ',');
            dump(out, v->as.arr.items[i]);
        }
        bk_buf_putc(out, ']');
        return;
    case BRISK_VALUE_OBJECT:
        bk_buf_putc(out, '{');
        for (size_t i = 0; i < v->as.obj.len; i++) {
            if (i) bk_buf_putc(out, ',');
            bk_json_escape(out, v->as.obj.items[i].key.ptr, v->as.obj.items[i].key.len);
            bk_buf_putc(out, ':');
            dump(out, v->as.obj.items[i].value);
        }
        bk_buf_putc(out, '}');
        return;
    }
}

char *bk_json_pydump(bk_arena *a, const char *text, size_t len, size_t *out_len) {
    brisk_json_error err;
    brisk_value *v = bk_json_parse_value(a, text, len, &err);
    if (!v) return bk_json_compact(a, text, len, out_len); /* e.g. an integer past int64 */
    bk_buf b = {0};
    dump(&b, v);
    char *s = bk_arena_strndup(a, b.data, b.len);
    *out_len = b.len;
    bk_buf_free(&b);
    return s;
}
