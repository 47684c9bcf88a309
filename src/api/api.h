/* The api layer (FastAPI's part): routes with their declarations resolved, dependencies,
 * errors, the OpenAPI document and its pages. Built on the app layer (src/app). */
#ifndef BK_API_H
#define BK_API_H

#include <setjmp.h>

#include "app/route.h"
#include "brisk.h"
#include "model/model.h"

/* One dependant in the order FastAPI solves a route: each dependency once, its
 * sub-dependencies before it, the route itself last. A step's parameters are validated
 * just before it runs; a dependency whose parameters (or whose sub-dependencies') are
 * invalid is not run, and the 422 lists every problem once all steps are done. */
typedef struct bk_step {
    const brisk_dep *dep;            /* NULL: the route itself */
    uint32_t *params;                /* indices into the route's params */
    size_t nparams;
    uint32_t *subs;                  /* indices of the steps of its sub-dependencies */
    size_t nsubs;
} bk_step;

/* One route as declared, with everything copied and resolved. */
typedef struct bk_api_route {
    bk_endpoint ep;                  /* what the app layer's router holds; first member */
    char *method;                    /* "GET" */
    char *path;                      /* the full pattern, router prefixes included */
    char *name;                      /* the handler's name */
    brisk_handler handler;
    char *summary, *description, *operation_id, *response_description;
    char **tags;                     /* ntags entries, in order, no duplicates */
    size_t ntags;
    bool deprecated, hidden;
    brisk_response_doc *responses;   /* nresponses, descriptions copied */
    size_t nresponses;
    bk_rfield *params;               /* the route's own and its dependencies', merged */
    size_t nparams;
    bool params_merged;              /* params is this route's own array (to free) */
    bk_step *steps;                  /* made when the route is added to the app */
    size_t nsteps;
    brisk_model *body_model;
    bk_rmodel *body;
    bool body_optional;
    bool has_form;                   /* some params are BRISK_IN_FORM */
    brisk_model *response;
    int status;                      /* 200 unless declared */
    const brisk_dep **deps;          /* the app's, routers', then the route's own */
    size_t ndeps;
    void *udata;
    struct bk_api_route *next;       /* registration order */
} bk_api_route;

typedef struct bk_override {
    const brisk_dep *dep, *with;
} bk_override;

/* The api layer's part of an app. */
typedef struct bk_api_app {
    brisk_app_options o;             /* strings owned (copied) */
    brisk_server_url *servers;
    size_t nservers;
    brisk_tag *tags;
    size_t ntags;
    const brisk_dep **deps;
    size_t ndeps;
    bk_api_route *routes, **routes_tail;
    bk_override *overrides;
    size_t noverrides;
    bool prepared;
    char *openapi;                   /* the document, built by bk_api_prepare */
    size_t openapi_len;
    char openapi_etag[24];
} bk_api_app;

static inline bk_api_app *bk_api(const brisk_app *app) { return app->api; }

/* A dependency's value in this request. */
typedef struct bk_dep_slot {
    const brisk_dep *dep;            /* as declared (an override runs in its place) */
    void *value;
    bool running;                    /* guards against a dependency needing itself */
} bk_dep_slot;

typedef struct bk_cleanup {
    struct bk_cleanup *next;
    brisk_cleanup_fn fn;
    void *arg;
} bk_cleanup;

/* The api layer's state of one request (bk_app_req.api), in the request arena. */
typedef struct bk_api_req {
    bk_api_route *route;
    void **param_values;             /* per route->params entry: its value (csize bytes) */
    bool *param_present;
    void *body;                      /* the decoded body model */
    void *raw;                       /* the parameters' values as sent (params.c) */
    bk_dep_slot *deps;
    size_t ndeps, deps_cap;
    bk_cleanup *cleanups;            /* last registered first */
} bk_api_req;

/* The api request state of c, or NULL outside a matched api route. */
bk_api_req *bk_api_req_of(const brisk_ctx *c);
/* The same, made on first use: a dependency used before the route runs (from
 * middleware, say) still runs only once. */
bk_api_req *bk_api_req_make(brisk_ctx *c);

/* Validation in three parts, so dependencies can run between them as FastAPI runs them.
 * begin: reads and decodes the body (its errors go to eb) and collects every parameter's
 * value as sent; false when the request is answered already (an unreadable body, or one
 * that is not JSON, which FastAPI reports alone). check: validates the listed parameters
 * (each once per request) in FastAPI's order of locations, errors into e. finish: true
 * when e and eb are empty; otherwise answers 422 with e's errors, then eb's. */
bool bk_params_begin(brisk_ctx *c, bk_app_req *st, bk_api_req *q, const bk_api_route *r,
                     bk_verrs *eb);
void bk_params_check(brisk_ctx *c, bk_api_req *q, const bk_api_route *r, const uint32_t *idx,
                     size_t n, bk_verrs *e);
bool bk_params_finish(brisk_ctx *c, bk_app_req *st, bk_verrs *e, bk_verrs *eb);
/* Where a parameter is, as FastAPI names it in "loc" and OpenAPI's "in" ("body" for a
 * form field). */
const char *bk_param_in_name(brisk_in in);
/* Answers 422 for e, through the app's error handler for 422 when it has one. */
void bk_reply_validation(brisk_ctx *c, const bk_verrs *e, bool problem);

/* A GET route brisk serves for itself (the documentation pages): hidden from the
 * document, and the app's dependencies do not run on it (as in FastAPI). */
int bk_api_route_internal(brisk_app *app, const char *path, brisk_handler handler,
                          const char *name, void *udata);

/* Frees a list of routes (linked by next). */
void bk_api_routes_free(bk_api_route *r);

/* Runs a route (the bk_endpoint of every api route). */
void bk_api_run(brisk_ctx *c, bk_app_req *st, bk_endpoint *ep);

/* Appends every parameter that d and its sub-dependencies declare to *params (merging
 * with what is there: one (location, name) once). Returns false, logged, on a conflict. */
bool bk_dep_params(const brisk_dep *d, bk_rfield **params, size_t *n, size_t *cap);

/* Registers the routes the app itself serves (/openapi.json, /docs, ...) and builds the
 * OpenAPI document. Idempotent; brisk_serve and the test client call it before the first
 * request. Returns 0, or -1 when the document cannot be built (logged). */
int bk_api_prepare(brisk_app *app);

#endif
