/* Serving the OpenAPI document: built once, sent with a strong ETag and answered 304 to
 * a client that has it. The route is the app layer's, not an API route: like FastAPI's
 * openapi route it runs no app-wide dependency and is not in the document itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/openapi.h"
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

/* If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 13.1.2). */
static bool etag_matches(brisk_str h, const char *etag) {
    size_t el = strlen(etag);
    const char *p = h.ptr, *end = h.ptr + h.len;
    while (p && p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) p++;
        if (p == end) break;
        if (*p == '*') return true;
        if (end - p >= 2 && p[0] == 'W' && p[1] == '/') p += 2;
        const char *q = p;
        if (q < end && *q == '"') {
            q++;
            while (q < end && *q != '"') q++;
            if (q < end) q++;
        } else {
            while (q < end && *q != ',' && *q != ' ' && *q != '\t') q++;
        }
        if ((size_t)(q - p) == el && memcmp(p, etag, el) == 0) return true;
        p = q;
    }
    return false;
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

static void serve(brisk_ctx *c, bk_app_req *st, bk_endpoint *ep) {
    (void)ep;
    bk_api_app *a = bk_api(st->app);
    add_root_server(a, brisk_root_path(c));
    brisk_set_header(c, "ETag", a->openapi_etag);
    brisk_set_header(c, "Cache-Control", "no-cache");
    brisk_str inm = brisk_header(c, "If-None-Match");
    if (inm.ptr && etag_matches(inm, a->openapi_etag)) {
        brisk_reply_empty(c, 304);
        return;
    }
    brisk_reply(c, 200, "application/json", a->openapi, a->openapi_len);
}

/* Shared by every app: serve() finds the app through the request. */
static bk_endpoint openapi_endpoint = {serve};

int bk_openapi_prepare(brisk_app *app) {
    bk_api_app *a = bk_api(app);
    const char *url = a->o.openapi_url;
    if (!url || !*url) return 0;
    build(a);
    char err[256];
    if (bk_app_add_route(app, "GET", url, &openapi_endpoint, err, sizeof err) != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot serve the OpenAPI document at %s: %s", url, err);
        return -1;
    }
    return 0;
}
