/* The interactive documentation pages (FastAPI's /docs, /redoc and the OAuth2 redirect of
 * Swagger UI), served offline: their scripts and styles are embedded in the library
 * (src/api/assets) and served by the app itself, next to each page. */
#ifndef BK_API_DOCS_H
#define BK_API_DOCS_H

#include "brisk.h"

/*
 * Adds the pages' GET routes to app, hidden from the OpenAPI document:
 *   docs_url             Swagger UI, titled "<title> - Swagger UI", and its files under
 *                        <docs_url>/ (swagger-ui-bundle.js, swagger-ui.css, favicon.png,
 *                        oauth2-redirect.js);
 *   oauth2_redirect_url  Swagger UI's OAuth2 redirect page (only with docs_url);
 *   redoc_url            ReDoc, titled "<title> - ReDoc", and its files under <redoc_url>/.
 * NULL or "" turns that page off; an openapi_url NULL or "" turns them all off. Every URL
 * in a page is prefixed with the request's root path. The strings are copied.
 * Returns 0, or -1 (logged) when a route cannot be added.
 */
int bk_docs_register(brisk_app *app, const char *title, const char *openapi_url,
                     const char *docs_url, const char *redoc_url,
                     const char *oauth2_redirect_url);

/* Frees what bk_docs_register kept for app; call it when the app is freed. */
void bk_docs_release(brisk_app *app);

#endif
