/* The application: routes, middleware and the request pipeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/route.h"
#include "app/router.h"
#include "server/server.h"

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

brisk_app *brisk_app_new_opts(const brisk_app_options *o) {
    brisk_app *app = calloc(1, sizeof *app);
    if (!app || !(app->router = bk_router_new())) abort();
    app->title = dup_or_null(o->title ? o->title : "brisk");
    app->version = dup_or_null(o->version ? o->version : "0.1.0");
    app->description = dup_or_null(o->description);
    app->problem_details = o->problem_details;
    return app;
}

void brisk_app_free(brisk_app *app) {
    if (!app) return;
    bk_router_free(app->router);
    for (bk_route *r = app->routes, *next; r; r = next) {
        next = r->next;
        free(r);
    }
    free(app->mw);
    free(app->title);
    free(app->version);
    free(app->description);
    free(app);
}

const char *bk_app_title(const brisk_app *app) { return app->title; }

int brisk_route_opts(brisk_app *app, const char *method, const char *path, brisk_handler handler,
                     const brisk_route_options *o) {
    bk_route *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->handler = handler;
    r->opts = *o;
    /* Declarations are checked and copied now, so a mistake fails at start-up. */
    if (o->params && !(r->params = bk_params_resolve(o->params, &r->nparams))) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: invalid parameters", method, path);
        free(r);
        return -1;
    }
    r->opts.params = NULL;
    if (o->body && !(r->body = bk_model_resolve(o->body))) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: invalid body model", method, path);
        free(r);
        return -1;
    }
    if (o->response && !bk_model_resolve(o->response)) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: invalid response model", method,
                  path);
        free(r);
        return -1;
    }
    char err[256];
    if (!handler || bk_router_add(app->router, method, path, r, err, sizeof err) != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: %s", method, path,
                  handler ? err : "no handler");
        free(r);
        return -1;
    }
    r->next = app->routes;
    app->routes = r;
    return 0;
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

static void endpoint(brisk_ctx *c, bk_app_req *st) {
    switch (st->rc) {
    case BK_ROUTE_FOUND: {
        bk_route *r = st->m.route;
        if ((r->nparams || r->body) && !bk_params_validate(c, st, r)) return;
        r->handler(c);
        return;
    }
    case BK_ROUTE_METHOD_NOT_ALLOWED:
        brisk_set_header(c, "Allow", st->m.allow);
        brisk_reply_error(c, 405, "Method Not Allowed");
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
    brisk_reply_error(c, 404, "Not Found");
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

void bk_app_handle(brisk_ctx *c, void *udata) {
    brisk_app *app = udata;
    bk_app_req *st = brisk_alloc(c, sizeof *st);
    st->app = app;
    st->mw_next = 0;
    st->param_values = NULL;
    st->param_present = NULL;
    st->body = NULL;
    bk_ctx_set_app(c, st);
    brisk_str raw = brisk_path(c);
    /* Routes match the decoded path, as Starlette's do. */
    st->path = decode(c, raw.ptr, raw.len, 0);
    brisk_str method = brisk_method(c);
    st->rc = bk_router_match(app->router, method.ptr, method.len, st->path.ptr, st->path.len,
                             &st->m);
    brisk_next(c);
}

/* ---- parameters ------------------------------------------------------------------- */

brisk_str brisk_route_pattern(const brisk_ctx *c) {
    bk_app_req *st = bk_ctx_app(c);
    if (!st || st->rc != BK_ROUTE_FOUND) return (brisk_str){"", 0};
    return (brisk_str){st->m.pattern, strlen(st->m.pattern)};
}

void *brisk_route_udata(const brisk_ctx *c) {
    bk_app_req *st = bk_ctx_app(c);
    if (!st || st->rc != BK_ROUTE_FOUND) return NULL;
    return ((bk_route *)st->m.route)->opts.udata;
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
