/* The documentation pages and the files they load, all served by the app itself: a page
 * works with no network at all, and nothing is fetched from a CDN. The pages follow
 * FastAPI's get_swagger_ui_html / get_redoc_html / get_swagger_ui_oauth2_redirect_html
 * (same Swagger UI parameters, same titles), minus every external URL. */
#include "api/api.h"
#include "api/docs.h"
#include "app/app.h"

#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/assets/assets.h"

/* Asset URLs carry their content's hash (?v=), so a browser that cached an older brisk's
 * copy asks again after an upgrade; a day of freshness saves revalidations meanwhile. */
#define ASSET_CACHE_CONTROL "public, max-age=86400"

/* What the pages of one app need at request time. */
typedef struct bk_docs {
    brisk_app *app;
    struct bk_docs *next;
    char *title, *openapi_url, *oauth2_url;
    char *docs_base, *redoc_base;    /* where the pages' files are: the page URL, no '/' */
} bk_docs;

/* Every app's, so that bk_docs_release finds them (route udata must outlive the app). */
static bk_docs *registry;

static const bk_asset *asset(const char *name) {
    for (size_t i = 0; i < bk_docs_nassets; i++)
        if (strcmp(bk_docs_assets[i].name, name) == 0) return &bk_docs_assets[i];
    return NULL;
}

/* ---- escaping ---------------------------------------------------------------------- */

/* s made safe for HTML text and double-quoted attribute values. */
static char *html(brisk_ctx *c, const char *s, size_t n) {
    size_t len = 0;
    for (size_t i = 0; i < n; i++) len += strchr("&<>\"'", s[i]) && s[i] ? 6 : 1;
    char *out = brisk_alloc(c, len + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        }
        if (rep) {
            size_t rl = strlen(rep);
            memcpy(o, rep, rl);
            o += rl;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* s as a double-quoted JavaScript string that cannot end the <script> it sits in. */
static char *js(brisk_ctx *c, const char *s) {
    size_t n = strlen(s);
    char *out = brisk_alloc(c, n * 6 + 3), *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            *o++ = '\\';
            *o++ = (char)ch;
        } else if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == '\'') {
            o += sprintf(o, "\\u%04x", ch);
        } else {
            *o++ = (char)ch;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* root + path, root being the request's root path without its trailing '/' (FastAPI's
 * root_path.rstrip("/")). */
static char *rooted(brisk_ctx *c, const char *path) {
    brisk_str r = brisk_root_path(c);
    while (r.len && r.ptr[r.len - 1] == '/') r.len--;
    return brisk_sprintf(c, "%.*s%s", (int)r.len, r.ptr, path);
}

/* The URL of one of the pages' files, rooted and versioned, HTML-escaped. */
static char *asset_href(brisk_ctx *c, const char *base, const char *name) {
    const bk_asset *a = asset(name);
    char *u = rooted(c, brisk_sprintf(c, "%s/%s?v=%s", base, name, a ? a->version : ""));
    return html(c, u, strlen(u));
}

static void reply_page(brisk_ctx *c, const char *page) {
    /* The page embeds the root path and app settings; never let a cache keep a stale one. */
    brisk_set_header(c, "Cache-Control", "no-cache");
    brisk_reply(c, 200, "text/html; charset=utf-8", page, strlen(page));
}

/* ---- the pages --------------------------------------------------------------------- */

static void swagger_ui_html(brisk_ctx *c) {
    const bk_docs *d = brisk_route_udata(c);
    char *title = html(c, d->title, strlen(d->title));
    char *redirect = d->oauth2_url
        ? brisk_sprintf(c, "        oauth2RedirectUrl: window.location.origin + %s,\n",
                        js(c, rooted(c, d->oauth2_url)))
        : "";
    char *page = brisk_sprintf(c,
        "<!DOCTYPE html>\n"
        "<html lang=\"en\">\n"
        "<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n"
        "<link type=\"text/css\" rel=\"stylesheet\" href=\"%s\">\n"
        "<link rel=\"icon\" type=\"image/png\" href=\"%s\">\n"
        "<title>%s - Swagger UI</title>\n"
        "</head>\n"
        "<body>\n"
        "<div id=\"swagger-ui\">\n"
        "</div>\n"
        "<script src=\"%s\"></script>\n"
        "<script>\n"
        "    const ui = SwaggerUIBundle({\n"
        "        url: %s,\n"
        "        \"dom_id\": \"#swagger-ui\",\n"
        "        \"layout\": \"BaseLayout\",\n"
        "        \"deepLinking\": true,\n"
        "        \"showExtensions\": true,\n"
        "        \"showCommonExtensions\": true,\n"
        "%s"
        "        presets: [\n"
        "            SwaggerUIBundle.presets.apis,\n"
        "        ],\n"
        "    })\n"
        "</script>\n"
        "</body>\n"
        "</html>\n",
        asset_href(c, d->docs_base, "swagger-ui.css"),
        asset_href(c, d->docs_base, "favicon.png"), title,
        asset_href(c, d->docs_base, "swagger-ui-bundle.js"),
        js(c, rooted(c, d->openapi_url)), redirect);
    reply_page(c, page);
}

static void redoc_html(brisk_ctx *c) {
    const bk_docs *d = brisk_route_udata(c);
    char *spec = rooted(c, d->openapi_url);
    /* ReDoc 2's sidebar shows Redocly's logo from cdn.redoc.ly: the browser refuses that
     * image (and any other from elsewhere) before a request leaves the machine. */
    brisk_set_header(c, "Content-Security-Policy", "img-src 'self' data: blob:");
    /* No web fonts: FastAPI's page loads Montserrat and Roboto from Google; ReDoc falls
     * back to the system's sans-serif. */
    char *page = brisk_sprintf(c,
        "<!DOCTYPE html>\n"
        "<html lang=\"en\">\n"
        "<head>\n"
        "<title>%s - ReDoc</title>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"icon\" type=\"image/png\" href=\"%s\">\n"
        "<style>\n"
        "  body { margin: 0; padding: 0; }\n"
        "</style>\n"
        "</head>\n"
        "<body>\n"
        "<noscript>\n"
        "    ReDoc needs JavaScript to show this documentation.\n"
        "</noscript>\n"
        "<redoc spec-url=\"%s\"></redoc>\n"
        "<script src=\"%s\"></script>\n"
        "</body>\n"
        "</html>\n",
        html(c, d->title, strlen(d->title)), asset_href(c, d->redoc_base, "favicon.png"),
        html(c, spec, strlen(spec)), asset_href(c, d->redoc_base, "redoc.standalone.js"));
    reply_page(c, page);
}

/* Swagger UI opens this page in a popup as the OAuth2 redirect target; swagger-ui-dist's
 * own oauth2-redirect.js hands the result back to the opener. */
static void swagger_ui_redirect(brisk_ctx *c) {
    const bk_docs *d = brisk_route_udata(c);
    char *page = brisk_sprintf(c,
        "<!doctype html>\n"
        "<html lang=\"en-US\">\n"
        "<head>\n"
        "<title>Swagger UI: OAuth2 Redirect</title>\n"
        "</head>\n"
        "<body>\n"
        "<script src=\"%s\"></script>\n"
        "</body>\n"
        "</html>\n",
        asset_href(c, d->docs_base, "oauth2-redirect.js"));
    reply_page(c, page);
}

/* ---- the files --------------------------------------------------------------------- */

static bool ieq(const char *a, size_t n, const char *b) {
    if (strlen(b) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

static bool ows(char ch) { return ch == ' ' || ch == '\t'; }

/* A q-value is zero when it is "0", "0.", "0.0", "0.00" or "0.000" (RFC 9110 §12.4.2). */
static bool q_is_zero(const char *p, const char *end) {
    while (p < end && ows(*p)) p++;
    if (p == end || *p != '0') return false;
    for (p++; p < end && !ows(*p); p++)
        if (*p != '.' && *p != '0') return false;
    return true;
}

/* How one Accept-Encoding header rates gzip: 1 acceptable, 0 refused (q=0), -1 not named;
 * *star gets the rating of "*". */
static int rate_gzip(brisk_str v, int *star) {
    int gzip = -1;
    const char *p = v.ptr, *end = v.ptr + v.len;
    while (p < end) {
        const char *item = p;
        while (p < end && *p != ',') p++;
        const char *item_end = p;
        if (p < end) p++;
        while (item < item_end && ows(*item)) item++;
        const char *name_end = item;
        while (name_end < item_end && *name_end != ';' && !ows(*name_end)) name_end++;
        int ok = 1;
        for (const char *s = name_end; s < item_end; s++) {
            if (*s != ';') continue;
            const char *k = s + 1;
            while (k < item_end && ows(*k)) k++;
            if (item_end - k >= 2 && (k[0] == 'q' || k[0] == 'Q') && k[1] == '=')
                ok = !q_is_zero(k + 2, item_end);
        }
        size_t nl = (size_t)(name_end - item);
        if (ieq(item, nl, "gzip") || ieq(item, nl, "x-gzip")) gzip = ok;
        else if (nl == 1 && *item == '*') *star = ok;
    }
    return gzip;
}

/* Whether the client takes gzip. Without Accept-Encoding the answer is the plain file:
 * RFC 9110 would allow any coding, but a bare client (curl, a script) expects the bytes. */
static bool accepts_gzip(brisk_ctx *c) {
    int gzip = -1, star = -1;
    brisk_str name, value;
    for (size_t i = 0; brisk_header_at(c, i, &name, &value); i++) {
        if (!ieq(name.ptr, name.len, "accept-encoding")) continue;
        int r = rate_gzip(value, &star);
        if (r >= 0) gzip = r;
    }
    return gzip >= 0 ? gzip == 1 : star == 1;
}

static void serve_asset(brisk_ctx *c) {
    const bk_asset *a = brisk_route_udata(c);
    bool gz = accepts_gzip(c);
    const char *etag = gz ? a->etag_gzip : a->etag;
    brisk_set_header(c, "Vary", "Accept-Encoding");
    brisk_set_header(c, "ETag", etag);
    brisk_set_header(c, "Cache-Control", ASSET_CACHE_CONTROL);
    if (bk_if_none_match(c, etag)) {
        brisk_reply_empty(c, 304);
        return;
    }
    if (gz) {
        brisk_set_header(c, "Content-Encoding", "gzip");
        brisk_reply(c, 200, a->content_type, a->gz, a->gz_len);
        return;
    }
    struct libdeflate_decompressor *z = libdeflate_alloc_decompressor();
    if (!z) brisk_fail(c, "docs: out of memory for %s", a->name);
    void *plain = brisk_alloc(c, a->len);
    enum libdeflate_result r = libdeflate_gzip_decompress(z, a->gz, a->gz_len, plain, a->len, NULL);
    libdeflate_free_decompressor(z);
    if (r != LIBDEFLATE_SUCCESS) brisk_fail(c, "docs: the embedded %s is corrupt", a->name);
    brisk_reply(c, 200, a->content_type, plain, a->len);
}

/* ---- registration ------------------------------------------------------------------ */

static bool on(const char *url) { return url && *url; }

static char *dup_or_null(const char *s) {
    if (!on(s)) return NULL;
    char *d = strdup(s);
    if (!d) abort();
    return d;
}

/* A page's URL as the base of its files: "/docs/" and "/docs" both give "/docs". */
static char *base_of(const char *url) {
    char *b = dup_or_null(url);
    if (b) {
        size_t n = strlen(b);
        while (n && b[n - 1] == '/') b[--n] = '\0';
    }
    return b;
}

static int route(brisk_app *app, const char *path, brisk_handler h, const char *name,
                 void *udata) {
    return bk_api_route_internal(app, path, h, name, udata);
}

static int add_assets(brisk_app *app, const char *base, const char *const *names) {
    for (; *names; names++) {
        const bk_asset *a = asset(*names);
        if (!a) {
            brisk_log(BRISK_LOG_ERROR, "docs: %s is not embedded", *names);
            return -1;
        }
        char path[1024];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", base, a->name) >= sizeof path) {
            brisk_log(BRISK_LOG_ERROR, "docs: URL too long: %s", base);
            return -1;
        }
        if (route(app, path, serve_asset, "docs_asset", (void *)a) != 0) return -1;
    }
    return 0;
}

int bk_docs_register(brisk_app *app, const char *title, const char *openapi_url,
                     const char *docs_url, const char *redoc_url,
                     const char *oauth2_redirect_url) {
    if (!on(openapi_url) || (!on(docs_url) && !on(redoc_url))) return 0;
    bk_docs *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->app = app;
    d->title = strdup(title ? title : "brisk");
    if (!d->title) abort();
    d->openapi_url = dup_or_null(openapi_url);
    d->docs_base = base_of(docs_url);
    d->redoc_base = base_of(redoc_url);
    d->oauth2_url = on(docs_url) ? dup_or_null(oauth2_redirect_url) : NULL;
    d->next = registry;
    registry = d;

    if (on(docs_url)) {
        static const char *const files[] = {"swagger-ui-bundle.js", "swagger-ui.css",
                                            "favicon.png", "oauth2-redirect.js", NULL};
        if (route(app, docs_url, swagger_ui_html, "swagger_ui_html", d) != 0 ||
            add_assets(app, d->docs_base, files) != 0)
            return -1;
        if (d->oauth2_url &&
            route(app, d->oauth2_url, swagger_ui_redirect, "swagger_ui_redirect", d) != 0)
            return -1;
    }
    if (on(redoc_url)) {
        static const char *const files[] = {"redoc.standalone.js", "favicon.png", NULL};
        if (route(app, redoc_url, redoc_html, "redoc_html", d) != 0 ||
            add_assets(app, d->redoc_base, files) != 0)
            return -1;
    }
    return 0;
}

void bk_docs_release(brisk_app *app) {
    for (bk_docs **p = &registry; *p;) {
        bk_docs *d = *p;
        if (d->app != app) {
            p = &d->next;
            continue;
        }
        *p = d->next;
        free(d->title);
        free(d->openapi_url);
        free(d->oauth2_url);
        free(d->docs_base);
        free(d->redoc_base);
        free(d);
    }
}
