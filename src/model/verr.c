/* Validation errors: collected during decoding with their location, then written as
 * FastAPI's {"detail": [...]} body or as RFC 9457 problem details. */
#include <string.h>

#include "model/json_write.h"
#include "model/model.h"

void bk_verrs_init(bk_verrs *e, bk_arena *a) {
    e->arena = a;
    e->head = NULL;
    e->tail = &e->head;
    e->n = 0;
    e->capped = false;
    e->depth = 0;
}

void bk_loc_push_key(bk_verrs *e, const char *key, size_t len) {
    if (e->depth < BK_LOC_MAX) e->loc[e->depth] = (bk_loc_seg){key, len, 0};
    e->depth++;
}

void bk_loc_push_index(bk_verrs *e, size_t i) {
    if (e->depth < BK_LOC_MAX) e->loc[e->depth] = (bk_loc_seg){NULL, 0, i};
    e->depth++;
}

void bk_loc_pop(bk_verrs *e) {
    if (e->depth) e->depth--;
}

static char *loc_text(bk_verrs *e) {
    bk_buf b = {0};
    size_t d = e->depth < BK_LOC_MAX ? e->depth : BK_LOC_MAX;
    for (size_t i = 0; i < d; i++) {
        if (i) bk_buf_putc(&b, ',');
        if (e->loc[i].key)
            bk_json_escape(&b, e->loc[i].key, e->loc[i].len);
        else
            bk_buf_u64(&b, e->loc[i].index);
    }
    char *s = bk_arena_strndup(e->arena, b.data ? b.data : "", b.len);
    bk_buf_free(&b);
    return s;
}

void bk_verr_add(bk_verrs *e, const char *type, const char *msg, const char *input,
                 size_t input_len, const char *ctx) {
    if (e->n >= BK_VERR_MAX) {
        e->capped = true; /* sticky: dropping a duplicate later cannot make it valid */
        e->n++;
        return;
    }
    bk_verr *v = bk_arena_alloc(e->arena, sizeof *v);
    v->next = NULL;
    v->dropped = false;
    v->type = type;
    v->loc = loc_text(e);
    v->msg = bk_arena_strndup(e->arena, msg, strlen(msg));
    v->input = input ? bk_json_pydump(e->arena, input, input_len, &input_len)
                     : bk_arena_strndup(e->arena, "null", 4);
    v->ctx = ctx ? bk_arena_strndup(e->arena, ctx, strlen(ctx)) : NULL;
    *e->tail = v;
    e->tail = &v->next;
    e->n++;
}

char *bk_ctx_string(bk_arena *a, const char *key, const char *value) {
    bk_buf b = {0};
    bk_buf_putc(&b, '{');
    bk_json_escape(&b, key, strlen(key));
    bk_buf_putc(&b, ':');
    bk_json_escape(&b, value, strlen(value));
    bk_buf_putc(&b, '}');
    char *s = bk_arena_strndup(a, b.data, b.len);
    bk_buf_free(&b);
    return s;
}

void bk_verr_json_invalid(bk_verrs *e, const char *text, size_t err_pos, const char *msg) {
    /* Python's json reports positions in characters, not bytes. */
    size_t pos = 0;
    for (size_t i = 0; i < err_pos; i++) pos += ((unsigned char)text[i] & 0xC0) != 0x80;
    bk_loc_push_index(e, pos);
    bk_verr_add(e, "json_invalid", "JSON decode error", "{}", 2,
                bk_ctx_string(e->arena, "error", msg ? msg : "Expecting value"));
    bk_loc_pop(e);
}

void bk_verr_drop_here(bk_verrs *e) {
    if (!e->head) return;
    char *here = loc_text(e);
    size_t hl = strlen(here);
    /* Marked, not unlinked: enclosing objects hold pointers into the list. */
    for (bk_verr *v = e->head; v; v = v->next) {
        if (!v->dropped && strncmp(v->loc, here, hl) == 0 &&
            (v->loc[hl] == '\0' || v->loc[hl] == ',')) {
            v->dropped = true;
            e->n--;
        }
    }
}

static void write_list(const bk_verrs *e, bk_buf *out) {
    bk_buf_putc(out, '[');
    bool first = true;
    for (const bk_verr *v = e->head; v; v = v->next) {
        if (v->dropped) continue;
        if (!first) bk_buf_putc(out, ',');
        first = false;
        bk_buf_lit(out, "{\"type\":");
        bk_json_escape(out, v->type, strlen(v->type));
        bk_buf_lit(out, ",\"loc\":[");
        bk_buf_append(out, v->loc, strlen(v->loc));
        bk_buf_lit(out, "],\"msg\":");
        bk_json_escape(out, v->msg, strlen(v->msg));
        bk_buf_lit(out, ",\"input\":");
        bk_buf_append(out, v->input, strlen(v->input));
        if (v->ctx) {
            bk_buf_lit(out, ",\"ctx\":");
            bk_buf_append(out, v->ctx, strlen(v->ctx));
        }
        bk_buf_putc(out, '}');
    }
    bk_buf_putc(out, ']');
}

void bk_verrs_write(const bk_verrs *e, bk_buf *out, bool problem) {
    if (problem) {
        bk_buf_lit(out, "{\"type\":\"about:blank\",\"title\":\"Unprocessable Content\","
                        "\"status\":422,\"detail\":\"The request failed validation\","
                        "\"errors\":");
        write_list(e, out);
        bk_buf_putc(out, '}');
        return;
    }
    bk_buf_lit(out, "{\"detail\":");
    write_list(e, out);
    bk_buf_putc(out, '}');
}
