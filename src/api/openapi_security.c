/* The document's security: an operation's requirements and the schemes' definitions,
 * as FastAPI derives them from the security dependencies a route reaches. */
#include <stdlib.h>
#include <string.h>

#include "api/openapi.h"
#include "model/json_write.h"

typedef struct seen {
    const brisk_dep *dep;
    char *scopes;                    /* sorted, deduplicated, '\n'-joined */
} seen;

typedef struct walk {
    const char **scopes;             /* accumulated down the current chain */
    size_t nscopes, cap;
    seen *seen;
    size_t nseen;
    bk_buf reqs;                     /* the "security" array's items */
    size_t nreqs;
    bk_oa_named_list *schemes;
} walk;

static void put_str(bk_buf *b, const char *s) { bk_json_escape(b, s, strlen(s)); }

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* FastAPI's cache key of a dependant: the callable and the set of its scopes. */
static char *scopes_key(const walk *w) {
    const char **v = calloc(w->nscopes + 1, sizeof *v);
    if (!v) abort();
    if (w->nscopes) memcpy(v, w->scopes, w->nscopes * sizeof *v);
    qsort(v, w->nscopes, sizeof *v, cmp_str);
    bk_buf k = {0};
    for (size_t i = 0; i < w->nscopes; i++) {
        if (i && strcmp(v[i], v[i - 1]) == 0) continue;
        bk_buf_append(&k, v[i], strlen(v[i]));
        bk_buf_putc(&k, '\n');
    }
    bk_buf_putc(&k, '\0');
    free(v);
    return k.data;
}

static const char *scheme_name(const brisk_security *s) {
    if (s->scheme_name) return s->scheme_name;
    switch (s->type) {
    case BRISK_SECURITY_HTTP_BEARER: return "HTTPBearer";
    case BRISK_SECURITY_HTTP_BASIC: return "HTTPBasic";
    case BRISK_SECURITY_OAUTH2_PASSWORD: return "OAuth2PasswordBearer";
    case BRISK_SECURITY_API_KEY:
        return s->in == BRISK_IN_QUERY    ? "APIKeyQuery"
               : s->in == BRISK_IN_COOKIE ? "APIKeyCookie"
                                          : "APIKeyHeader";
    }
    return "Security";
}

/* The scheme's model as FastAPI's jsonable_encoder(exclude_none=True) writes it. */
static bk_buf definition(const brisk_security *s) {
    bk_buf b = {0};
    switch (s->type) {
    case BRISK_SECURITY_HTTP_BEARER:
    case BRISK_SECURITY_HTTP_BASIC: bk_buf_lit(&b, "{\"type\":\"http\""); break;
    case BRISK_SECURITY_API_KEY: bk_buf_lit(&b, "{\"type\":\"apiKey\""); break;
    case BRISK_SECURITY_OAUTH2_PASSWORD: bk_buf_lit(&b, "{\"type\":\"oauth2\""); break;
    }
    if (s->description) {
        bk_buf_lit(&b, ",\"description\":");
        put_str(&b, s->description);
    }
    switch (s->type) {
    case BRISK_SECURITY_HTTP_BEARER:
        bk_buf_lit(&b, ",\"scheme\":\"bearer\"");
        if (s->bearer_format) {
            bk_buf_lit(&b, ",\"bearerFormat\":");
            put_str(&b, s->bearer_format);
        }
        break;
    case BRISK_SECURITY_HTTP_BASIC: bk_buf_lit(&b, ",\"scheme\":\"basic\""); break;
    case BRISK_SECURITY_API_KEY:
        bk_buf_lit(&b, ",\"in\":");
        put_str(&b, s->in == BRISK_IN_QUERY ? "query" : s->in == BRISK_IN_COOKIE ? "cookie"
                                                                                 : "header");
        bk_buf_lit(&b, ",\"name\":");
        put_str(&b, s->name ? s->name : "");
        break;
    case BRISK_SECURITY_OAUTH2_PASSWORD:
        bk_buf_lit(&b, ",\"flows\":{\"password\":{");
        if (s->refresh_url) {
            bk_buf_lit(&b, "\"refreshUrl\":");
            put_str(&b, s->refresh_url);
            bk_buf_putc(&b, ',');
        }
        bk_buf_lit(&b, "\"scopes\":{");
        for (size_t i = 0; s->scopes && s->scopes[i] && s->scopes[i + 1]; i += 2) {
            if (i) bk_buf_putc(&b, ',');
            put_str(&b, s->scopes[i]);
            bk_buf_putc(&b, ':');
            put_str(&b, s->scopes[i + 1]);
        }
        bk_buf_lit(&b, "},\"tokenUrl\":");
        put_str(&b, s->token_url ? s->token_url : "");
        bk_buf_lit(&b, "}}");
        break;
    }
    bk_buf_putc(&b, '}');
    return b;
}

/* Pre-order, as FastAPI's get_flat_dependant: a dependency's own requirement, then its
 * sub-dependencies'; a (dependency, scopes) pair seen before is skipped. */
static void visit(walk *w, const brisk_dep *d) {
    if (!d) return;
    size_t mark = w->nscopes;
    for (size_t i = 0; d->scopes && d->scopes[i]; i++) {
        if (w->nscopes == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 8;
            w->scopes = realloc(w->scopes, w->cap * sizeof *w->scopes);
            if (!w->scopes) abort();
        }
        w->scopes[w->nscopes++] = d->scopes[i];
    }
    char *key = scopes_key(w);
    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen[i].dep == d && strcmp(w->seen[i].scopes, key) == 0) {
            free(key);
            w->nscopes = mark;
            return;
        }
    seen *ns = realloc(w->seen, (w->nseen + 1) * sizeof *ns);
    if (!ns) abort();
    ns[w->nseen++] = (seen){d, key};
    w->seen = ns;
    if (d->security) {
        const brisk_security *s = d->security;
        const char *name = scheme_name(s);
        if (w->nreqs++) bk_buf_putc(&w->reqs, ',');
        bk_buf_putc(&w->reqs, '{');
        put_str(&w->reqs, name);
        bk_buf_lit(&w->reqs, ":[");
        /* Only OAuth2 requirements carry scopes (FastAPI's rule). */
        if (s->type == BRISK_SECURITY_OAUTH2_PASSWORD)
            for (size_t i = 0; i < w->nscopes; i++) {
                if (i) bk_buf_putc(&w->reqs, ',');
                put_str(&w->reqs, w->scopes[i]);
            }
        bk_buf_lit(&w->reqs, "]}");
        bk_oa_named_set(w->schemes, name, definition(s));
    }
    for (size_t i = 0; d->depends && d->depends[i]; i++) visit(w, d->depends[i]);
    w->nscopes = mark;
}

void bk_oa_security(bk_buf *out, const bk_api_route *r, bk_oa_named_list *schemes) {
    walk w = {.schemes = schemes};
    for (size_t i = 0; i < r->ndeps; i++) visit(&w, r->deps[i]);
    if (w.nreqs) {
        bk_buf_lit(out, ",\"security\":[");
        bk_buf_append(out, w.reqs.data, w.reqs.len);
        bk_buf_putc(out, ']');
    }
    bk_buf_free(&w.reqs);
    for (size_t i = 0; i < w.nseen; i++) free(w.seen[i].scopes);
    free(w.seen);
    free(w.scopes);
}
