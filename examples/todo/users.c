/* The users table's one query, and password hashes (see users.h). Pool threads only. */
#include "users.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

#define HASH_LEN 32
#define SALT_MAX 64
#define DUMMY_ITERATIONS 100000
#define DUMMY_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static bool unhex(const char *hex, unsigned char *out, size_t cap, size_t *n) {
    size_t len = strlen(hex);
    if (len % 2 || len / 2 > cap) return false;
    for (size_t i = 0; i < len / 2; i++)
        if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1) return false;
    *n = len / 2;
    return true;
}

/* PBKDF2-HMAC-SHA256 of the password against the stored hash, compared in constant
 * time so the answer's timing tells nothing about how close a guess was. */
static bool password_matches(brisk_str password, const char *salt_hex, const char *hash_hex,
                             int iterations) {
    unsigned char salt[SALT_MAX], want[HASH_LEN], got[HASH_LEN];
    size_t salt_len, want_len;
    if (!unhex(salt_hex, salt, sizeof salt, &salt_len) ||
        !unhex(hash_hex, want, sizeof want, &want_len) || want_len != HASH_LEN ||
        password.len > INT_MAX || iterations < 1)
        return false;
    if (PKCS5_PBKDF2_HMAC(password.ptr, (int)password.len, salt, (int)salt_len, iterations,
                          EVP_sha256(), HASH_LEN, got) != 1)
        return false;
    return CRYPTO_memcmp(got, want, HASH_LEN) == 0;
}

void users_run(void *arg) {
    user_job *job = arg;
    job->err[0] = '\0';
    job->status = USER_ERROR;
    db_conn *conn = db_acquire(job->err, sizeof job->err);
    if (!conn) return;
    sqlite3_stmt *s = db_stmt(conn, Q_SELECT_USER, job->err, sizeof job->err);
    int rc = SQLITE_ERROR;
    if (s && job->username.len <= INT_MAX) {
        sqlite3_bind_text(s, 1, job->username.ptr, (int)job->username.len, SQLITE_STATIC);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            snprintf(job->full_name, sizeof job->full_name, "%s",
                     (const char *)sqlite3_column_text(s, 0));
            bool ok = !job->check_password ||
                      password_matches(job->password, (const char *)sqlite3_column_text(s, 1),
                                       (const char *)sqlite3_column_text(s, 2),
                                       sqlite3_column_int(s, 3));
            job->status = ok ? USER_OK : USER_UNKNOWN;
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            /* As slow as a wrong password, so timing does not tell who has an account. */
            if (job->check_password)
                password_matches(job->password, "00", DUMMY_HASH, DUMMY_ITERATIONS);
            job->status = USER_UNKNOWN;
            rc = SQLITE_OK;
        } else {
            snprintf(job->err, sizeof job->err, "users: %s", sqlite3_errmsg(conn->db));
        }
        sqlite3_reset(s);
    }
    db_release(conn, rc != SQLITE_OK);
}
