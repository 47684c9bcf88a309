/* Dependencies: run at most once per request, sub-dependencies first, values cached in
 * the request; cleanups after the response is sent; overrides for tests. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "runtime/log.h"
#include "server/server.h"

bk_api_req *bk_api_req_of(const brisk_ctx *c) {
    bk_app_req *st = bk_ctx_app(c);
    return st ? st->api : NULL;
}

static const brisk_dep *effective(const brisk_app *app, const brisk_dep *d) {
    const bk_api_app *a = bk_api(app);
    for (size_t i = 0; i < a->noverrides; i++)
        if (a->overrides[i].dep == d) return a->overrides[i].with;
    return d;
}

void brisk_app_override(brisk_app *app, const brisk_dep *dep, const brisk_dep *with) {
    bk_api_app *a = bk_api(app);
    for (size_t i = 0; i < a->noverrides; i++)
        if (a->overrides[i].dep == dep) {
            if (with) {
                a->overrides[i].with = with;
            } else {
                a->overrides[i] = a->overrides[--a->noverrides];
            }
            return;
        }
    if (!with) return;
    bk_override *n = realloc(a->overrides, (a->noverrides + 1) * sizeof *n);
    if (!n) abort();
    a->overrides = n;
    a->overrides[a->noverrides++] = (bk_override){dep, with};
}

bk_api_req *bk_api_req_make(brisk_ctx *c) {
    bk_app_req *st = bk_ctx_app(c);
    if (!st->api) {
        bk_api_req *q = brisk_alloc(c, sizeof *q);
        *q = (bk_api_req){0};
        st->api = q;
    }
    return st->api;
}

void *brisk_depend(brisk_ctx *c, const brisk_dep *d) {
    bk_app_req *st = bk_ctx_app(c);
    if (!st || !d) {
        brisk_log(BRISK_LOG_ERROR, "brisk_depend: %s", st ? "no dependency" : "not in a request");
        return NULL;
    }
    bk_api_req *q = bk_api_req_make(c);
    for (size_t i = 0; i < q->ndeps; i++) {
        if (q->deps[i].dep != d) continue;
        if (q->deps[i].running)
            brisk_fail(c, "dependency %s depends on itself", d->name ? d->name : "(unnamed)");
        return q->deps[i].value;
    }
    if (q->ndeps == q->deps_cap) {
        size_t cap = q->deps_cap ? q->deps_cap * 2 : 8;
        bk_dep_slot *n = brisk_alloc(c, cap * sizeof *n);
        if (q->ndeps) memcpy(n, q->deps, q->ndeps * sizeof *n);
        q->deps = n;
        q->deps_cap = cap;
    }
    size_t slot = q->ndeps++;
    q->deps[slot] = (bk_dep_slot){.dep = d, .running = true};
    const brisk_dep *run = effective(st->app, d);
    for (size_t i = 0; run->depends && run->depends[i]; i++) brisk_depend(c, run->depends[i]);
    /* The slot array may have moved while sub-dependencies ran: index it afresh. */
    void *v = run->fn ? run->fn(c, run) : NULL;
    q->deps[slot].value = v;
    q->deps[slot].running = false;
    return v;
}

static void run_cleanups(brisk_ctx *c, void *arg) {
    bk_api_req *q = arg;
    bk_app_req *st = bk_ctx_app(c);
    bool failed = (st && st->failed) || brisk_response_status(c) >= 500;
    for (bk_cleanup *k = q->cleanups; k; k = k->next) k->fn(k->arg, failed);
    q->cleanups = NULL;
}

void brisk_defer(brisk_ctx *c, brisk_cleanup_fn fn, void *arg) {
    if (!fn || !bk_ctx_app(c)) return;
    bk_api_req *q = bk_api_req_make(c);
    bk_cleanup *k = brisk_alloc(c, sizeof *k);
    *k = (bk_cleanup){q->cleanups, fn, arg};
    if (!q->cleanups) bk_ctx_on_sent(c, run_cleanups, q);
    q->cleanups = k;
}

/* ---- parameters declared by dependencies --------------------------------------------- */

static bool same_param(const bk_rfield *a, const bk_rfield *b) {
    return a->f.in == b->f.in && a->key_len == b->key_len &&
           memcmp(a->key, b->key, a->key_len) == 0;
}

static bool add_params(const brisk_dep *d, bk_rfield **params, size_t *n, size_t *cap,
                       int depth) {
    if (depth > 64) {
        brisk_log(BRISK_LOG_CRITICAL, "dependency %s: sub-dependencies nest too deep (a cycle?)",
                  d->name ? d->name : "?");
        return false;
    }
    const brisk_security *sec = d->security;
    if (sec && sec->type == BRISK_SECURITY_API_KEY &&
        (!sec->name || !*sec->name ||
         (sec->in != BRISK_IN_HEADER && sec->in != BRISK_IN_QUERY && sec->in != BRISK_IN_COOKIE))) {
        brisk_log(BRISK_LOG_CRITICAL, "dependency %s: BRISK_API_KEY needs .name and .in "
                  "(BRISK_IN_HEADER, _QUERY or _COOKIE)", d->name ? d->name : "?");
        return false;
    }
    if (sec && (sec->type < BRISK_SECURITY_HTTP_BEARER ||
                sec->type > BRISK_SECURITY_OAUTH2_PASSWORD)) {
        brisk_log(BRISK_LOG_CRITICAL, "dependency %s: unknown security scheme type %d",
                  d->name ? d->name : "?", (int)sec->type);
        return false;
    }
    if (sec && sec->type == BRISK_SECURITY_OAUTH2_PASSWORD && (!sec->token_url || !*sec->token_url)) {
        brisk_log(BRISK_LOG_CRITICAL, "dependency %s: BRISK_OAUTH2_PASSWORD needs .token_url",
                  d->name ? d->name : "?");
        return false;
    }
    if (!d->fn && !d->params && !d->depends)
        brisk_log(BRISK_LOG_WARNING, "dependency %s does nothing: no .fn, .params or .depends",
                  d->name ? d->name : "?");
    if (d->params) {
        size_t k;
        bk_rfield *own = bk_params_resolve(d->params, &k);
        if (!own) {
            brisk_log(BRISK_LOG_CRITICAL, "dependency %s: invalid parameters",
                      d->name ? d->name : "?");
            return false;
        }
        for (size_t i = 0; i < k; i++) {
            size_t j = 0;
            while (j < *n && !same_param(&(*params)[j], &own[i])) j++;
            if (j < *n) {
                if ((*params)[j].f.kind != own[i].f.kind) {
                    brisk_log(BRISK_LOG_CRITICAL,
                              "dependency %s: parameter %s is declared twice with two kinds",
                              d->name ? d->name : "?", own[i].f.name);
                    return false;
                }
                continue;
            }
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 8;
                *params = realloc(*params, *cap * sizeof **params);
                if (!*params) abort();
            }
            (*params)[(*n)++] = own[i];
        }
    }
    for (size_t i = 0; d->depends && d->depends[i]; i++)
        if (!add_params(d->depends[i], params, n, cap, depth + 1)) return false;
    return true;
}

bool bk_dep_params(const brisk_dep *d, bk_rfield **params, size_t *n, size_t *cap) {
    return add_params(d, params, n, cap, 0);
}
