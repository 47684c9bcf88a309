/* The OpenAPI 3.1.0 document (FastAPI's app.openapi()): built once from the routes as
 * declared, then served at the app's openapi_url with a strong ETag. */
#ifndef BK_API_OPENAPI_H
#define BK_API_OPENAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api.h"

/* The document of a's routes as JSON text (malloc'd, NUL-terminated; *len without the
 * NUL). The servers are a's, in order. Never NULL (aborts on out-of-memory). */
char *bk_openapi_build(bk_api_app *a, size_t *len);

/* Builds the document into a->openapi (with its ETag) and routes GET openapi_url to it;
 * nothing when openapi_url is "". Returns 0, or -1 (logged) when the route cannot be
 * added. */
int bk_openapi_prepare(brisk_app *app);

/* ---- shared by the document's files ------------------------------------------------ */

/* A named JSON text: a component schema or a security scheme. */
typedef struct bk_oa_named {
    char *name;
    bk_buf json;
} bk_oa_named;

typedef struct bk_oa_named_list {
    bk_oa_named *v;
    size_t n;
} bk_oa_named_list;

/* Sets name to json (taken over), as a Python dict update does: a name already there
 * keeps its place and gets the new text. */
void bk_oa_named_set(bk_oa_named_list *l, const char *name, bk_buf json);
void bk_oa_named_free(bk_oa_named_list *l);

/* Appends ,"security":[...] for every security scheme r's dependencies reach (FastAPI's
 * flat dependant order, repeats skipped), when there is one, and records the schemes'
 * definitions in *schemes. */
void bk_oa_security(bk_buf *out, const bk_api_route *r, bk_oa_named_list *schemes);

#endif
