/* The app layer's own structures, shared by its files: routes, the app, and the state
 * of one request in the pipeline. */
#ifndef BK_APP_ROUTE_H
#define BK_APP_ROUTE_H

#include "app/router.h"
#include "brisk.h"
#include "model/model.h"

typedef struct bk_route {
    brisk_handler handler;
    brisk_route_options opts;
    bk_rfield *params;           /* resolved .params */
    size_t nparams;
    bk_rmodel *body;             /* resolved .body */
    struct bk_route *next;       /* all routes, for freeing */
} bk_route;

typedef struct bk_middleware {
    brisk_middleware_fn fn;
    void *udata;
} bk_middleware;

struct brisk_app {
    bk_router *router;
    bk_route *routes;
    bk_middleware *mw;
    size_t nmw, mw_cap;
    char *title, *version, *description;
    bool problem_details;
};

/* Per-request state of the app layer, in the request arena. */
typedef struct bk_app_req {
    brisk_app *app;
    int rc;                      /* BK_ROUTE_* */
    size_t mw_next;
    brisk_str path;              /* decoded */
    bk_route_match m;
    void **param_values;         /* per declared parameter: its value (csize bytes) */
    bool *param_present;
    void *body;                  /* the decoded body model */
} bk_app_req;

/* Validates the route's parameters and body; answers 422 and returns false when they
 * are invalid (or false without answering when the body could not be read). */
bool bk_params_validate(brisk_ctx *c, bk_app_req *st, const bk_route *r);

/* Writes the 422 answer for e. */
void bk_reply_validation(brisk_ctx *c, const bk_verrs *e, bool problem);

#endif
