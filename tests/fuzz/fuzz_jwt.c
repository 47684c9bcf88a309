/*
 * fuzz_jwt.c — libFuzzer target for JWT verification, the one parser that reads what an
 * unauthenticated client sends with the intent to get in.
 *
 * The input is a token. Properties checked:
 *   - bk_jwt_verify on an exact-size copy never reads outside it, returns one of the
 *     documented results, and gives claims (an object) only with BRISK_JWT_OK;
 *   - a token signed with the input's bytes as a claim verifies, and the same token with
 *     any one byte changed (which byte and how: the input's first byte) does not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fuzz_check.h"
#include "api/jwt.h"
#include "model/json_write.h"

static const char key[] = "fuzz-key-0123456789";
#define NOW 1700000000.0

static void check_verdict(brisk_jwt_result r, const brisk_value *claims) {
    CHECK(r == BRISK_JWT_OK || r == BRISK_JWT_MALFORMED || r == BRISK_JWT_BAD_ALGORITHM ||
               r == BRISK_JWT_BAD_SIGNATURE || r == BRISK_JWT_EXPIRED ||
               r == BRISK_JWT_NOT_YET_VALID);
    if (r == BRISK_JWT_OK) CHECK(claims && claims->type == BRISK_VALUE_OBJECT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    bk_arena a;
    bk_arena_init(&a, NULL, 0);
    char *tok = malloc(size ? size : 1);
    if (size) memcpy(tok, data, size);
    const brisk_value *claims = NULL;
    brisk_jwt_result r = bk_jwt_verify(&a, tok, size, key, sizeof key - 1, NOW, &claims);
    check_verdict(r, claims);
    /* A token signed over the input's bytes as a string claim, then one byte changed. */
    if (size >= 1 && size < 512) {
        bk_buf b = {0};
        brisk_json j;
        bk_json_init(&j, &b);
        brisk_json_obj(&j);
        brisk_json_key(&j, "sub");
        brisk_json_string_n(&j, (const char *)data + 1, size - 1);
        brisk_json_end_obj(&j);
        char *signed_tok = bk_jwt_sign(&a, (const char *)b.data, b.len, key, sizeof key - 1);
        bk_buf_free(&b);
        CHECK(signed_tok != NULL);
        size_t n = strlen(signed_tok);
        char *copy = malloc(n);
        memcpy(copy, signed_tok, n);
        CHECK(bk_jwt_verify(&a, copy, n, key, sizeof key - 1, NOW, &claims) ==
                   BRISK_JWT_OK);
        size_t at = data[0] % n;
        copy[at] ^= (char)(1 + data[0] / 7 % 127);
        r = bk_jwt_verify(&a, copy, n, key, sizeof key - 1, NOW, &claims);
        check_verdict(r, claims);
        CHECK(r != BRISK_JWT_OK);
        free(copy);
    }
    free(tok);
    bk_arena_reset(&a);
    return 0;
}
