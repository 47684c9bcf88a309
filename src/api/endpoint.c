/* Running an api route: parameters and body validated, dependencies run in order, then
 * the handler. Raises inside unwind to the app layer's catch frame around this. */
#include <string.h>

#include "api/api.h"
#include "server/server.h"

void bk_api_run(brisk_ctx *c, bk_app_req *st, bk_endpoint *ep) {
    bk_api_route *r = (bk_api_route *)ep;
    bk_api_req *q = bk_api_req_make(c);
    q->route = r;
    if (!r->nparams && !r->body) {
        for (size_t i = 0; i < r->ndeps; i++) brisk_depend(c, r->deps[i]);
        r->handler(c);
        return;
    }
    /* On the coroutine's stack: validation allocates only on errors. */
    bk_verrs e, eb;
    bk_verrs_init(&e, bk_ctx_arena(c));
    bk_verrs_init(&eb, bk_ctx_arena(c));
    if (!bk_params_begin(c, st, q, r, &eb)) return;
    /* As FastAPI's solve_dependencies: a dependency runs as soon as its parameters are
     * valid, so a security scheme's 401 wins over the route's own 422. */
    bool *failed = r->nsteps ? brisk_alloc(c, r->nsteps * sizeof *failed) : NULL;
    for (size_t i = 0; i < r->nsteps; i++) {
        const bk_step *s = &r->steps[i];
        size_t before = e.n;
        bk_params_check(c, q, r, s->params, s->nparams, &e);
        failed[i] = e.n != before;
        for (size_t k = 0; k < s->nsubs; k++) failed[i] |= failed[s->subs[k]];
        if (s->dep && !failed[i]) brisk_depend(c, s->dep);
    }
    if (!bk_params_finish(c, st, &e, &eb)) return;
    r->handler(c);
}

void *brisk_route_udata(const brisk_ctx *c) {
    bk_api_req *q = bk_api_req_of(c);
    return q && q->route ? q->route->udata : NULL;
}
