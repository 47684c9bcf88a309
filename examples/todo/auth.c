/* Log in, and tell who is logged in (see auth.h). */
#include "auth.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "models.h"
#include "users.h"

#define TOKEN_MINUTES 30

static unsigned char key[64];
static size_t key_len;

int auth_configure(void) {
    const char *secret = getenv("TODO_SECRET");
    if (secret && *secret) {
        key_len = strlen(secret) < sizeof key ? strlen(secret) : sizeof key;
        memcpy(key, secret, key_len);
        return 0;
    }
    key_len = 32;
    if (RAND_bytes(key, (int)key_len) != 1) return -1;
    brisk_log(BRISK_LOG_WARNING, "TODO_SECRET is not set: tokens last until the next restart");
    return 0;
}

static BRISK_NORETURN void unauthorized(brisk_ctx *c, const char *detail) {
    brisk_raise(c, 401, .detail = detail, .headers = BRISK_STRS("WWW-Authenticate", "Bearer"));
}

static void run_users(brisk_ctx *c, user_job *job) {
    if (brisk_run_blocking(c, users_run, job) != 0) brisk_raise(c, 503, .detail = "Server busy");
    if (job->status == USER_ERROR) brisk_fail(c, "users (%s): %s", db_path(), job->err);
}

/* s as a JSON string (quotes included), in the request's memory. */
static const char *json_quote(brisk_ctx *c, brisk_str s) {
    char *out = brisk_alloc(c, s.len * 6 + 3), *o = out;
    *o++ = '"';
    for (size_t i = 0; i < s.len; i++) {
        unsigned char ch = (unsigned char)s.ptr[i];
        if (ch == '"' || ch == '\\') {
            *o++ = '\\';
            *o++ = (char)ch;
        } else if (ch < 0x20) {
            o += sprintf(o, "\\u%04x", ch);
        } else {
            *o++ = (char)ch;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* POST /token: the form is validated by brisk (BRISK_OAUTH2_PASSWORD_FORM). */
static void login(brisk_ctx *c) {
    user_job job = {.username = brisk_param_str(c, "username"),
                    .password = brisk_param_str(c, "password"), .check_password = true};
    run_users(c, &job);
    if (job.status != USER_OK) unauthorized(c, "Incorrect username or password");
    const char *claims = brisk_sprintf(c, "{\"sub\":%s,\"exp\":%lld}", json_quote(c, job.username),
                                       (long long)time(NULL) + TOKEN_MINUTES * 60);
    Token token = {.access_token = {0}, .token_type = BRISK_LIT("bearer")};
    const char *jwt = brisk_jwt_sign(c, claims, key, key_len);
    if (!jwt) brisk_fail(c, "cannot sign %s", claims);
    token.access_token = (brisk_str){jwt, strlen(jwt)};
    brisk_reply_model(c, 200, &Token_model, &token);
}

/* The username of a valid, unexpired token signed with our key; 401 otherwise (and,
 * from the scheme itself, when there is no bearer token at all). */
static const brisk_dep oauth2 = BRISK_OAUTH2_PASSWORD(.token_url = "/token");

static void *current_user(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    const brisk_credentials *cred = brisk_depend(c, &oauth2);
    const brisk_value *claims = NULL, *sub = NULL;
    if (brisk_jwt_verify(c, cred->credentials, key, key_len, &claims) == BRISK_JWT_OK && claims)
        sub = brisk_value_get(claims, "sub");
    if (!sub || sub->type != BRISK_VALUE_STRING || !sub->as.s.len)
        unauthorized(c, "Could not validate credentials");
    return (void *)sub->as.s.ptr;
}

const brisk_dep current_user_dep = {.name = "current_user", .fn = current_user,
                                    .depends = BRISK_DEPENDS(&oauth2)};

static void read_me(brisk_ctx *c) {
    const char *name = brisk_depend(c, &current_user_dep);
    user_job job = {.username = {name, strlen(name)}};
    run_users(c, &job);
    if (job.status != USER_OK) unauthorized(c, "Could not validate credentials");
    User me = {.username = job.username,
               .full_name = {job.full_name, strlen(job.full_name)}};
    brisk_reply_model(c, 200, &User_model, &me);
}

brisk_router *auth_router(void) {
    brisk_router *r = brisk_router_new(.tags = BRISK_STRS("users"));
    BRISK_POST(r, "/token", login, .summary = "Log in",
               .description = "OAuth2's password flow: a form with `username` and "
                              "`password` gives a bearer token for 30 minutes.",
               .params = BRISK_OAUTH2_PASSWORD_FORM, .response = &Token_model,
               .responses = (const brisk_response_doc[]){
                   {401, "Incorrect username or password", NULL}, {0}});
    BRISK_GET(r, "/users/me", read_me, .summary = "Who am I", .response = &User_model,
              .depends = BRISK_DEPENDS(&current_user_dep));
    return r;
}
