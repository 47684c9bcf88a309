/* The application as the API declares it (FastAPI's FastAPI()): its document metadata,
 * app-wide dependencies, and what is built once before the first request. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/docs.h"
#include "api/openapi.h"
#include "runtime/log.h"
#include "runtime/xalloc.h"

static void api_free(brisk_app *app) {
    bk_api_app *a = bk_api(app);
    if (!a) return;
    bk_docs_release(app);
    brisk_app_options *o = &a->o;
    const char **strs[] = {&o->title, &o->version, &o->summary, &o->description,
                           &o->terms_of_service, &o->contact_name, &o->contact_url,
                           &o->contact_email, &o->license_name, &o->license_identifier,
                           &o->license_url, &o->openapi_url, &o->docs_url, &o->redoc_url,
                           &o->oauth2_redirect_url};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) free((char *)*strs[i]);
    for (size_t i = 0; i < a->nservers; i++) {
        free((char *)a->servers[i].url);
        free((char *)a->servers[i].description);
    }
    free(a->servers);
    for (size_t i = 0; i < a->ntags; i++) {
        free((char *)a->tags[i].name);
        free((char *)a->tags[i].description);
        free((char *)a->tags[i].docs_url);
    }
    free(a->tags);
    free(a->deps);
    free(a->overrides);
    bk_api_routes_free(a->routes);
    free(a->openapi);
    free(a);
    app->api = NULL;
}

/* NULL takes the default; "" stays "" (that page is off). */
static const char *url_or(const char *given, const char *dflt) {
    return bk_xstrdup(given ? given : dflt);
}

brisk_app *brisk_app_new_opts(const brisk_app_options *o) {
    brisk_app *app = calloc(1, sizeof *app);
    bk_api_app *a = calloc(1, sizeof *a);
    if (!app || !a) abort();
    bk_app_init(app, o->problem_details);
    app->api = a;
    app->free_api = api_free;
    a->o = *o;
    a->o.title = bk_xstrdup(o->title ? o->title : "brisk");
    a->o.version = bk_xstrdup(o->version ? o->version : "0.1.0");
    a->o.summary = bk_xstrdup(o->summary);
    a->o.description = bk_xstrdup(o->description);
    a->o.terms_of_service = bk_xstrdup(o->terms_of_service);
    a->o.contact_name = bk_xstrdup(o->contact_name);
    a->o.contact_url = bk_xstrdup(o->contact_url);
    a->o.contact_email = bk_xstrdup(o->contact_email);
    a->o.license_name = bk_xstrdup(o->license_name);
    a->o.license_identifier = bk_xstrdup(o->license_identifier);
    a->o.license_url = bk_xstrdup(o->license_url);
    a->o.openapi_url = url_or(o->openapi_url, "/openapi.json");
    a->o.docs_url = url_or(o->docs_url, "/docs");
    a->o.redoc_url = url_or(o->redoc_url, "/redoc");
    a->o.oauth2_redirect_url = url_or(o->oauth2_redirect_url, "/docs/oauth2-redirect");
    a->o.servers = NULL;
    a->o.openapi_tags = NULL;
    a->o.depends = NULL;
    while (o->servers && o->servers[a->nservers].url) a->nservers++;
    if (a->nservers) {
        a->servers = calloc(a->nservers, sizeof *a->servers);
        if (!a->servers) abort();
        for (size_t i = 0; i < a->nservers; i++)
            a->servers[i] = (brisk_server_url){bk_xstrdup(o->servers[i].url),
                                               bk_xstrdup(o->servers[i].description)};
    }
    while (o->openapi_tags && o->openapi_tags[a->ntags].name) a->ntags++;
    if (a->ntags) {
        a->tags = calloc(a->ntags, sizeof *a->tags);
        if (!a->tags) abort();
        for (size_t i = 0; i < a->ntags; i++)
            a->tags[i] = (brisk_tag){bk_xstrdup(o->openapi_tags[i].name),
                                     bk_xstrdup(o->openapi_tags[i].description),
                                     bk_xstrdup(o->openapi_tags[i].docs_url)};
    }
    while (o->depends && o->depends[a->ndeps]) a->ndeps++;
    if (a->ndeps) {
        a->deps = calloc(a->ndeps, sizeof *a->deps);
        if (!a->deps) abort();
        memcpy(a->deps, o->depends, a->ndeps * sizeof *a->deps);
    }
    a->routes_tail = &a->routes;
    return app;
}

void brisk_app_free(brisk_app *app) {
    if (!app) return;
    if (app->free_api) app->free_api(app);
    bk_app_release(app);
    free(app);
}

int bk_api_prepare(brisk_app *app) {
    bk_api_app *a = bk_api(app);
    if (a->prepared) return 0;
    a->prepared = true;
    if (bk_openapi_prepare(app) != 0) return -1;
    return bk_docs_register(app, a->o.title, a->o.openapi_url, a->o.docs_url, a->o.redoc_url,
                            a->o.oauth2_redirect_url);
}
