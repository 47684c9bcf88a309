/*
 * secapp — the server the black-box security tests talk to (tests/http/test_security.py):
 * every security scheme, required and optional, echoing the credential it gave; the
 * OAuth2 password flow of FastAPI's tutorial (POST /token with the form gives a JWT,
 * GET /users/me reads it back); and form fields with typed validation. Uses <brisk.h>
 * only.
 */
#include <brisk.h>

#include <string.h>
#include <time.h>

static const char SECRET[] = "secapp-test-secret";

static const brisk_dep bearer = BRISK_HTTP_BEARER(.bearer_format = "JWT");
static const brisk_dep bearer_opt = BRISK_HTTP_BEARER(.optional = true);
static const brisk_dep basic = BRISK_HTTP_BASIC();
static const brisk_dep basic_realm = BRISK_HTTP_BASIC(.realm = "simple");
static const brisk_dep basic_opt = BRISK_HTTP_BASIC(.optional = true);
static const brisk_dep key_header = BRISK_API_KEY(.in = BRISK_IN_HEADER, .name = "X-API-Key");
static const brisk_dep key_query = BRISK_API_KEY(.in = BRISK_IN_QUERY, .name = "api_key");
static const brisk_dep key_cookie = BRISK_API_KEY(.in = BRISK_IN_COOKIE, .name = "session");
static const brisk_dep key_header_opt =
    BRISK_API_KEY(.in = BRISK_IN_HEADER, .name = "X-API-Key", .optional = true);
static const brisk_dep key_query_opt =
    BRISK_API_KEY(.in = BRISK_IN_QUERY, .name = "api_key", .optional = true);
static const brisk_dep key_cookie_opt =
    BRISK_API_KEY(.in = BRISK_IN_COOKIE, .name = "session", .optional = true);
static const brisk_dep oauth2 = BRISK_OAUTH2_PASSWORD(.token_url = "/token");
static const brisk_dep oauth2_opt = BRISK_OAUTH2_PASSWORD(.token_url = "/token",
                                                          .optional = true);

static void str_or_null(brisk_json *j, const char *key, brisk_str s) {
    brisk_json_key(j, key);
    if (s.ptr) brisk_json_string_n(j, s.ptr, s.len);
    else brisk_json_null(j);
}

/* {"scheme", "credentials", "username", "password"} of the route's one security
 * dependency (its udata), or {"credentials": null} when an optional one gave NULL. */
static void echo_credentials(brisk_ctx *c) {
    const brisk_dep *d = brisk_route_udata(c);
    const brisk_credentials *cr = brisk_depend(c, d);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    if (!cr) {
        brisk_json_key(j, "credentials");
        brisk_json_null(j);
    } else {
        str_or_null(j, "scheme", cr->scheme);
        str_or_null(j, "credentials", cr->credentials);
        if (d->security->type == BRISK_SECURITY_HTTP_BASIC) {
            str_or_null(j, "username", cr->username);
            str_or_null(j, "password", cr->password);
        }
    }
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* ---- the OAuth2 password flow ------------------------------------------------------ */

static bool check_password(brisk_str user, brisk_str pass) {
    return (brisk_str_eq(user, "alice") && brisk_str_eq(pass, "wonderland")) ||
           (brisk_str_eq(user, "bob") && brisk_str_eq(pass, "builder"));
}

static void login(brisk_ctx *c) {
    brisk_str user = brisk_param_str(c, "username"), pass = brisk_param_str(c, "password");
    if (!check_password(user, pass))
        brisk_raise(c, 400, .detail = "Incorrect username or password");
    /* A negative lifetime (the "ttl" scope) makes an expired token for the tests. */
    brisk_str scope = brisk_param_str(c, "scope");
    long ttl = brisk_str_eq(scope, "expired") ? -10 : 1800;
    char *claims = brisk_sprintf(c, "{\"sub\":\"%.*s\",\"scope\":\"%.*s\",\"exp\":%lld}",
                                 (int)user.len, user.ptr, (int)scope.len, scope.ptr,
                                 (long long)time(NULL) + ttl);
    char *token = brisk_jwt_sign(c, claims, SECRET, sizeof SECRET - 1);
    if (!token) brisk_fail(c, "could not sign %s", claims);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "access_token");
    brisk_json_string(j, token);
    brisk_json_key(j, "token_type");
    brisk_json_string(j, "bearer");
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static const char *const jwt_results[] = {"ok", "malformed", "bad_algorithm",
                                          "bad_signature", "expired", "not_yet_valid"};

static void *current_user(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    const brisk_credentials *cr = brisk_depend(c, &oauth2);
    const brisk_value *claims;
    brisk_jwt_result r = brisk_jwt_verify(c, cr->credentials, SECRET, sizeof SECRET - 1,
                                          &claims);
    /* The reason goes to a header for the tests; FastAPI's tutorial sends only this. */
    if (r != BRISK_JWT_OK)
        brisk_raise(c, 401, .detail = "Could not validate credentials",
                    .headers = BRISK_STRS("WWW-Authenticate", "Bearer", "X-JWT-Result",
                                          jwt_results[r]));
    const brisk_value *sub = brisk_value_get(claims, "sub");
    if (!sub || sub->type != BRISK_VALUE_STRING)
        brisk_raise(c, 401, .detail = "Could not validate credentials",
                    .headers = BRISK_STRS("WWW-Authenticate", "Bearer"));
    return (void *)claims;
}

static const brisk_dep user_dep = {.name = "current_user", .fn = current_user,
                                   .depends = BRISK_DEPENDS(&oauth2)};

static void read_me(brisk_ctx *c) {
    const brisk_value *claims = brisk_depend(c, &user_dep);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "username");
    brisk_json_value(j, brisk_value_get(claims, "sub"));
    brisk_json_key(j, "scope");
    brisk_json_value(j, brisk_value_get(claims, "scope"));
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* ---- form fields ------------------------------------------------------------------- */

/* Every field of BRISK_OAUTH2_PASSWORD_FORM as the handler reads it. */
static void echo_password_form(brisk_ctx *c) {
    static const char *const names[] = {"grant_type", "username", "password", "scope",
                                        "client_id", "client_secret"};
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        str_or_null(j, names[i], brisk_param_str(c, names[i]));
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void echo_typed_form(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "q");
    brisk_json_int(j, brisk_param_i64(c, "q"));
    brisk_json_key(j, "count");
    brisk_json_int(j, brisk_param_i64(c, "count"));
    brisk_json_key(j, "flag");
    brisk_json_bool(j, brisk_param_bool(c, "flag"));
    str_or_null(j, "name", brisk_param_str(c, "name"));
    brisk_json_key(j, "name_present");
    brisk_json_bool(j, brisk_param_present(c, "name"));
    /* The raw body stays readable. */
    brisk_str body;
    if (brisk_body_read(c, &body) == 0) str_or_null(j, "body", body);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void ping(brisk_ctx *c) { brisk_reply_text(c, 200, "pong"); }

#define SECURED(path, dep) \
    BRISK_GET(app, path, echo_credentials, .udata = (void *)&(dep), \
              .depends = BRISK_DEPENDS(&(dep)))

int main(int argc, char **argv) {
    brisk_app *app = brisk_app_new(.title = "secapp");
    BRISK_GET(app, "/ping", ping);
    SECURED("/bearer", bearer);
    SECURED("/bearer/optional", bearer_opt);
    SECURED("/basic", basic);
    SECURED("/basic/realm", basic_realm);
    SECURED("/basic/optional", basic_opt);
    SECURED("/key/header", key_header);
    SECURED("/key/query", key_query);
    SECURED("/key/cookie", key_cookie);
    SECURED("/key/header/optional", key_header_opt);
    SECURED("/key/query/optional", key_query_opt);
    SECURED("/key/cookie/optional", key_cookie_opt);
    SECURED("/oauth2", oauth2);
    SECURED("/oauth2/optional", oauth2_opt);
    BRISK_POST(app, "/token", login, .params = BRISK_OAUTH2_PASSWORD_FORM);
    BRISK_GET(app, "/users/me", read_me, .depends = BRISK_DEPENDS(&user_dep));
    BRISK_POST(app, "/form/password", echo_password_form, .params = BRISK_OAUTH2_PASSWORD_FORM);
    BRISK_POST(app, "/form/typed/{id}", echo_typed_form,
               .params = BRISK_PARAMS(BRISK_FORM_I64("count", BRISK_GE(1)),
                                      BRISK_PATH_I64("id", BRISK_GE(1)),
                                      BRISK_FORM_BOOL("flag", .optional = true),
                                      BRISK_QUERY_I64("q"),
                                      BRISK_FORM_STR("name", .optional = true,
                                                     .default_json = "\"anon\"",
                                                     .max_len = 5)));
    return brisk_serve(app, argc, argv);
}
