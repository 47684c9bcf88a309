/*
 * bench_brisk — the brisk side of the side-by-side benchmark (bench/run.sh).
 *
 * The routes every peer in bench/peers/ serves:
 *   GET /plaintext          200 text/plain        Hello, World!
 *   GET /json               200 application/json  {"message":"Hello, World!"}   (encoded per request)
 *   GET /items/{item_id}    200 application/json  {"item_id":<int>,"q":"<q>"|null}
 *   GET /sleep?ms=100       sleeps without blocking the worker, then 200 "ok"
 *   POST /items             a JSON body decoded and validated into the Item model, echoed
 *                           back as JSON (200); an invalid body gets brisk's 422
 *   GET /me                 Authorization: Bearer <token> -> 200 {"user":"<token>"}, through
 *                           the HTTP Bearer security scheme and a current_user dependency;
 *                           without it (or another scheme) brisk's 401 {"detail":"Not
 *                           authenticated"} with WWW-Authenticate: Bearer
 * plus GET /health for the benchmark's readiness probe.
 *
 * Run: bench_brisk --host 127.0.0.1 --port 8000 --workers 1 --no-access-log
 */
#include <brisk.h>

#include <stdbool.h>
#include <stdint.h>

/* The body of POST /items; FastAPI's peer declares the same model with Pydantic. */
typedef struct {
    brisk_str name;
    double price;
    bool has_tax;
    brisk_strs tags;
} Item;

BRISK_MODEL(Item,
    BRISK_STR(name, .max_len = 100),
    BRISK_F64(price, BRISK_GE(0)),
    BRISK_BOOL(has_tax, .optional = true),
    BRISK_STR_LIST(tags, .optional = true));

/* Parses a whole view as a decimal int64 (optional leading '-'); false on anything else. */
static bool parse_i64(brisk_str s, int64_t *out) {
    size_t i = 0;
    bool neg = false;
    if (s.ptr == NULL || s.len == 0) return false;
    if (s.ptr[0] == '-') {
        neg = true;
        i = 1;
        if (s.len == 1) return false;
    }
    uint64_t v = 0;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; i < s.len; i++) {
        char ch = s.ptr[i];
        if (ch < '0' || ch > '9') return false;
        unsigned d = (unsigned)(ch - '0');
        if (v > (limit - d) / 10u) return false; /* overflow */
        v = v * 10u + d;
    }
    *out = neg ? (int64_t)(0u - v) : (int64_t)v;
    return true;
}

static void plaintext(brisk_ctx *c) {
    brisk_reply_text(c, 200, "Hello, World!");
}

static void json_message(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "message");
    brisk_json_string(j, "Hello, World!");
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void read_item(brisk_ctx *c) {
    int64_t id;
    if (!parse_i64(brisk_path_param(c, "item_id"), &id)) {
        brisk_reply_error(c, 422, "item_id must be an integer");
        return;
    }
    brisk_str q = brisk_query_param(c, "q");
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "item_id");
    brisk_json_int(j, id);
    brisk_json_key(j, "q");
    if (q.ptr != NULL)
        brisk_json_string_n(j, q.ptr, q.len);
    else
        brisk_json_null(j);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void sleep_ms(brisk_ctx *c) {
    int64_t ms = 100;
    brisk_str s = brisk_query_param(c, "ms");
    if (s.ptr != NULL && (!parse_i64(s, &ms) || ms < 0)) {
        brisk_reply_error(c, 422, "ms must be a non-negative integer");
        return;
    }
    brisk_sleep(c, (uint64_t)ms); /* suspends this request only */
    brisk_reply_text(c, 200, "ok");
}

static void create_item(brisk_ctx *c) {
    Item *it = brisk_body(c); /* already decoded and validated */
    brisk_reply_model(c, 200, &Item_model, it);
}

/* GET /me: FastAPI's HTTPBearer + Depends(current_user). The security scheme answers the
 * 401; current_user turns its credentials into the user (here: the token itself). */
static const brisk_dep bearer = BRISK_HTTP_BEARER();

static void *current_user(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    const brisk_credentials *cred = brisk_depend(c, &bearer);
    return (void *)&cred->credentials;
}

static const brisk_dep user_dep = {.name = "current_user", .fn = current_user,
                                   .depends = BRISK_DEPENDS(&bearer)};

static void read_me(brisk_ctx *c) {
    const brisk_str *user = brisk_depend(c, &user_dep);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "user");
    brisk_json_string_n(j, user->ptr, user->len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void health(brisk_ctx *c) {
    brisk_reply_text(c, 200, "ok");
}

int main(int argc, char **argv) {
    brisk_app *app = brisk_app_new(.title = "brisk benchmark", .version = BRISK_VERSION);
    BRISK_GET(app, "/plaintext", plaintext);
    BRISK_GET(app, "/json", json_message);
    BRISK_GET(app, "/items/{item_id}", read_item);
    BRISK_GET(app, "/sleep", sleep_ms);
    BRISK_POST(app, "/items", create_item, .body = &Item_model, .response = &Item_model);
    BRISK_GET(app, "/me", read_me, .depends = BRISK_DEPENDS(&user_dep));
    BRISK_GET(app, "/health", health);
    return brisk_serve(app, argc, argv);
}
