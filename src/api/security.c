/* Security schemes: the dependencies behind BRISK_HTTP_BEARER, BRISK_HTTP_BASIC,
 * BRISK_API_KEY and BRISK_OAUTH2_PASSWORD. They behave as fastapi.security does since
 * FastAPI 0.122.0 (PR #13786, unchanged through the 0.16x releases): every failure is
 * 401 "Not authenticated" with a WWW-Authenticate challenge (before 0.122 it was 403,
 * and Basic said "Invalid authentication credentials"). Request parsing follows what
 * FastAPI reads through Starlette: the first Authorization header, the last value of a
 * query key, the first Cookie header with its last value of a name. */
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/base64.h"
#include "app/app.h"
#include "runtime/arena.h"
#include "server/server.h"

static BRISK_NORETURN void not_authenticated(brisk_ctx *c, const char *challenge) {
    brisk_raise(c, 401, .detail = "Not authenticated",
                .headers = BRISK_STRS("WWW-Authenticate", challenge));
}

/* A credential answers NULL when optional (auto_error=False), else raises. */
static void *missing(brisk_ctx *c, const brisk_security *s, const char *challenge) {
    if (s->optional) return NULL;
    not_authenticated(c, challenge);
}

/* NUL-terminated too, so a credential can be handed to C string functions. */
static brisk_str arena_copy(brisk_ctx *c, const char *p, size_t n) {
    return (brisk_str){bk_arena_strndup(bk_ctx_arena(c), p, n), n};
}

static brisk_credentials *credentials(brisk_ctx *c, brisk_str scheme, brisk_str cred) {
    brisk_credentials *cr = brisk_alloc(c, sizeof *cr);
    memset(cr, 0, sizeof *cr);
    cr->scheme = arena_copy(c, scheme.ptr, scheme.len);
    cr->credentials = arena_copy(c, cred.ptr, cred.len);
    return cr;
}

/* FastAPI's get_authorization_scheme_param: the value split at its first space. False
 * when the header is absent or empty. */
static bool authorization(brisk_ctx *c, brisk_str *scheme, brisk_str *param) {
    brisk_str h = brisk_header(c, "authorization");
    if (!h.ptr || !h.len) return false;
    const char *sp = memchr(h.ptr, ' ', h.len);
    size_t sl = sp ? (size_t)(sp - h.ptr) : h.len;
    *scheme = (brisk_str){h.ptr, sl};
    *param = sp ? (brisk_str){sp + 1, h.len - sl - 1} : (brisk_str){"", 0};
    return true;
}

static bool scheme_is(brisk_str s, const char *want) {
    size_t n = strlen(want);
    return s.len == n && strncasecmp(s.ptr, want, n) == 0;
}

static void *http_bearer(brisk_ctx *c, const brisk_security *s) {
    brisk_str scheme, param;
    /* A wrong scheme is "missing" too since 0.122 (it was "Invalid authentication
     * credentials" before), and optional schemes then give NULL as well. */
    if (!authorization(c, &scheme, &param) || !scheme.len || !param.len ||
        !scheme_is(scheme, "bearer"))
        return missing(c, s, "Bearer");
    return credentials(c, scheme, param);
}

static void *http_basic(brisk_ctx *c, const brisk_security *s) {
    const char *challenge =
        s->realm && *s->realm ? brisk_sprintf(c, "Basic realm=\"%s\"", s->realm) : "Basic";
    brisk_str scheme, param;
    if (!authorization(c, &scheme, &param) || !scheme_is(scheme, "basic"))
        return missing(c, s, challenge);
    /* Undecodable credentials raise even when the scheme is optional, as in FastAPI:
     * the client did try to authenticate. */
    char *raw = brisk_alloc(c, param.len / 4 * 3 + 4);
    size_t n;
    if (!bk_b64_decode_py(raw, &n, param.ptr, param.len)) not_authenticated(c, challenge);
    for (size_t i = 0; i < n; i++) /* .decode("ascii") */
        if ((unsigned char)raw[i] >= 0x80) not_authenticated(c, challenge);
    const char *colon = memchr(raw, ':', n);
    if (!colon) not_authenticated(c, challenge);
    brisk_credentials *cr = credentials(c, scheme, param);
    size_t ul = (size_t)(colon - raw);
    cr->username = arena_copy(c, raw, ul);
    cr->password = arena_copy(c, colon + 1, n - ul - 1);
    return cr;
}

/* Starlette's request.cookies: the first Cookie header; the last `name` wins. */
static brisk_str cookie_value(brisk_ctx *c, const char *name) {
    brisk_str h = brisk_header(c, "cookie"), found = {NULL, 0}, key, value;
    if (!h.ptr) return found;
    size_t nl = strlen(name);
    const char *p = h.ptr;
    while (bk_cookie_next(c, &p, h.ptr + h.len, &key, &value))
        if (key.len == nl && memcmp(key.ptr, name, nl) == 0) found = value;
    return found;
}

/* Starlette's query_params.get: the last value of the key. */
static brisk_str query_value(brisk_ctx *c, const char *name) {
    brisk_str q = brisk_query(c), key, raw, found = {NULL, 0};
    if (!q.ptr) return found;
    size_t nl = strlen(name);
    const char *p = q.ptr;
    bool seen = false;
    brisk_str last = {NULL, 0};
    while (bk_query_next(c, &p, q.ptr + q.len, &key, &raw))
        if (key.len == nl && memcmp(key.ptr, name, nl) == 0) last = raw, seen = true;
    if (seen) found = bk_query_decode(c, last);
    return found;
}

static void *api_key(brisk_ctx *c, const brisk_security *s) {
    if (!s->name || !*s->name) brisk_fail(c, "BRISK_API_KEY without .name");
    brisk_str v;
    switch (s->in) {
    case BRISK_IN_HEADER: v = brisk_header(c, s->name); break;
    case BRISK_IN_QUERY: v = query_value(c, s->name); break;
    case BRISK_IN_COOKIE: v = cookie_value(c, s->name); break;
    default: brisk_fail(c, "BRISK_API_KEY %s: .in must be header, query or cookie", s->name);
    }
    /* An empty key is no key ("if not api_key"). The challenge is not standard; it is
     * FastAPI's. */
    if (!v.ptr || !v.len) return missing(c, s, "APIKey");
    return credentials(c, (brisk_str){"", 0}, v);
}

/* OAuth2PasswordBearer: unlike HTTPBearer, "Bearer" with nothing after it gives an
 * empty token instead of a 401. */
static void *oauth2_password(brisk_ctx *c, const brisk_security *s) {
    brisk_str scheme, param;
    if (!authorization(c, &scheme, &param) || !scheme_is(scheme, "bearer"))
        return missing(c, s, "Bearer");
    return credentials(c, scheme, param);
}

void *brisk_security_dep_(brisk_ctx *c, const brisk_dep *self) {
    const brisk_security *s = self ? self->security : NULL;
    if (!s) brisk_fail(c, "security dependency %s has no scheme", self ? self->name : "?");
    switch (s->type) {
    case BRISK_SECURITY_HTTP_BEARER: return http_bearer(c, s);
    case BRISK_SECURITY_HTTP_BASIC: return http_basic(c, s);
    case BRISK_SECURITY_API_KEY: return api_key(c, s);
    case BRISK_SECURITY_OAUTH2_PASSWORD: return oauth2_password(c, s);
    }
    brisk_fail(c, "security dependency %s: unknown scheme type %d", self->name, (int)s->type);
}
