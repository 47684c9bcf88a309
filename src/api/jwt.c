/* JSON Web Tokens signed with HMAC-SHA256 (RFC 7519 / RFC 7515, JWS compact form).
 * Only HS256 is accepted: a verifier that takes the algorithm from the token can be made
 * to accept "none" or to treat a public key as an HMAC secret. */
#include "api/jwt.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api/base64.h"
#include "model/json_read.h"
#include "server/server.h"

#define MAC_LEN 32

/* base64url of {"alg":"HS256","typ":"JWT"}, the header of every token brisk signs. */
static const char header_b64[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

static bool hs256(const void *key, size_t key_len, const char *data, size_t len,
                  unsigned char mac[MAC_LEN]) {
    static const unsigned char no_key = 0; /* HMAC() wants a pointer even for "" */
    unsigned int n = 0;
    if (key_len > (size_t)INT32_MAX) return false;
    if (!HMAC(EVP_sha256(), key_len ? key : &no_key, (int)key_len,
              (const unsigned char *)data, len, mac, &n))
        return false;
    return n == MAC_LEN;
}

static bool is_object_text(bk_arena *a, const char *text, size_t len, brisk_value **out) {
    brisk_value *v = bk_json_parse_value(a, text, len, NULL);
    if (out) *out = v;
    return v && v->type == BRISK_VALUE_OBJECT;
}

char *bk_jwt_sign(bk_arena *a, const char *claims_json, size_t claims_len, const void *key,
                  size_t key_len) {
    if (!claims_json || claims_len > BK_JWT_MAX_LEN ||
        !is_object_text(a, claims_json, claims_len, NULL))
        return NULL;
    size_t hl = sizeof header_b64 - 1, pl = bk_b64url_len(claims_len);
    size_t signed_len = hl + 1 + pl, total = signed_len + 1 + bk_b64url_len(MAC_LEN);
    if (total > BK_JWT_MAX_LEN) return NULL; /* a token no verifier here would read */
    char *tok = bk_arena_alloc(a, total + 1);
    memcpy(tok, header_b64, hl);
    tok[hl] = '.';
    bk_b64url_encode(tok + hl + 1, claims_json, claims_len);
    unsigned char mac[MAC_LEN];
    if (!hs256(key, key_len, tok, signed_len, mac)) return NULL;
    tok[signed_len] = '.';
    bk_b64url_encode(tok + signed_len + 1, mac, MAC_LEN);
    tok[total] = '\0';
    return tok;
}

/* One base64url part of the token, decoded into the arena (NUL-terminated). */
static bool part(bk_arena *a, const char *s, size_t n, char **out, size_t *out_len) {
    *out = bk_arena_alloc(a, n / 4 * 3 + 3);
    if (!bk_b64url_decode(*out, out_len, s, n)) return false;
    (*out)[*out_len] = '\0';
    return true;
}

/* A NumericDate: a JSON number, finite. */
static bool numeric_date(const brisk_value *v, double *t) {
    if (v->type == BRISK_VALUE_INT) *t = (double)v->as.i;
    else if (v->type == BRISK_VALUE_DOUBLE && isfinite(v->as.d)) *t = v->as.d;
    else return false;
    return true;
}

brisk_jwt_result bk_jwt_verify(bk_arena *a, const char *token, size_t len, const void *key,
                               size_t key_len, double now, const brisk_value **claims) {
    if (claims) *claims = NULL;
    if (!token || len == 0 || len > BK_JWT_MAX_LEN) return BRISK_JWT_MALFORMED;
    const char *d1 = memchr(token, '.', len);
    if (!d1) return BRISK_JWT_MALFORMED;
    const char *d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token));
    if (!d2) return BRISK_JWT_MALFORMED;
    const char *end = token + len;
    if (memchr(d2 + 1, '.', (size_t)(end - d2 - 1))) return BRISK_JWT_MALFORMED;

    char *htext, *ptext, *sig;
    size_t hlen, plen, slen;
    brisk_value *header, *payload;
    /* Every part decodes and both JSON parts are objects, or the token is malformed,
     * whatever its algorithm or signature. */
    if (!part(a, token, (size_t)(d1 - token), &htext, &hlen) ||
        !part(a, d1 + 1, (size_t)(d2 - d1 - 1), &ptext, &plen) ||
        !part(a, d2 + 1, (size_t)(end - d2 - 1), &sig, &slen) ||
        !is_object_text(a, htext, hlen, &header) || !is_object_text(a, ptext, plen, &payload))
        return BRISK_JWT_MALFORMED;

    const brisk_value *alg = brisk_value_get(header, "alg");
    if (!alg || alg->type != BRISK_VALUE_STRING || !brisk_str_eq(alg->as.s, "HS256"))
        return BRISK_JWT_BAD_ALGORITHM;
    /* RFC 7515 4.1.11: extensions marked critical must be understood; brisk knows none. */
    if (brisk_value_get(header, "crit")) return BRISK_JWT_MALFORMED;

    unsigned char mac[MAC_LEN];
    if (!hs256(key, key_len, token, (size_t)(d2 - token), mac)) return BRISK_JWT_BAD_SIGNATURE;
    if (slen != MAC_LEN || CRYPTO_memcmp(mac, sig, MAC_LEN) != 0) return BRISK_JWT_BAD_SIGNATURE;

    /* Checked as PyJWT does: both claims must be numbers; "nbf" first, then "exp"; a token
     * is expired from its "exp" second on (RFC 7519 4.1.4: now must be before it). */
    const brisk_value *exp = brisk_value_get(payload, "exp");
    const brisk_value *nbf = brisk_value_get(payload, "nbf");
    double exp_t = 0, nbf_t = 0;
    if ((exp && !numeric_date(exp, &exp_t)) || (nbf && !numeric_date(nbf, &nbf_t)))
        return BRISK_JWT_MALFORMED;
    if (nbf && now < nbf_t) return BRISK_JWT_NOT_YET_VALID;
    if (exp && now >= exp_t) return BRISK_JWT_EXPIRED;
    if (claims) *claims = payload;
    return BRISK_JWT_OK;
}

static double wall_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *brisk_jwt_sign(brisk_ctx *c, const char *claims_json, const void *key, size_t key_len) {
    if (!claims_json) return NULL;
    return bk_jwt_sign(bk_ctx_arena(c), claims_json, strlen(claims_json), key, key_len);
}

brisk_jwt_result brisk_jwt_verify(brisk_ctx *c, brisk_str token, const void *key,
                                  size_t key_len, const brisk_value **claims) {
    return bk_jwt_verify(bk_ctx_arena(c), token.ptr, token.len, key, key_len, wall_clock(),
                         claims);
}
