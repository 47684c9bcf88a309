/* CORS, as Starlette's CORSMiddleware: a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) is answered here; any other request with an Origin goes
 * on, and its response gets the CORS headers whichever layer produced it. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/mw.h"
#include "runtime/log.h"
#include "server/server.h"

typedef struct cors {
    bool allow_all_origins, allow_all_headers, credentials;
    bool explicit_origin;        /* answer the origin itself rather than "*" */
    char **origins;
    char **methods;
    char **headers;              /* allowed request headers, matched ignoring case */
    pcre2_code *re;
    pcre2_match_data *md;        /* one per process: a worker matches one at a time */
    char *expose;                /* Access-Control-Expose-Headers, or NULL */
    char *pre_methods;           /* Access-Control-Allow-Methods */
    char *pre_max_age;
    char *pre_headers;           /* Access-Control-Allow-Headers, or NULL for "*" */
} cors;

static const char *const all_methods[] = {"DELETE", "GET",  "HEAD", "OPTIONS",
                                          "PATCH",  "POST", "PUT",  NULL};
static const char *const safelisted[] = {"Accept", "Accept-Language", "Content-Language",
                                         "Content-Type", NULL};

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted(SAFELISTED | set(allow_headers)), as Starlette builds it. */
static char **allowed_headers(const char *const *given) {
    size_t ng, ns;
    char **g = bk_mw_strs_copy(given, &ng);
    char **s = bk_mw_strs_copy(safelisted, &ns);
    char **all = bk_mw_alloc((ng + ns + 1) * sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < ns; i++) all[n++] = s[i];
    for (size_t i = 0; i < ng; i++) {
        all[n] = NULL;
        if (!bk_mw_strs_has(all, g[i])) all[n++] = g[i];
    }
    all[n] = NULL;
    qsort(all, n, sizeof *all, cmp_str);
    return all;
}

static bool origin_allowed(cors *o, brisk_str origin) {
    if (o->allow_all_origins) return true;
    /* fullmatch: the whole origin, backtracking into alternatives if need be. */
    if (o->re && pcre2_match(o->re, (PCRE2_SPTR)origin.ptr, origin.len, 0, 0, o->md, NULL) >= 0)
        return true;
    for (char **p = o->origins; *p; p++)
        if (strlen(*p) == origin.len && memcmp(*p, origin.ptr, origin.len) == 0) return true;
    return false;
}

static char *cstr(brisk_ctx *c, brisk_str s) { return brisk_sprintf(c, "%.*s", (int)s.len, s.ptr); }

static bool header_allowed(cors *o, const char *h, size_t n) {
    while (n && (*h == ' ' || *h == '\t')) h++, n--; /* str.strip() */
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t')) n--;
    for (char **p = o->headers; *p; p++)
        if (strlen(*p) == n && strncasecmp(*p, h, n) == 0) return true;
    return false;
}

static void preflight(brisk_ctx *c, cors *o, brisk_str origin) {
    brisk_str method = brisk_header(c, "Access-Control-Request-Method");
    brisk_str req_headers = brisk_header(c, "Access-Control-Request-Headers");
    if (o->explicit_origin)
        brisk_set_header(c, "Vary", "Origin");
    else
        brisk_set_header(c, "Access-Control-Allow-Origin", "*");
    brisk_set_header(c, "Access-Control-Allow-Methods", o->pre_methods);
    brisk_set_header(c, "Access-Control-Max-Age", o->pre_max_age);
    if (o->pre_headers) brisk_set_header(c, "Access-Control-Allow-Headers", o->pre_headers);
    if (o->credentials) brisk_set_header(c, "Access-Control-Allow-Credentials", "true");

    const char *failures[3];
    int nf = 0;
    if (!origin_allowed(o, origin))
        failures[nf++] = "origin";
    else if (o->explicit_origin)
        brisk_set_header(c, "Access-Control-Allow-Origin", cstr(c, origin));
    if (!bk_mw_strs_has(o->methods, cstr(c, method))) failures[nf++] = "method";
    if (req_headers.ptr && o->allow_all_headers) {
        /* Allowing all means mirroring what was asked. */
        brisk_set_header(c, "Access-Control-Allow-Headers", cstr(c, req_headers));
    } else if (req_headers.ptr) {
        const char *p = req_headers.ptr, *end = p + req_headers.len;
        for (;;) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *e = comma ? comma : end;
            if (!header_allowed(o, p, (size_t)(e - p))) {
                failures[nf++] = "headers";
                break;
            }
            if (!comma) break;
            p = comma + 1;
        }
    }
    if (!nf) {
        brisk_reply_text(c, 200, "OK");
        return;
    }
    char text[64] = "Disallowed CORS ";
    for (int i = 0; i < nf; i++) {
        if (i) strcat(text, ", ");
        strcat(text, failures[i]);
    }
    brisk_reply_text(c, 400, text);
}

/* The headers of a simple (not preflight) response, set on whatever the inner layers
 * answered, replacing theirs as Starlette's headers.update() does. */
static void simple_headers(brisk_ctx *c, void *state) {
    cors *o = state;
    if (o->allow_all_origins) bk_response_header_put(c, "Access-Control-Allow-Origin", "*");
    if (o->credentials) bk_response_header_put(c, "Access-Control-Allow-Credentials", "true");
    if (o->expose) bk_response_header_put(c, "Access-Control-Expose-Headers", o->expose);
    brisk_str origin = brisk_header(c, "Origin");
    /* A request with cookies must be answered with its origin, never "*"; with a list
     * of origins the browser needs its own origin back. */
    bool mirror = o->allow_all_origins ? brisk_header(c, "Cookie").ptr != NULL
                                       : origin_allowed(o, origin);
    if (mirror) {
        bk_response_header_put(c, "Access-Control-Allow-Origin", cstr(c, origin));
        bk_mw_add_vary(c, "Origin");
    }
}

static void cors_mw(brisk_ctx *c, void *udata) {
    cors *o = udata;
    brisk_str origin = brisk_header(c, "Origin");
    if (!origin.ptr) {
        brisk_next(c);
        return;
    }
    if (brisk_str_eq(brisk_method(c), "OPTIONS") &&
        brisk_header(c, "Access-Control-Request-Method").ptr) {
        preflight(c, o, origin);
        return;
    }
    bk_ctx_on_head(c, simple_headers, o);
    brisk_next(c);
}

static void free_code(void *p) { pcre2_code_free(p); }
static void free_match_data(void *p) { pcre2_match_data_free(p); }

void brisk_use_cors_opts(brisk_app *app, const brisk_cors_options *opt) {
    cors *o = bk_mw_alloc(sizeof *o);
    o->origins = bk_mw_strs_copy(opt->allow_origins, NULL);
    o->methods = opt->allow_methods ? bk_mw_strs_copy(opt->allow_methods, NULL)
                                    : bk_mw_strs_copy(BRISK_STRS("GET"), NULL);
    if (bk_mw_strs_has(o->methods, "*")) o->methods = bk_mw_strs_copy(all_methods, NULL);
    o->allow_all_origins = bk_mw_strs_has(o->origins, "*");
    o->allow_all_headers = bk_mw_strs_has(bk_mw_strs_copy(opt->allow_headers, NULL), "*");
    o->credentials = opt->allow_credentials;
    o->explicit_origin = !o->allow_all_origins || o->credentials;
    if (opt->allow_origin_regex) {
        int err;
        PCRE2_SIZE off;
        o->re = pcre2_compile((PCRE2_SPTR)opt->allow_origin_regex, PCRE2_ZERO_TERMINATED,
                              PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &off, NULL);
        if (!o->re) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(err, msg, sizeof msg);
            /* Better not to start than to serve a policy other than the one written. */
            brisk_log(BRISK_LOG_CRITICAL, "CORS allow_origin_regex \"%s\": %s at offset %zu",
                      opt->allow_origin_regex, (char *)msg, (size_t)off);
            exit(1);
        }
        bk_mw_own(o->re, free_code);
        o->md = pcre2_match_data_create_from_pattern(o->re, NULL);
        bk_mw_own(o->md, free_match_data);
    }
    size_t nexpose;
    char **expose = bk_mw_strs_copy(opt->expose_headers, &nexpose);
    if (nexpose) o->expose = bk_mw_strs_join(expose);
    o->pre_methods = bk_mw_strs_join(o->methods);
    o->pre_max_age = bk_mw_alloc(24);
    snprintf(o->pre_max_age, 24, "%d", opt->max_age ? opt->max_age : 600);
    char **allowed = allowed_headers(opt->allow_headers);
    if (!o->allow_all_headers) o->pre_headers = bk_mw_strs_join(allowed);
    o->headers = allowed;
    brisk_app_use(app, cors_mw, o);
}
