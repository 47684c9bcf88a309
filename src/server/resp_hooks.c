/* What middleware that rewrite responses need from the server layer: a hook just before
 * the head is written, header replacement, the buffered body, a stream filter, and the
 * request's ID. See server.h. */
#include <string.h>
#include <strings.h>

#include "server/internal.h"

struct bk_head_hook_node {
    struct bk_head_hook_node *next;
    bk_head_hook fn;
    void *state;
};

void bk_ctx_on_head(brisk_ctx *c, bk_head_hook fn, void *state) {
    struct bk_head_hook_node *n = bk_arena_alloc(&c->arena, sizeof *n);
    n->fn = fn;
    n->state = state;
    n->next = c->head_hooks; /* pushed in front: the innermost runs first */
    c->head_hooks = n;
}

void bk_run_head_hooks(brisk_ctx *c) {
    struct bk_head_hook_node *n = c->head_hooks;
    c->head_hooks = NULL; /* once per response, even if a hook starts another commit */
    for (; n; n = n->next) n->fn(c, n->state);
}

void bk_response_header_put(brisk_ctx *c, const char *name, const char *value) {
    size_t nl = strlen(name);
    for (bk_resp_header **p = &c->headers; *p;) {
        bk_resp_header *h = *p;
        if (h->name_len == nl && strncasecmp(h->name, name, nl) == 0) {
            *p = h->next;
            if (!h->next) c->headers_tail = p;
        } else {
            p = &h->next;
        }
    }
    if (value) brisk_set_header(c, name, value);
}

brisk_str bk_response_body(brisk_ctx *c) {
    if (!c->replied || c->streaming || c->committed) return (brisk_str){NULL, 0};
    if (c->json_open) brisk_json_end(c, &c->json);
    bk_buf *o = &c->conn->wbuf;
    return (brisk_str){o->data + c->body_off, o->len - c->body_off};
}

void bk_response_set_body(brisk_ctx *c, const void *data, size_t len) {
    if (!c->replied || c->streaming || c->committed) return;
    if (c->json_open) brisk_json_end(c, &c->json);
    bk_buf *o = &c->conn->wbuf;
    o->len = c->body_off;
    bk_buf_append(o, data, len);
}

void bk_ctx_set_stream_filter(brisk_ctx *c, bk_stream_filter fn, void *state) {
    c->filter = fn;
    c->filter_state = state;
}

void bk_ctx_set_request_id(brisk_ctx *c, const char *id, size_t len) {
    c->request_id = id;
    c->request_id_len = (uint32_t)len;
}

brisk_str brisk_request_id(const brisk_ctx *c) {
    return c->request_id ? (brisk_str){c->request_id, c->request_id_len} : (brisk_str){"", 0};
}
