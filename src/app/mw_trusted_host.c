/* TrustedHost, as Starlette's TrustedHostMiddleware: requests for a host not on the
 * list get 400, or a redirect to the www. host when only that one is allowed. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/mw.h"
#include "runtime/log.h"

typedef struct trusted_host {
    char **hosts;
    bool allow_any;
    bool www_redirect;
} trusted_host;

/* Python's urllib.parse.quote(url, safe=":/%#?=@[]!$&'()*+,;"), as Starlette's
 * RedirectResponse applies to its Location. */
static char *quote_url(brisk_ctx *c, const char *s, size_t n) {
    static const char safe[] = ":/%#?=@[]!$&'()*+,;_.-~";
    static const char hex[] = "0123456789ABCDEF";
    char *out = brisk_alloc(c, n * 3 + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            (ch && strchr(safe, ch))) {
            *o++ = (char)ch;
        } else {
            *o++ = '%';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The same URL with "www." in front of the host, the path as Starlette's scope has it
 * (percent-decoded), quoted again. */
static void www_redirect(brisk_ctx *c, brisk_str host_header) {
    brisk_str scheme = brisk_scheme(c), root = brisk_root_path(c), raw = brisk_path(c);
    brisk_str q = brisk_query(c);
    char *path = brisk_alloc(c, raw.len + 1);
    size_t plen = bk_percent_decode(path, raw.ptr, raw.len, 0);
    char *url = brisk_sprintf(c, "%.*s://www.%.*s%.*s%.*s%s%.*s", (int)scheme.len, scheme.ptr,
                              (int)host_header.len, host_header.ptr, (int)root.len, root.ptr,
                              (int)plen, path, q.len ? "?" : "", (int)q.len, q.ptr);
    brisk_set_header(c, "Location", quote_url(c, url, strlen(url)));
    brisk_reply_empty(c, 307);
}

static bool ends_with(const char *s, size_t n, const char *suffix) {
    size_t sl = strlen(suffix);
    return n >= sl && memcmp(s + n - sl, suffix, sl) == 0;
}

static void trusted_host_mw(brisk_ctx *c, void *udata) {
    trusted_host *o = udata;
    if (o->allow_any) {
        brisk_next(c);
        return;
    }
    brisk_str header = brisk_header(c, "Host");
    if (!header.ptr) header = (brisk_str){"", 0};
    const char *colon = memchr(header.ptr, ':', header.len);
    size_t hl = colon ? (size_t)(colon - header.ptr) : header.len; /* split(":")[0] */
    bool found_www = false;
    for (char **p = o->hosts; *p; p++) {
        const char *pat = *p;
        size_t pl = strlen(pat);
        if ((pl == hl && memcmp(pat, header.ptr, hl) == 0) ||
            (pat[0] == '*' && ends_with(header.ptr, hl, pat + 1))) {
            brisk_next(c);
            return;
        }
        if (pl == hl + 4 && memcmp(pat, "www.", 4) == 0 && memcmp(pat + 4, header.ptr, hl) == 0)
            found_www = true;
    }
    if (found_www && o->www_redirect)
        www_redirect(c, header);
    else
        brisk_reply_text(c, 400, "Invalid host header");
}

void brisk_use_trusted_host_opts(brisk_app *app, const brisk_trusted_host_options *opt) {
    trusted_host *o = bk_mw_alloc(sizeof *o);
    o->hosts = opt->allowed_hosts ? bk_mw_strs_copy(opt->allowed_hosts, NULL)
                                  : bk_mw_strs_copy(BRISK_STRS("*"), NULL);
    for (char **p = o->hosts; *p; p++) {
        const char *pat = *p;
        /* A wildcard anywhere else would never match as the user meant it. */
        if (strchr(pat + (pat[0] ? 1 : 0), '*') ||
            (pat[0] == '*' && pat[1] && pat[1] != '.')) {
            brisk_log(BRISK_LOG_CRITICAL,
                      "trusted host \"%s\": domain wildcard patterns must be like "
                      "'*.example.com'",
                      pat);
            exit(1);
        }
    }
    o->allow_any = bk_mw_strs_has(o->hosts, "*");
    o->www_redirect = !opt->no_www_redirect;
    brisk_app_use(app, trusted_host_mw, o);
}
