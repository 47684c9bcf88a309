/* Helpers shared by the built-in middleware. */
#include <stdlib.h>
#include <string.h>

#include "app/mw.h"
#include "server/server.h"

typedef struct owned {
    struct owned *next;
    void *p;
    void (*free_fn)(void *);
} owned;

static owned *all_owned;

static void free_owned(void) {
    while (all_owned) {
        owned *o = all_owned;
        all_owned = o->next;
        o->free_fn(o->p);
        free(o);
    }
}

void bk_mw_own(void *p, void (*free_fn)(void *)) {
    if (!p) abort();
    owned *o = malloc(sizeof *o);
    if (!o) abort();
    static bool registered;
    if (!registered && atexit(free_owned) != 0) abort();
    registered = true;
    *o = (owned){all_owned, p, free_fn};
    all_owned = o;
}

void *bk_mw_alloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    bk_mw_own(p, free);
    return p;
}

char *bk_mw_strdup(const char *s) {
    char *p = strdup(s);
    bk_mw_own(p, free);
    return p;
}

char **bk_mw_strs_copy(const char *const *list, size_t *n) {
    size_t len = 0;
    while (list && list[len]) len++;
    char **out = bk_mw_alloc((len + 1) * sizeof *out);
    for (size_t i = 0; i < len; i++) out[i] = bk_mw_strdup(list[i]);
    if (n) *n = len;
    return out;
}

bool bk_mw_strs_has(char *const *list, const char *s) {
    for (; *list; list++)
        if (strcmp(*list, s) == 0) return true;
    return false;
}

char *bk_mw_strs_join(char *const *list) {
    size_t total = 1;
    for (char *const *p = list; *p; p++) total += strlen(*p) + 2;
    char *out = bk_mw_alloc(total), *o = out;
    for (char *const *p = list; *p; p++) {
        if (p != list) {
            memcpy(o, ", ", 2);
            o += 2;
        }
        size_t l = strlen(*p);
        memcpy(o, *p, l);
        o += l;
    }
    *o = '\0';
    return out;
}

void bk_mw_add_vary(brisk_ctx *c, const char *token) {
    brisk_str v = brisk_response_header(c, "Vary");
    if (!v.ptr) {
        bk_response_header_put(c, "Vary", token);
        return;
    }
    bk_response_header_put(c, "Vary", brisk_sprintf(c, "%.*s, %s", (int)v.len, v.ptr, token));
}
