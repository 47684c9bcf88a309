/* The application: routes, middleware and the request pipeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/route.h"
#include "app/router.h"
#include "runtime/log.h"
#include "server/server.h"

void bk_app_init(brisk_app *app, bool problem_details) {
    if (!(app->router = bk_router_new())) abort();
    app->problem_details = problem_details;
}

void bk_app_release(brisk_app *app) {
    bk_router_free(app->router);
    free(app->mw);
    free(app->errors);
}


int bk_app_add_route(brisk_app *app, const char *method, const char *path, bk_endpoint *ep,
                     char *err, size_t errlen) {
    return bk_router_add(app->router, method, path, ep, err, errlen);
}

void brisk_app_use(brisk_app *app, brisk_middleware_fn fn, void *udata) {
    if (app->nmw == app->mw_cap) {
        app->mw_cap = app->mw_cap ? app->mw_cap * 2 : 8;
        app->mw = realloc(app->mw, app->mw_cap * sizeof *app->mw);
        if (!app->mw) abort();
    }
    app->mw[app->nmw++] = (bk_middleware){fn, udata};
}

size_t bk_percent_decode(char *dst, const char *src, size_t n, int plus_space) {
    static const signed char hexval[256] = {
        ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
        ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
        ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
        ['F'] = 16,
    }; /* value + 1, so 0 means "not hex" */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = src[i];
        if (ch == '%' && i + 2 < n && hexval[(unsigned char)src[i + 1]] &&
            hexval[(unsigned char)src[i + 2]]) {
            dst[o++] = (char)((hexval[(unsigned char)src[i + 1]] - 1) * 16 +
                              hexval[(unsigned char)src[i + 2]] - 1);
            i += 2;
        } else {
            dst[o++] = plus_space && ch == '+' ? ' ' : ch;
        }
    }
    return o;
}

static brisk_str decode(brisk_ctx *c, const char *s, size_t n, int plus_space) {
    if (!memchr(s, '%', n) && !(plus_space && memchr(s, '+', n))) return (brisk_str){s, n};
    char *d = brisk_alloc(c, n + 1);
    size_t len = bk_percent_decode(d, s, n, plus_space);
    d[len] = '\0';
    return (brisk_str){d, len};
}

static void run_endpoint(brisk_ctx *c, void *arg) {
    bk_endpoint *ep = arg;
    ep->run(c, bk_ctx_app(c), ep);
}

static void endpoint(brisk_ctx *c, bk_app_req *st) {
    switch (st->rc) {
    case BK_ROUTE_FOUND: {
        bk_endpoint *ep = st->m.route;
        if (!bk_app_run_caught(c, st, run_endpoint, ep)) return;
        if (!brisk_replied(c)) {
            brisk_log(BRISK_LOG_ERROR, "%.*s %s: the handler returned without a reply",
                      (int)brisk_method(c).len, brisk_method(c).ptr, st->m.pattern);
            st->failed = true;
            bk_app_error(c, &(brisk_http_error){.status = 500});
        }
        return;
    }
    case BK_ROUTE_METHOD_NOT_ALLOWED:
        bk_app_error(c, &(brisk_http_error){.status = 405,
                                            .headers = (const char *const[]){
                                                "Allow", st->m.allow, NULL}});
        return;
    default:
        break;
    }
    /* As FastAPI's redirect_slashes: "/items/" finds "/items" (and back) with a 307. */
    brisk_str p = st->path;
    if (p.len > 1 || (p.len == 1 && p.ptr[0] != '/')) {
        bool slash = p.ptr[p.len - 1] == '/';
        size_t n = slash ? p.len - 1 : p.len + 1;
        char *alt = brisk_alloc(c, n + 1);
        memcpy(alt, p.ptr, slash ? n : p.len);
        if (!slash) alt[p.len] = '/';
        alt[n] = '\0';
        bk_route_match m2;
        brisk_str method = brisk_method(c);
        if (bk_router_match(st->app->router, method.ptr, method.len, alt, n, &m2) ==
            BK_ROUTE_FOUND) {
            brisk_str raw = brisk_path(c), q = brisk_query(c);
            bool rslash = raw.len && raw.ptr[raw.len - 1] == '/';
            size_t rn = rslash ? raw.len - 1 : raw.len;
            char *loc = brisk_sprintf(c, "%.*s%.*s%s%s%.*s", (int)brisk_root_path(c).len,
                                      brisk_root_path(c).ptr, (int)rn, raw.ptr,
                                      rslash ? "" : "/", q.len ? "?" : "", (int)q.len, q.ptr);
            brisk_set_header(c, "Location", loc);
            brisk_reply_empty(c, 307);
            return;
        }
    }
    bk_app_error(c, &(brisk_http_error){.status = 404});
}

void brisk_next(brisk_ctx *c) {
    bk_app_req *st = bk_ctx_app(c);
    if (st->mw_next < st->app->nmw) {
        bk_middleware *mw = &st->app->mw[st->mw_next++];
        mw->fn(c, mw->udata);
        return;
    }
    st->mw_next++;
    endpoint(c, st);
}

static void next_caught(brisk_ctx *c, void *arg) {
    (void)arg;
    brisk_next(c);
}

void bk_app_handle(brisk_ctx *c, void *udata) {
    brisk_app *app = udata;
    bk_app_req *st = brisk_alloc(c, sizeof *st);
    /* Field by field: the match (most of the struct) is filled by the router. */
    st->app = app;
    st->mw_next = 0;
    st->catch_top = NULL;
    st->raised = NULL;
    st->failed = false;
    st->api = NULL;
    bk_ctx_set_app(c, st);
    brisk_str raw = brisk_path(c);
    /* Routes match the decoded path, as Starlette's do. */
    st->path = decode(c, raw.ptr, raw.len, 0);
    brisk_str method = brisk_method(c);
    st->rc = bk_router_match(app->router, method.ptr, method.len, st->path.ptr, st->path.len,
                             &st->m);
    /* The outermost frame: what middleware raise is answered here. Without middleware
     * every raise happens inside the endpoint's own frame. */
    if (app->nmw)
        bk_app_run_caught(c, st, next_caught, NULL);
    else
        brisk_next(c);
}

/* ---- parameters ------------------------------------------------------------------- */

brisk_str brisk_route_pattern(const brisk_ctx *c) {
    bk_app_req *st = bk_ctx_app(c);
    if (!st || st->rc != BK_ROUTE_FOUND) return (brisk_str){"", 0};
    return (brisk_str){st->m.pattern, strlen(st->m.pattern)};
}

brisk_str brisk_path_param(brisk_ctx *c, const char *name) {
    bk_app_req *st = bk_ctx_app(c);
    if (!st || st->rc != BK_ROUTE_FOUND) return (brisk_str){NULL, 0};
    size_t n = strlen(name);
    for (uint32_t i = 0; i < st->m.nparams; i++) {
        const bk_route_param *p = &st->m.params[i];
        if (p->name_len == n && memcmp(p->name, name, n) == 0)
            return (brisk_str){p->value, p->value_len};
    }
    return (brisk_str){NULL, 0};
}

bool bk_query_next(brisk_ctx *c, const char **pos, const char *end, brisk_str *key,
                   brisk_str *raw_value) {
    const char *p = *pos;
    if (p >= end) return false;
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *pe = amp ? amp : end;
    const char *eq = memchr(p, '=', (size_t)(pe - p));
    const char *ke = eq ? eq : pe;
    *key = decode(c, p, (size_t)(ke - p), 1);
    *raw_value = eq ? (brisk_str){eq + 1, (size_t)(pe - eq - 1)} : (brisk_str){"", 0};
    *pos = pe + 1;
    return true;
}

brisk_str bk_query_decode(brisk_ctx *c, brisk_str raw) { return decode(c, raw.ptr, raw.len, 1); }

brisk_str brisk_query_param(brisk_ctx *c, const char *name) {
    brisk_str q = brisk_query(c), key, value;
    size_t n = strlen(name);
    const char *p = q.ptr;
    while (bk_query_next(c, &p, q.ptr + q.len, &key, &value))
        if (key.len == n && memcmp(key.ptr, name, n) == 0) return bk_query_decode(c, value);
    return (brisk_str){NULL, 0};
}
