/* The app layer's own structures, shared by its files and the api layer above: the app,
 * what a route is to the router, and the state of one request in the pipeline. */
#ifndef BK_APP_ROUTE_H
#define BK_APP_ROUTE_H

#include <setjmp.h>

#include "app/router.h"
#include "brisk.h"

struct bk_app_req;

/* What the router holds for a route: the layer that registered it runs it. */
typedef struct bk_endpoint {
    void (*run)(brisk_ctx *c, struct bk_app_req *st, struct bk_endpoint *ep);
} bk_endpoint;

typedef struct bk_middleware {
    brisk_middleware_fn fn;
    void *udata;
} bk_middleware;

typedef struct bk_error_entry {
    int status;                  /* 0: every status */
    brisk_error_handler fn;
} bk_error_entry;

struct brisk_app {
    bk_router *router;
    bk_middleware *mw;
    size_t nmw, mw_cap;
    bk_error_entry *errors;
    size_t nerrors;
    bool problem_details;
    void *api;                   /* the api layer's part (src/api/api.h) */
    void (*free_api)(brisk_app *app);
};

/* Where a raise lands: the innermost active frame of the request. */
typedef struct bk_catch {
    jmp_buf jb;
    struct bk_catch *outer;
    void *header_mark;           /* headers added inside the frame are dropped on a raise */
} bk_catch;

/* Per-request state of the app layer, in the request arena. */
typedef struct bk_app_req {
    brisk_app *app;
    int rc;                      /* BK_ROUTE_* */
    size_t mw_next;
    brisk_str path;              /* decoded */
    bk_route_match m;
    bk_catch *catch_top;
    brisk_http_error *raised;    /* the error being unwound, copied */
    bool failed;                 /* raised a 5xx or failed: cleanups are told */
    void *api;                   /* the api layer's request state */
} bk_app_req;

/* Initializes the app layer's part of app (zeroed beforehand); aborts on out-of-memory. */
void bk_app_init(brisk_app *app, bool problem_details);
/* Frees what bk_app_init and later calls allocated (not app itself). */
void bk_app_release(brisk_app *app);
/* Adds a route. 0, or -1 with the reason in err. */
int bk_app_add_route(brisk_app *app, const char *method, const char *path, bk_endpoint *ep,
                     char *err, size_t errlen);

/* Answers e through the app's error handler for its status (or the default answer). */
void bk_app_error(brisk_ctx *c, const brisk_http_error *e);
/* True when the app has a handler for this status (or one for every status). */
bool bk_app_has_error_handler(const brisk_app *app, int status);

/* Runs body(c, arg) in a catch frame: a raise inside it (at any depth) unwinds to here and
 * is answered through the error handlers. Returns false when it was unwound. */
bool bk_app_run_caught(brisk_ctx *c, bk_app_req *st, void (*body)(brisk_ctx *, void *),
                       void *arg);

#endif
