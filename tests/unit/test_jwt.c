/* JWT (HS256): RFC 7515 appendix A.1 as a known vector, a token computed by Python's
 * hmac module as a second one, sign/verify round trips, tampering, algorithms other than
 * HS256, exp/nbf against a fixed clock, a corpus of malformed tokens, and a seeded loop
 * of random and mutated tokens (run under ASan/UBSan by `make sanitize`). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api/base64.h"
#include "api/jwt.h"

static bk_arena ja;

static void ja_setup(void) { bk_arena_init(&ja, NULL, 0); }
static void ja_teardown(void) { bk_arena_reset(&ja); }

TestSuite(jwt, .init = ja_setup, .fini = ja_teardown);

static const char secret[] = "secret";
#define NOW 1767225000.0 /* 2025-12-31T23:50:00Z: before the exp of the tokens below */

/* Verifies an exact-size heap copy, so ASan sees any read past the token. */
static brisk_jwt_result verify_n(const char *tok, size_t n, const void *key, size_t kl,
                                 double now, const brisk_value **claims) {
    char *copy = malloc(n ? n : 1);
    cr_assert(copy);
    memcpy(copy, tok, n);
    brisk_jwt_result r = bk_jwt_verify(&ja, copy, n, key, kl, now, claims);
    free(copy);
    return r;
}

static brisk_jwt_result verify(const char *tok, double now) {
    return verify_n(tok, strlen(tok), secret, strlen(secret), now, NULL);
}

static char *sign(const char *claims) {
    return bk_jwt_sign(&ja, claims, strlen(claims), secret, strlen(secret));
}

/* The HMAC straight from OpenSSL: the oracle forged tokens are signed with. */
static char *oracle_mac(const char *signing_input, size_t n) {
    unsigned char mac[32];
    unsigned int ml = 0;
    cr_assert(HMAC(EVP_sha256(), secret, (int)strlen(secret),
                   (const unsigned char *)signing_input, n, mac, &ml));
    cr_assert_eq(ml, 32);
    char *out = bk_arena_alloc(&ja, bk_b64url_len(32) + 1);
    bk_b64url_encode(out, mac, 32);
    out[bk_b64url_len(32)] = '\0';
    return out;
}

/* "header.payload.<valid signature>" for any header and payload text, signed with
 * `secret`: tokens brisk would never sign, to reach the checks after the signature. */
static char *forge(const char *header, const char *payload) {
    size_t hl = strlen(header), pl = strlen(payload);
    size_t hb = bk_b64url_len(hl), pb = bk_b64url_len(pl);
    char *tok = bk_arena_alloc(&ja, hb + pb + 2 + bk_b64url_len(32) + 1);
    bk_b64url_encode(tok, header, hl);
    tok[hb] = '.';
    bk_b64url_encode(tok + hb + 1, payload, pl);
    tok[hb + 1 + pb] = '\0';
    char *mac = oracle_mac(tok, hb + 1 + pb);
    tok[hb + 1 + pb] = '.';
    strcpy(tok + hb + 2 + pb, mac);
    return tok;
}

/* ---- known vectors ---------------------------------------------------------------- */

/* RFC 7515 A.1: its header has a CRLF and no "alg" first, its key is 64 bytes. */
static const char rfc_token[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char rfc_key_b64[] =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

static size_t rfc_key(unsigned char *key) {
    size_t n = 0;
    cr_assert(bk_b64url_decode(key, &n, rfc_key_b64, strlen(rfc_key_b64)));
    cr_assert_eq(n, 64);
    return n;
}

Test(jwt, rfc7515_a1_verifies) {
    unsigned char key[66];
    size_t kl = rfc_key(key);
    const brisk_value *claims = NULL;
    /* Its exp is 1300819380 (2011-03-22): verify one second before. */
    cr_assert_eq(verify_n(rfc_token, strlen(rfc_token), key, kl, 1300819379.0, &claims),
                 BRISK_JWT_OK);
    cr_assert(claims && claims->type == BRISK_VALUE_OBJECT);
    const brisk_value *iss = brisk_value_get(claims, "iss");
    cr_assert(iss && iss->type == BRISK_VALUE_STRING && brisk_str_eq(iss->as.s, "joe"));
    const brisk_value *root = brisk_value_get(claims, "http://example.com/is_root");
    cr_assert(root && root->type == BRISK_VALUE_BOOL && root->as.b);
    const brisk_value *exp = brisk_value_get(claims, "exp");
    cr_assert(exp && exp->type == BRISK_VALUE_INT && exp->as.i == 1300819380);
}

Test(jwt, rfc7515_a1_expired_and_wrong_key) {
    unsigned char key[66];
    size_t kl = rfc_key(key);
    const brisk_value *claims = (const brisk_value *)1;
    cr_assert_eq(verify_n(rfc_token, strlen(rfc_token), key, kl, 1300819380.0, &claims),
                 BRISK_JWT_EXPIRED);
    cr_assert_null(claims, "claims are NULL unless the token is valid");
    key[0] ^= 1;
    cr_assert_eq(verify_n(rfc_token, strlen(rfc_token), key, kl, 1300819379.0, NULL),
                 BRISK_JWT_BAD_SIGNATURE);
}

/* Computed with Python: hmac.new(b"secret", signing_input, hashlib.sha256). */
static const char py_token[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTc2NzIyNTYwMH0"
    ".5tQAlL0HW0_kc_FXgNPWLXUMD1g-4Dx52lKgEcWTbD0";

Test(jwt, sign_matches_python) {
    char *t = sign("{\"sub\":\"alice\",\"exp\":1767225600}");
    cr_assert_str_eq(t, py_token);
    cr_assert_eq(verify(py_token, NOW), BRISK_JWT_OK);
}

/* ---- round trips ------------------------------------------------------------------ */

Test(jwt, round_trips) {
    static const char *const claims[] = {
        "{}",
        "{\"sub\":\"alice\"}",
        " { \"sub\" : \"bob\", \"scopes\": [\"a\", \"b\"], \"n\": -1.5e3 } ",
        "{\"u\":\"\\u00e9\\ud83d\\ude00 caf\xc3\xa9\",\"nested\":{\"x\":[null,true,{}]}}",
        "{\"exp\":1767225600,\"nbf\":1767225000,\"iat\":1767225000}",
        "{\"a\":\"1\",\"bb\":\"22\",\"ccc\":\"333\"}", /* payload lengths of every residue */
        "{\"a\":\"1\",\"bb\":\"22\",\"ccc\":\"3333\"}",
        "{\"a\":\"1\",\"bb\":\"22\",\"ccc\":\"33333\"}",
    };
    for (size_t i = 0; i < sizeof claims / sizeof *claims; i++) {
        char *t = sign(claims[i]);
        cr_assert(t, "signing %s", claims[i]);
        cr_assert(!strchr(t, '='), "no padding: %s", t);
        cr_assert_eq(strncmp(t, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37), 0);
        const brisk_value *v = NULL;
        cr_assert_eq(verify_n(t, strlen(t), secret, strlen(secret), NOW, &v), BRISK_JWT_OK,
                     "%s", claims[i]);
        cr_assert(v && v->type == BRISK_VALUE_OBJECT);
        /* The payload is the claims text exactly as given. */
        const char *p = strchr(t, '.') + 1;
        size_t pl = (size_t)(strchr(p, '.') - p), n = 0;
        char buf[512];
        cr_assert(bk_b64url_decode(buf, &n, p, pl));
        cr_assert_eq(n, strlen(claims[i]));
        cr_assert_eq(memcmp(buf, claims[i], n), 0);
    }
}

Test(jwt, other_keys) {
    const char *t = bk_jwt_sign(&ja, "{}", 2, NULL, 0); /* an empty key is a key */
    cr_assert(t);
    cr_assert_eq(bk_jwt_verify(&ja, t, strlen(t), "", 0, NOW, NULL), BRISK_JWT_OK);
    cr_assert_eq(bk_jwt_verify(&ja, t, strlen(t), "x", 1, NOW, NULL), BRISK_JWT_BAD_SIGNATURE);
    unsigned char big[200]; /* longer than SHA-256's block: HMAC hashes it first */
    memset(big, 0xab, sizeof big);
    t = bk_jwt_sign(&ja, "{\"k\":1}", 7, big, sizeof big);
    cr_assert_eq(bk_jwt_verify(&ja, t, strlen(t), big, sizeof big, NOW, NULL), BRISK_JWT_OK);
    cr_assert_eq(bk_jwt_verify(&ja, t, strlen(t), big, sizeof big - 1, NOW, NULL),
                 BRISK_JWT_BAD_SIGNATURE);
}

Test(jwt, sign_refuses_non_objects) {
    static const char *const bad[] = {"", "[]", "[1]", "1", "\"s\"", "null", "true",
                                      "{", "{\"a\":}", "{} {}", "{\"a\":1,}", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_null(sign(bad[i]), "%s", bad[i]);
    cr_assert_null(bk_jwt_sign(&ja, NULL, 0, secret, 6));
}

/* ---- tampering -------------------------------------------------------------------- */

Test(jwt, tampered_payload) {
    char *good = sign("{\"sub\":\"alice\",\"admin\":false}");
    char *evil = sign("{\"sub\":\"alice\",\"admin\":true}");
    /* evil's payload with good's signature. */
    char tok[256];
    const char *gsig = strrchr(good, '.');
    size_t el = (size_t)(strrchr(evil, '.') - evil);
    snprintf(tok, sizeof tok, "%.*s%s", (int)el, evil, gsig);
    cr_assert_eq(verify(tok, NOW), BRISK_JWT_BAD_SIGNATURE);
    /* The header changed: {"alg":"HS256","typ":"JWS"} with the old signature. */
    char *t = sign("{\"sub\":\"alice\"}");
    char *h = forge("{\"alg\":\"HS256\",\"typ\":\"JWS\"}", "{\"sub\":\"alice\"}");
    snprintf(tok, sizeof tok, "%.*s%s", (int)(strrchr(h, '.') - h), h, strrchr(t, '.'));
    cr_assert_eq(verify(tok, NOW), BRISK_JWT_BAD_SIGNATURE);
}

Test(jwt, tampered_signature) {
    char *t = sign("{\"sub\":\"alice\"}");
    char *s = strrchr(t, '.') + 1;
    s[5] = s[5] == 'A' ? 'B' : 'A';
    cr_assert_eq(verify(t, NOW), BRISK_JWT_BAD_SIGNATURE);
    /* Truncated and extended signatures decode, but are not 32 bytes. */
    t = sign("{\"sub\":\"alice\"}");
    size_t n = strlen(t);
    t[n - 4] = '\0';
    cr_assert_eq(verify(t, NOW), BRISK_JWT_BAD_SIGNATURE);
    t = sign("{\"sub\":\"alice\"}");
    char ext[256];
    snprintf(ext, sizeof ext, "%sAAAA", t);
    cr_assert_eq(verify(ext, NOW), BRISK_JWT_BAD_SIGNATURE, "35 bytes");
    /* The last signature character with other unused bits: the same bytes, a second
     * spelling, refused. */
    t = sign("{\"sub\":\"alice\"}");
    char *last = t + strlen(t) - 1;
    const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t idx = (size_t)(strchr(alpha, *last) - alpha);
    *last = alpha[idx ^ 1]; /* the lowest of its two unused bits */
    cr_assert_eq(verify(t, NOW), BRISK_JWT_MALFORMED);
    /* No signature at all. */
    t = sign("{\"sub\":\"alice\"}");
    strrchr(t, '.')[1] = '\0';
    cr_assert_eq(verify(t, NOW), BRISK_JWT_BAD_SIGNATURE);
}

/* ---- algorithms ------------------------------------------------------------------- */

Test(jwt, alg_none_and_others_refused) {
    static const char *const headers[] = {
        "{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"None\"}", "{\"alg\":\"HS512\"}",
        "{\"alg\":\"RS256\"}", "{\"alg\":\"hs256\"}", "{\"alg\":\"HS256 \"}",
        "{\"typ\":\"JWT\"}", "{\"alg\":null}", "{\"alg\":256}", "{\"alg\":[\"HS256\"]}",
        "{\"alg\":\"HS256\\u0000\"}", "{\"alg\":\"HS256\",\"alg\":\"none\"}", "{}",
    };
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++) {
        /* Validly HMAC'd with the secret, and also with no signature, as "none" wants. */
        char *t = forge(headers[i], "{\"sub\":\"alice\"}");
        cr_assert_eq(verify(t, NOW), BRISK_JWT_BAD_ALGORITHM, "%s", headers[i]);
        strrchr(t, '.')[1] = '\0';
        cr_assert_eq(verify(t, NOW), BRISK_JWT_BAD_ALGORITHM, "%s unsigned", headers[i]);
    }
    /* The last duplicate wins, as everywhere in brisk's JSON. */
    cr_assert_eq(verify(forge("{\"alg\":\"none\",\"alg\":\"HS256\"}", "{}"), NOW), BRISK_JWT_OK);
    cr_assert_eq(verify(forge("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"1\"}", "{}"),
                        NOW),
                 BRISK_JWT_OK, "other header members are ignored");
    cr_assert_eq(verify(forge("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", "{}"), NOW),
                 BRISK_JWT_MALFORMED, "no critical extension is understood");
}

/* ---- exp and nbf ------------------------------------------------------------------ */

Test(jwt, exp_and_nbf) {
    char *t = sign("{\"exp\":1000}");
    cr_assert_eq(verify(t, 999), BRISK_JWT_OK);
    cr_assert_eq(verify(t, 999.999), BRISK_JWT_OK);
    cr_assert_eq(verify(t, 1000), BRISK_JWT_EXPIRED, "expired from its exp second on");
    cr_assert_eq(verify(t, 5000), BRISK_JWT_EXPIRED);
    t = sign("{\"nbf\":1000}");
    cr_assert_eq(verify(t, 999.5), BRISK_JWT_NOT_YET_VALID);
    cr_assert_eq(verify(t, 1000), BRISK_JWT_OK, "valid from its nbf second on");
    t = sign("{\"nbf\":1000,\"exp\":2000}");
    cr_assert_eq(verify(t, 500), BRISK_JWT_NOT_YET_VALID);
    cr_assert_eq(verify(t, 1500), BRISK_JWT_OK);
    cr_assert_eq(verify(t, 2500), BRISK_JWT_EXPIRED);
    t = sign("{\"exp\":1000.5}");
    cr_assert_eq(verify(t, 1000.25), BRISK_JWT_OK);
    cr_assert_eq(verify(t, 1000.5), BRISK_JWT_EXPIRED);
    t = sign("{\"exp\":-1}");
    cr_assert_eq(verify(t, 0), BRISK_JWT_EXPIRED);
    t = sign("{\"exp\":9223372036854775807}");
    cr_assert_eq(verify(t, NOW), BRISK_JWT_OK);
    /* Checked after the signature: a forged far exp is still a bad signature. */
    char *good = sign("{\"exp\":1000}");
    char *later = sign("{\"exp\":9999}");
    char tok[256];
    snprintf(tok, sizeof tok, "%.*s%s", (int)(strrchr(later, '.') - later), later,
             strrchr(good, '.'));
    cr_assert_eq(verify(tok, 1500), BRISK_JWT_BAD_SIGNATURE);
}

Test(jwt, non_numeric_dates_are_malformed) {
    static const char *const claims[] = {
        "{\"exp\":\"1767225600\"}", "{\"exp\":true}", "{\"exp\":null}", "{\"exp\":[1]}",
        "{\"exp\":{}}", "{\"nbf\":\"0\"}", "{\"nbf\":false}", "{\"exp\":2000000000,\"nbf\":\"x\"}",
    };
    for (size_t i = 0; i < sizeof claims / sizeof *claims; i++)
        cr_assert_eq(verify(sign(claims[i]), NOW), BRISK_JWT_MALFORMED, "%s", claims[i]);
    /* 1e400 is not a finite double. */
    cr_assert_eq(verify(forge("{\"alg\":\"HS256\"}", "{\"exp\":1e400}"), NOW),
                 BRISK_JWT_MALFORMED);
}

/* ---- malformed -------------------------------------------------------------------- */

Test(jwt, malformed_corpus) {
    const char *h = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    char *ok = sign("{\"sub\":\"alice\"}");
    const char *p = strchr(ok, '.') + 1;
    int pl = (int)(strrchr(ok, '.') - p);
    const char *s = strrchr(ok, '.') + 1;
    char buf[40][256];
    int k = 0;
    const char *corpus[64] = {
        "", ".", "..", "...", "a", "a.b", "a.b.c.d", "eyJ9", "..sig",
        "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.", "eyJhbGciOiJIUzI1NiJ9..",
        "eyJhbGciOiJIUzI1NiJ9.e30", "eyJhbGciOiJIUzI1NiJ9.e30=.", "=.=.=", "\x00.\x00.\x00",
    };
    int n = 16;
    /* The valid token with one part broken in each way. */
    snprintf(buf[k], 256, "%s.%.*s.%s.", h, pl, p, s), corpus[n++] = buf[k++];  /* 4 parts */
    snprintf(buf[k], 256, ".%.*s.%s", pl, p, s), corpus[n++] = buf[k++];        /* no header */
    snprintf(buf[k], 256, "%s..%s", h, s), corpus[n++] = buf[k++];              /* no payload */
    snprintf(buf[k], 256, "%s=.%.*s.%s", h, pl, p, s), corpus[n++] = buf[k++];  /* padding */
    snprintf(buf[k], 256, "%s.%.*s=.%s", h, pl, p, s), corpus[n++] = buf[k++];
    snprintf(buf[k], 256, "%s.%.*s.%s=", h, pl, p, s), corpus[n++] = buf[k++];
    snprintf(buf[k], 256, "%s.%.*s+.%s", h, pl, p, s), corpus[n++] = buf[k++];  /* std b64 */
    snprintf(buf[k], 256, "%s.%.*s/.%s", h, pl, p, s), corpus[n++] = buf[k++];
    snprintf(buf[k], 256, "%s.%.*sA.%s", h, pl, p, s), corpus[n++] = buf[k++];  /* len%4==1 */
    snprintf(buf[k], 256, " %s.%.*s.%s", h, pl, p, s), corpus[n++] = buf[k++];  /* blanks */
    snprintf(buf[k], 256, "%s.%.*s.%s ", h, pl, p, s), corpus[n++] = buf[k++];
    snprintf(buf[k], 256, "%s.%.*s\n.%s", h, pl, p, s), corpus[n++] = buf[k++];
    snprintf(buf[k], 256, "Bearer %s.%.*s.%s", h, pl, p, s), corpus[n++] = buf[k++];
    for (int i = 0; i < n; i++)
        cr_assert_eq(verify(corpus[i], NOW), BRISK_JWT_MALFORMED, "#%d %s", i, corpus[i]);
    /* A NUL inside the token: the length says where it ends, not the NUL. */
    size_t ol = strlen(ok);
    char withnul[256];
    memcpy(withnul, ok, ol);
    withnul[10] = '\0';
    cr_assert_eq(verify_n(withnul, ol, secret, 6, NOW, NULL), BRISK_JWT_MALFORMED);
    cr_assert_eq(bk_jwt_verify(&ja, NULL, 0, secret, 6, NOW, NULL), BRISK_JWT_MALFORMED);
}

Test(jwt, parts_that_are_not_json_objects) {
    static const char *const parts[] = {
        "", "[]", "[{\"alg\":\"HS256\"}]", "null", "1", "\"HS256\"", "{", "{\"alg\":\"HS256\"",
        "{\"alg\":\"HS256\"} x", "{\"alg\":'HS256'}", "{\"a\":\"\xff\"}", "\xef\xbb\xbf{}",
    };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        cr_assert_eq(verify(forge(parts[i], "{}"), NOW), BRISK_JWT_MALFORMED, "header %s",
                     parts[i]);
        cr_assert_eq(verify(forge("{\"alg\":\"HS256\"}", parts[i]), NOW), BRISK_JWT_MALFORMED,
                     "payload %s", parts[i]);
    }
    /* Malformed wins over a bad algorithm: the payload is read first. */
    cr_assert_eq(verify(forge("{\"alg\":\"none\"}", "[]"), NOW), BRISK_JWT_MALFORMED);
}

Test(jwt, huge_tokens) {
    /* Claims in a 64 KiB JSON object, mostly whitespace. */
    size_t big = BK_JWT_MAX_LEN;
    char *claims = malloc(big + 1);
    cr_assert(claims);
    memset(claims, ' ', big);
    claims[0] = '{';
    claims[big - 1] = '}';
    claims[big] = '\0';
    cr_assert_null(bk_jwt_sign(&ja, claims, 1000, secret, 6), "a slice that is not JSON");
    claims[999] = '}';
    char *t = bk_jwt_sign(&ja, claims, 1000, secret, 6);
    cr_assert(t);
    cr_assert_eq(verify(t, NOW), BRISK_JWT_OK);
    /* Signing refuses what verifying would: the longest payload that still fits. */
    size_t fit = (BK_JWT_MAX_LEN - 37 - 1 - 43 - 1) / 4 * 3;
    claims[999] = ' ';
    claims[fit - 1] = '}';
    t = bk_jwt_sign(&ja, claims, fit, secret, 6);
    cr_assert(t);
    cr_assert_leq(strlen(t), BK_JWT_MAX_LEN);
    cr_assert_eq(verify(t, NOW), BRISK_JWT_OK);
    cr_assert_null(bk_jwt_sign(&ja, claims, fit + 3, secret, 6), "one quad too long");
    claims[fit - 1] = ' ';
    /* A validly signed token over the limit (forged) is refused unread. */
    char *huge = forge("{\"alg\":\"HS256\"}", claims);
    cr_assert_gt(strlen(huge), BK_JWT_MAX_LEN);
    cr_assert_eq(verify(huge, NOW), BRISK_JWT_MALFORMED);
    free(claims);
    /* A megabyte of dots and letters. */
    size_t mb = 1 << 20;
    char *junk = malloc(mb);
    cr_assert(junk);
    for (size_t i = 0; i < mb; i++) junk[i] = i % 7 ? 'a' : '.';
    cr_assert_eq(verify_n(junk, mb, secret, 6, NOW, NULL), BRISK_JWT_MALFORMED);
    free(junk);
}

/* ---- random and mutated tokens ------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void) { /* xorshift64*: the same sequence on every run */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717u;
}

Test(jwt, random_and_mutated_tokens) {
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \"{}:,\x00\xff";
    /* Off the arena, which the loop resets. */
    char *seeds[] = {
        strdup(sign("{\"sub\":\"alice\",\"exp\":1767225600}")),
        strdup(sign("{\"nbf\":1,\"exp\":2e9,\"l\":[1,2,{\"x\":null}]}")),
        strdup(sign("{}")),
    };
    char tok[512];
    int counts[6] = {0};
    for (int iter = 0; iter < 30000; iter++) {
        size_t n;
        const char *seed = seeds[iter % 3];
        size_t sl = strlen(seed);
        if (iter % 4 == 0) {
            /* Random text over an alphabet biased towards tokens. */
            n = rnd() % 200;
            for (size_t i = 0; i < n; i++) tok[i] = alpha[rnd() % (sizeof alpha - 1)];
        } else {
            /* The seed with 1 to 3 edits: replace, insert, delete, truncate. */
            memcpy(tok, seed, sl);
            n = sl;
            int edits = 1 + (int)(rnd() % 3);
            for (int e = 0; e < edits && n > 0; e++) {
                size_t at = rnd() % n;
                switch (rnd() % 4) {
                case 0: tok[at] = alpha[rnd() % (sizeof alpha - 1)]; break;
                case 1:
                    if (n < sizeof tok - 1) {
                        memmove(tok + at + 1, tok + at, n - at);
                        tok[at] = alpha[rnd() % (sizeof alpha - 1)];
                        n++;
                    }
                    break;
                case 2: memmove(tok + at, tok + at + 1, n - at - 1); n--; break;
                default: n = at; break;
                }
            }
        }
        const brisk_value *claims = NULL;
        brisk_jwt_result r = verify_n(tok, n, secret, 6, NOW, &claims);
        cr_assert(r >= BRISK_JWT_OK && r <= BRISK_JWT_NOT_YET_VALID);
        counts[r]++;
        /* Only the seeds themselves verify: every other text is refused. */
        if (r == BRISK_JWT_OK) {
            cr_assert(n == sl && memcmp(tok, seed, n) == 0, "a mutant verified: %.*s",
                      (int)n, tok);
            cr_assert(claims && claims->type == BRISK_VALUE_OBJECT);
        } else {
            cr_assert_null(claims);
        }
        if (iter % 256 == 0) bk_arena_reset(&ja);
    }
    for (int i = 0; i < 3; i++) free(seeds[i]);
    /* The loop reached past the structural checks, not only MALFORMED. */
    cr_assert_gt(counts[BRISK_JWT_MALFORMED], 1000);
    cr_assert_gt(counts[BRISK_JWT_BAD_SIGNATURE], 100);
}
