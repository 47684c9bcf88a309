/* Serving the OpenAPI document: built once, sent with a strong ETag and answered 304 to
 * a client that has it. Like FastAPI's openapi route it runs no app-wide dependency and is
 * not in the document itself (bk_api_route_internal). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/openapi.h"
#include "app/app.h"
#include "runtime/log.h"

/* 64-bit FNV-1a: the tag only has to change when the document does. */
static void set_etag(bk_api_app *a) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < a->openapi_len; i++) {
        h ^= (unsigned char)a->openapi[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(a->openapi_etag, sizeof a->openapi_etag, "\"%016llx\"", (unsigned long long)h);
}

static void build(bk_api_app *a) {
    free(a->openapi);
    a->openapi = bk_openapi_build(a, &a->openapi_len);
    set_etag(a);
}

/* FastAPI puts the request's root path first in servers when it is not listed (as its
 * openapi route does, once); the root path is fixed for the life of the process. */
static void add_root_server(bk_api_app *a, brisk_str root) {
    while (root.len && root.ptr[root.len - 1] == '/') root.len--;
    if (!root.len) return;
    for (size_t i = 0; i < a->nservers; i++)
        if (strlen(a->servers[i].url) == root.len &&
            memcmp(a->servers[i].url, root.ptr, root.len) == 0)
            return;
    brisk_server_url *v = realloc(a->servers, (a->nservers + 1) * sizeof *v);
    char *url = strndup(root.ptr, root.len);
    if (!v || !url) abort();
    memmove(v + 1, v, a->nservers * sizeof *v);
    v[0] = (brisk_server_url){url, NULL};
    a->servers = v;
    a->nservers++;
    build(a);
}

static void serve(brisk_ctx *c) {
    bk_api_app *a = bk_api(brisk_route_udata(c));
    add_root_server(a, brisk_root_path(c));
    brisk_set_header(c, "ETag", a->openapi_etag);
    brisk_set_header(c, "Cache-Control", "no-cache");
    if (bk_if_none_match(c, a->openapi_etag)) {
        brisk_reply_empty(c, 304);
        return;
    }
    brisk_reply(c, 200, "application/json", a->openapi, a->openapi_len);
}

int bk_openapi_prepare(brisk_app *app) {
    bk_api_app *a = bk_api(app);
    const char *url = a->o.openapi_url;
    if (!url || !*url) return 0;
    build(a);
    if (bk_api_route_internal(app, url, serve, "openapi", app) != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot serve the OpenAPI document at %s", url);
        return -1;
    }
    return 0;
}
