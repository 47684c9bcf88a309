/* JSON as Python's json.dumps writes it, for the parts of a 422 body that FastAPI builds
 * from decoded Python values: a float's repr ("1.0", "1e-05", "1e+16"), strings with raw
 * UTF-8, and duplicate keys collapsed. The request's own spelling ("0.50", "1E2",
 * "\u00e9") would differ from what FastAPI answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/dtoa.h"
#include "model/json_write.h"
#include "model/model.h"

size_t bk_fmt_pyfloat(char out[40], double v) {
    char tmp[33];
    size_t n = bk_dtoa(v, tmp);
    tmp[n] = '\0'; /* bk_dtoa does not terminate; strtol below needs it */
    if (n == 0) {
        memcpy(out, "null", 4); /* NaN and infinities never reach here from JSON */
        return 4;
    }
    /* Split the shortest form into its significant digits and the exponent of the first. */
    size_t i = 0, o = 0;
    bool neg = tmp[0] == '-';
    if (neg) i++;
    char digits[24];
    size_t nd = 0;
    int point = -1, exp10 = 0;
    for (; i < n && tmp[i] != 'e'; i++) {
        if (tmp[i] == '.') {
            point = (int)nd;
            continue;
        }
        if (nd < sizeof digits) digits[nd++] = tmp[i];
    }
    if (point < 0) point = (int)nd;
    if (i < n) exp10 = (int)strtol(tmp + i + 1, NULL, 10);
    size_t lead = 0;
    while (lead + 1 < nd && digits[lead] == '0') lead++, point--;
    memmove(digits, digits + lead, nd - lead);
    nd -= lead;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    int sci = point - 1 + exp10; /* value = d.ddd × 10^sci */
    if (nd == 1 && digits[0] == '0') sci = 0;
    if (neg) out[o++] = '-';
    if (sci >= 16 || sci < -4) {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, nd - 1);
            o += nd - 1;
        }
        o += (size_t)snprintf(out + o, 40 - o, "e%c%02d", sci < 0 ? '-' : '+',
                              sci < 0 ? -sci : sci);
        return o;
    }
    if (sci < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int z = -1; z > sci; z--) out[o++] = '0';
        memcpy(out + o, digits, nd);
        return o + nd;
    }
    for (int k = 0; k <= sci; k++) out[o++] = (size_t)k < nd ? digits[k] : '0';
    out[o++] = '.';
    if ((size_t)sci + 1 < nd) {
        memcpy(out + o, digits + sci + 1, nd - (size_t)sci - 1);
        o += nd - (size_t)sci - 1;
    } else {
        out[o++] = '0';
    }
    return o;
}

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
        char t[40];
        bk_buf_append(out, t, bk_fmt_pyfloat(t, v->as.d));
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
