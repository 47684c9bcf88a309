/*
 * docsapp — the server of the docs pages' tests (tests/http/test_docs.py, test_browser.py).
 *
 * A small documented API to look at in Swagger UI and ReDoc: a public route with a path
 * and a query parameter, and one behind an HTTP Bearer scheme. The pages' URLs come from
 * the environment (unset: brisk's default; empty: that page is off), so the tests can move
 * or turn off each page: DOCSAPP_OPENAPI_URL, DOCSAPP_DOCS_URL, DOCSAPP_REDOC_URL,
 * DOCSAPP_OAUTH2_URL, and DOCSAPP_TITLE. Uses <brisk.h> only.
 */
#include <brisk.h>

#include <stdlib.h>

/* GET /items/{item_id}?q= */
static void read_item(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "item_id");
    brisk_json_int(j, brisk_param_i64(c, "item_id"));
    brisk_json_key(j, "q");
    brisk_str q = brisk_param_str(c, "q");
    if (q.ptr) brisk_json_string_n(j, q.ptr, q.len);
    else brisk_json_null(j);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static const brisk_dep bearer = BRISK_HTTP_BEARER();

/* GET /me: the bearer token back, so a test sees which token the client sent. */
static void read_me(brisk_ctx *c) {
    const brisk_credentials *cr = brisk_depend(c, &bearer);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "token");
    brisk_json_string_n(j, cr->credentials.ptr, cr->credentials.len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

int main(int argc, char **argv) {
    brisk_app *app = brisk_app_new(.title = getenv("DOCSAPP_TITLE") ? getenv("DOCSAPP_TITLE")
                                                                     : "Docs App",
                                   .version = "1.2.3",
                                   .openapi_url = getenv("DOCSAPP_OPENAPI_URL"),
                                   .docs_url = getenv("DOCSAPP_DOCS_URL"),
                                   .redoc_url = getenv("DOCSAPP_REDOC_URL"),
                                   .oauth2_redirect_url = getenv("DOCSAPP_OAUTH2_URL"));
    BRISK_GET(app, "/items/{item_id}", read_item, .summary = "Read an item",
              .tags = BRISK_STRS("items"),
              .params = BRISK_PARAMS(BRISK_PATH_I64("item_id", BRISK_GE(1)),
                                     BRISK_QUERY_STR("q", .optional = true, .max_len = 50)));
    BRISK_GET(app, "/me", read_me, .depends = BRISK_DEPENDS(&bearer));
    return brisk_serve(app, argc, argv);
}
