/* JSON Web Tokens (HS256) on an arena, with the clock as a parameter: what
 * brisk_jwt_sign / brisk_jwt_verify do, usable (and testable) without a request. */
#ifndef BK_JWT_H
#define BK_JWT_H

#include "brisk.h"
#include "runtime/arena.h"

/* Longer tokens are refused as malformed before anything is decoded. */
#define BK_JWT_MAX_LEN 65536

char *bk_jwt_sign(bk_arena *a, const char *claims_json, size_t claims_len, const void *key,
                  size_t key_len);
/* now: seconds since the epoch, compared with "exp" and "nbf". */
brisk_jwt_result bk_jwt_verify(bk_arena *a, const char *token, size_t len, const void *key,
                               size_t key_len, double now, const brisk_value **claims);

#endif
