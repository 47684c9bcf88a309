/* Routes and routers as the API declares them: every declaration is copied and resolved
 * at registration, so what the caller passed may live on its stack, and a mistake fails
 * at start-up. A router keeps its routes as declared; including it applies its prefix,
 * tags, dependencies and responses (and the include's own) to copies of them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "runtime/log.h"
#include "runtime/xalloc.h"

struct brisk_router {
    char *prefix;
    char **tags;
    size_t ntags;
    const brisk_dep **deps;
    size_t ndeps;
    brisk_response_doc *responses;
    size_t nresponses;
    bool deprecated, hidden;
    bk_api_route *routes, **tail;
};

/* ---- lists: tags, dependencies, responses ------------------------------------------ */

static void tags_add(char ***tags, size_t *n, const char *const *more, size_t nmore) {
    for (size_t i = 0; i < nmore; i++) {
        bool dup = false;
        for (size_t k = 0; k < *n && !dup; k++) dup = strcmp((*tags)[k], more[i]) == 0;
        if (dup) continue;
        *tags = realloc(*tags, (*n + 1) * sizeof **tags);
        if (!*tags) abort();
        (*tags)[(*n)++] = bk_xstrdup(more[i]);
    }
}

static size_t strs_len(const char *const *v) {
    size_t n = 0;
    while (v && v[n]) n++;
    return n;
}

static void deps_add(const brisk_dep ***deps, size_t *n, const brisk_dep *const *more,
                     size_t nmore) {
    if (!nmore) return;
    *deps = realloc(*deps, (*n + nmore) * sizeof **deps);
    if (!*deps) abort();
    memcpy(*deps + *n, more, nmore * sizeof *more);
    *n += nmore;
}

static size_t deps_len(const brisk_dep *const *v) {
    size_t n = 0;
    while (v && v[n]) n++;
    return n;
}

/* A later entry for the same status replaces an earlier one: the route's own wins over
 * its router's. */
static void responses_add(brisk_response_doc **rs, size_t *n, const brisk_response_doc *more,
                          size_t nmore) {
    for (size_t i = 0; i < nmore; i++) {
        brisk_response_doc d = {more[i].status, bk_xstrdup(more[i].description), more[i].model};
        size_t k = 0;
        while (k < *n && (*rs)[k].status != d.status) k++;
        if (k < *n) {
            free((char *)(*rs)[k].description);
            (*rs)[k] = d;
            continue;
        }
        *rs = realloc(*rs, (*n + 1) * sizeof **rs);
        if (!*rs) abort();
        (*rs)[(*n)++] = d;
    }
}

static size_t responses_len(const brisk_response_doc *v) {
    size_t n = 0;
    while (v && v[n].status) n++;
    return n;
}

static void route_free(bk_api_route *r) {
    free(r->method);
    free(r->path);
    free(r->name);
    free(r->summary);
    free(r->description);
    free(r->operation_id);
    free(r->response_description);
    for (size_t i = 0; i < r->ntags; i++) free(r->tags[i]);
    free(r->tags);
    for (size_t i = 0; i < r->nresponses; i++) free((char *)r->responses[i].description);
    free(r->responses);
    free(r->deps);
    if (r->params_merged) free(r->params);
    for (size_t i = 0; i < r->nsteps; i++) {
        free(r->steps[i].params);
        free(r->steps[i].subs);
    }
    free(r->steps);
    free(r);
}

void bk_api_routes_free(bk_api_route *r) {
    for (bk_api_route *next; r; r = next) {
        next = r->next;
        route_free(r);
    }
}

/* ---- declaring ------------------------------------------------------------------- */

/* A route as declared, not yet in any app: own params resolved, nothing merged. */
static bk_api_route *route_declare(const char *method, const char *path, brisk_handler handler,
                                   const char *name, const brisk_route_options *o) {
    if (!method || !path || !handler) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: %s", method ? method : "?",
                  path ? path : "?", handler ? "no method or path" : "no handler");
        return NULL;
    }
    bk_api_route *r = bk_xcalloc(1, sizeof *r);
    r->ep.run = bk_api_run;
    r->method = bk_xstrdup(method);
    r->path = bk_xstrdup(path);
    r->name = bk_xstrdup(name ? name : "endpoint");
    r->handler = handler;
    r->summary = bk_xstrdup(o->summary);
    r->description = bk_xstrdup(o->description);
    r->operation_id = bk_xstrdup(o->operation_id);
    r->response_description = bk_xstrdup(o->response_description);
    tags_add(&r->tags, &r->ntags, o->tags, strs_len(o->tags));
    r->deprecated = o->deprecated;
    r->hidden = o->hidden;
    responses_add(&r->responses, &r->nresponses, o->responses, responses_len(o->responses));
    deps_add(&r->deps, &r->ndeps, o->depends, deps_len(o->depends));
    r->udata = o->udata;
    r->body_model = o->body;
    r->body_optional = o->body_optional;
    r->response = o->response;
    r->status = o->status ? o->status : 200;
    if (o->params && !(r->params = bk_params_resolve(o->params, &r->nparams))) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: invalid parameters", method, path);
        route_free(r);
        return NULL;
    }
    if (o->body && !(r->body = bk_model_resolve(o->body))) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: invalid body model", method, path);
        route_free(r);
        return NULL;
    }
    if (o->response && !bk_model_resolve(o->response)) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: invalid response model", method,
                  path);
        route_free(r);
        return NULL;
    }
    return r;
}

/* A copy of r under a router: prefix prepended; the router's tags, dependencies and
 * responses before r's own. */
static bk_api_route *route_under(const bk_api_route *r, const char *prefix,
                                 const char *const *tags, size_t ntags,
                                 const brisk_dep *const *deps, size_t ndeps,
                                 const brisk_response_doc *rs, size_t nrs, bool deprecated,
                                 bool hidden) {
    bk_api_route *d = bk_xcalloc(1, sizeof *d);
    *d = *r;
    d->next = NULL;
    d->params_merged = false;
    d->steps = NULL;
    d->nsteps = 0;
    size_t pl = prefix ? strlen(prefix) : 0, l = strlen(r->path);
    d->path = bk_xcalloc(1, pl + l + 1);
    memcpy(d->path, prefix, pl);
    memcpy(d->path + pl, r->path, l + 1);
    d->method = bk_xstrdup(r->method);
    d->name = bk_xstrdup(r->name);
    d->summary = bk_xstrdup(r->summary);
    d->description = bk_xstrdup(r->description);
    d->operation_id = bk_xstrdup(r->operation_id);
    d->response_description = bk_xstrdup(r->response_description);
    d->tags = NULL;
    d->ntags = 0;
    tags_add(&d->tags, &d->ntags, tags, ntags);
    tags_add(&d->tags, &d->ntags, (const char *const *)r->tags, r->ntags);
    d->deps = NULL;
    d->ndeps = 0;
    deps_add(&d->deps, &d->ndeps, deps, ndeps);
    deps_add(&d->deps, &d->ndeps, r->deps, r->ndeps);
    d->responses = NULL;
    d->nresponses = 0;
    responses_add(&d->responses, &d->nresponses, rs, nrs);
    responses_add(&d->responses, &d->nresponses, r->responses, r->nresponses);
    d->deprecated = r->deprecated || deprecated;
    d->hidden = r->hidden || hidden;
    return d;
}

/* ---- into the app ------------------------------------------------------------------ */

/* FastAPI's summary: "read_item" → "Read Item" (Python's str.title after '_' → ' '). */
static char *default_summary(const char *name) {
    char *s = bk_xstrdup(name);
    bool prev_letter = false;
    for (char *p = s; *p; p++) {
        if (*p == '_') *p = ' ';
        bool letter = isalpha((unsigned char)*p);
        if (letter) *p = (char)(prev_letter ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
        prev_letter = letter;
    }
    return s;
}

/* FastAPI's generate_unique_id: name + path ({x:conv} as {x}), every non-word character
 * as '_', then "_" + the method in lower case. */
static char *default_operation_id(const char *name, const char *path, const char *method) {
    size_t n = strlen(name) + strlen(path) + strlen(method) + 2;
    char *s = bk_xcalloc(1, n);
    char *o = s;
    for (const char *p = name; *p; p++) *o++ = *p;
    for (const char *p = path; *p; p++) {
        if (*p == ':') { /* a convertor: skip to the brace */
            while (*p && *p != '}') p++;
            if (!*p) break;
        }
        *o++ = *p;
    }
    for (char *p = s; p < o; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') *p = '_';
    *o++ = '_';
    for (const char *p = method; *p; p++) *o++ = (char)tolower((unsigned char)*p);
    *o = '\0';
    return s;
}

static bool merge_params(bk_api_route *r) {
    size_t cap = r->nparams;
    bk_rfield *all = NULL;
    if (r->nparams) {
        all = bk_xcalloc(r->nparams, sizeof *all);
        memcpy(all, r->params, r->nparams * sizeof *all);
    }
    size_t n = r->nparams;
    for (size_t i = 0; i < r->ndeps; i++)
        if (!bk_dep_params(r->deps[i], &all, &n, &cap)) {
            free(all);
            return false;
        }
    r->params = all;
    r->nparams = n;
    r->params_merged = true;
    return true;
}

/* The index of the merged parameter declared as f, or -1. */
static long param_index(const bk_api_route *r, const brisk_field *f) {
    for (size_t i = 0; i < r->nparams; i++)
        if (r->params[i].f.in == f->in && strcmp(r->params[i].f.name, f->name) == 0)
            return (long)i;
    return -1;
}

static void push_u32(uint32_t **v, size_t *n, uint32_t x) {
    *v = realloc(*v, (*n + 1) * sizeof **v);
    if (!*v) abort();
    (*v)[(*n)++] = x;
}

/* Adds the steps of d (its sub-dependencies first) unless d has one; returns its index. */
static size_t add_step(bk_api_route *r, const brisk_dep *d) {
    for (size_t i = 0; i < r->nsteps; i++)
        if (r->steps[i].dep == d) return i;
    bk_step s = {.dep = d};
    /* bk_dep_params refused cycles already, so this recursion ends. */
    for (size_t k = 0; d->depends && d->depends[k]; k++)
        push_u32(&s.subs, &s.nsubs, (uint32_t)add_step(r, d->depends[k]));
    for (const brisk_field *f = d->params; f && f->kind != BRISK_K_END_; f++) {
        long i = param_index(r, f);
        if (i >= 0) push_u32(&s.params, &s.nparams, (uint32_t)i);
    }
    r->steps = realloc(r->steps, (r->nsteps + 1) * sizeof *r->steps);
    if (!r->steps) abort();
    r->steps[r->nsteps] = s;
    return r->nsteps++;
}

static void make_steps(bk_api_route *r, size_t nown) {
    for (size_t i = 0; i < r->ndeps; i++) add_step(r, r->deps[i]);
    bk_step own = {0};
    for (size_t i = 0; i < nown; i++) push_u32(&own.params, &own.nparams, (uint32_t)i);
    r->steps = realloc(r->steps, (r->nsteps + 1) * sizeof *r->steps);
    if (!r->steps) abort();
    r->steps[r->nsteps++] = own;
}

static int app_add(brisk_app *app, bk_api_route *r, bool app_deps) {
    bk_api_app *a = bk_api(app);
    if (app_deps && a->ndeps) {
        const brisk_dep **deps = bk_xcalloc(a->ndeps + r->ndeps, sizeof *deps);
        memcpy(deps, a->deps, a->ndeps * sizeof *deps);
        if (r->ndeps) memcpy(deps + a->ndeps, r->deps, r->ndeps * sizeof *deps);
        free(r->deps);
        r->deps = deps;
        r->ndeps += a->ndeps;
    }
    size_t nown = r->nparams;
    if (!merge_params(r)) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: invalid dependencies",
                  r->method, r->path);
        route_free(r);
        return -1;
    }
    for (size_t i = 0; i < r->nparams; i++)
        if (r->params[i].f.in == BRISK_IN_FORM) r->has_form = true;
    if (r->has_form && r->body) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: form fields and a body model",
                  r->method, r->path);
        route_free(r);
        return -1;
    }
    make_steps(r, nown);
    if (!r->summary) r->summary = default_summary(r->name);
    if (!r->operation_id) r->operation_id = default_operation_id(r->name, r->path, r->method);
    if (!r->response_description) r->response_description = bk_xstrdup("Successful Response");
    char err[256];
    if (bk_app_add_route(app, r->method, r->path, &r->ep, err, sizeof err) != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: %s", r->method, r->path, err);
        route_free(r);
        return -1;
    }
    *a->routes_tail = r;
    a->routes_tail = &r->next;
    return 0;
}

int brisk_app_route_opts(brisk_app *app, const char *method, const char *path,
                         brisk_handler handler, const char *name, const brisk_route_options *o) {
    bk_api_route *r = route_declare(method, path, handler, name, o);
    return r ? app_add(app, r, true) : -1;
}

int bk_api_route_internal(brisk_app *app, const char *path, brisk_handler handler,
                          const char *name, void *udata) {
    bk_api_route *r = route_declare("GET", path, handler, name,
                                    &(brisk_route_options){.hidden = true, .udata = udata});
    return r ? app_add(app, r, false) : -1;
}

/* ---- routers ---------------------------------------------------------------------- */

static bool prefix_ok(const char *p) {
    if (!p || !*p) return true;
    size_t n = strlen(p);
    if (p[0] == '/' && p[n - 1] != '/') return true;
    brisk_log(BRISK_LOG_CRITICAL, "router prefix \"%s\": must start with '/' and not end with '/'",
              p);
    return false;
}

brisk_router *brisk_router_new_opts(const brisk_router_options *o) {
    if (!prefix_ok(o->prefix)) return NULL;
    brisk_router *r = bk_xcalloc(1, sizeof *r);
    r->prefix = bk_xstrdup(o->prefix ? o->prefix : "");
    tags_add(&r->tags, &r->ntags, o->tags, strs_len(o->tags));
    deps_add(&r->deps, &r->ndeps, o->depends, deps_len(o->depends));
    responses_add(&r->responses, &r->nresponses, o->responses, responses_len(o->responses));
    r->deprecated = o->deprecated;
    r->hidden = o->hidden;
    r->tail = &r->routes;
    return r;
}

void brisk_router_free(brisk_router *r) {
    if (!r) return;
    free(r->prefix);
    for (size_t i = 0; i < r->ntags; i++) free(r->tags[i]);
    free(r->tags);
    free(r->deps);
    for (size_t i = 0; i < r->nresponses; i++) free((char *)r->responses[i].description);
    free(r->responses);
    bk_api_routes_free(r->routes);
    free(r);
}

int brisk_router_route_opts(brisk_router *rt, const char *method, const char *path,
                            brisk_handler handler, const char *name,
                            const brisk_route_options *o) {
    if (!rt) return -1;
    /* In a router "" is the prefix itself; elsewhere a path starts with '/'. */
    if (path && *path && *path != '/') {
        brisk_log(BRISK_LOG_CRITICAL, "cannot add route %s %s: a path starts with '/'",
                  method ? method : "?", path);
        return -1;
    }
    bk_api_route *r = route_declare(method, path, handler, name, o);
    if (!r) return -1;
    *rt->tail = r;
    rt->tail = &r->next;
    return 0;
}

/* Copies of r's routes with r's own attributes applied, then the include's. */
static bk_api_route *routes_included(const brisk_router *r, const brisk_router_options *o) {
    bk_api_route *out = NULL, **tail = &out;
    size_t opl = o->prefix ? strlen(o->prefix) : 0, rpl = strlen(r->prefix);
    char *prefix = bk_xcalloc(1, opl + rpl + 1);
    memcpy(prefix, o->prefix ? o->prefix : "", opl);
    memcpy(prefix + opl, r->prefix, rpl + 1);
    size_t ontags = strs_len(o->tags), ondeps = deps_len(o->depends),
           onrs = responses_len(o->responses);
    char **tags = NULL;
    size_t ntags = 0;
    tags_add(&tags, &ntags, o->tags, ontags);
    tags_add(&tags, &ntags, (const char *const *)r->tags, r->ntags);
    const brisk_dep **deps = NULL;
    size_t ndeps = 0;
    deps_add(&deps, &ndeps, o->depends, ondeps);
    deps_add(&deps, &ndeps, r->deps, r->ndeps);
    brisk_response_doc *rs = NULL;
    size_t nrs = 0;
    responses_add(&rs, &nrs, o->responses, onrs);
    responses_add(&rs, &nrs, r->responses, r->nresponses);
    for (const bk_api_route *x = r->routes; x; x = x->next) {
        *tail = route_under(x, prefix, (const char *const *)tags, ntags, deps, ndeps, rs, nrs,
                            r->deprecated || o->deprecated, r->hidden || o->hidden);
        tail = &(*tail)->next;
    }
    free(prefix);
    for (size_t i = 0; i < ntags; i++) free(tags[i]);
    free(tags);
    free(deps);
    for (size_t i = 0; i < nrs; i++) free((char *)rs[i].description);
    free(rs);
    return out;
}

int brisk_app_include_opts(brisk_app *app, const brisk_router *r, const brisk_router_options *o) {
    if (!r || !prefix_ok(o->prefix)) return -1;
    int rc = 0;
    bk_api_route *list = routes_included(r, o);
    for (bk_api_route *x = list, *next; x; x = next) {
        next = x->next;
        x->next = NULL;
        if (!*x->path) { /* "" under no prefix at all */
            free(x->path);
            x->path = bk_xstrdup("/");
        }
        if (app_add(app, x, true) != 0) rc = -1;
    }
    return rc;
}

int brisk_router_include_opts(brisk_router *parent, const brisk_router *r,
                              const brisk_router_options *o) {
    if (!parent || !r || !prefix_ok(o->prefix)) return -1;
    bk_api_route *list = routes_included(r, o);
    *parent->tail = list;
    while (*parent->tail) parent->tail = &(*parent->tail)->next;
    return 0;
}
