/*
 * apiapp — the server of the OpenAPI tests (tests/http/test_openapi.py): it declares
 * every feature that shows in the document (info, servers, tags, routers, typed
 * parameters of every location, body and response models with nested models, lists and
 * enums, extra responses, deprecated and hidden routes, an operationId override, form
 * fields, every security scheme, dependencies with parameters). The handlers only
 * answer; the document is what is tested. Uses <brisk.h> only.
 *
 * APIAPP_NO_OPENAPI=1 in the environment turns the document off (openapi_url "").
 */
#include <brisk.h>

#include <stdlib.h>
#include <string.h>

/* ---- models ------------------------------------------------------------------------ */

typedef struct {
    brisk_str url;
    brisk_str name;
} Image;

BRISK_MODEL(Image,
    BRISK_STR(url, .min_len = 1, .max_len = 2083),
    BRISK_STR(name));

typedef struct {
    int64_t id;
    brisk_str name;
} Owner;

BRISK_MODEL(Owner,
    BRISK_CONFIG(.description = "Who sells the item"),
    BRISK_I64(id, BRISK_GT(0)),
    BRISK_STR(name, .max_len = 50));

typedef struct {
    brisk_str name;
    brisk_str description;
    double price;
    double *tax;
    int color;
    brisk_strs tags;
    brisk_list images;
    Owner *owner;
} Item;

BRISK_MODEL(Item,
    BRISK_CONFIG(.description = "An item for sale"),
    BRISK_STR(name, .max_len = 100, .example_json = "\"Hammer\""),
    BRISK_STR(description, .optional = true, .nullable = true,
              .description = "What the item is"),
    BRISK_F64(price, BRISK_GT(0)),
    BRISK_F64(tax, .optional = true, .nullable = true, BRISK_GE(0), BRISK_LE(1)),
    BRISK_ENUM(color, .values = BRISK_VALUES("red", "green", "blue"),
               .optional = true, .default_json = "\"red\""),
    BRISK_STR_LIST(tags, .optional = true, .default_json = "[]", .max_len = 5),
    BRISK_LIST(images, BRISK_ITEM_OBJ(&Image_model), .optional = true, .default_json = "[]"),
    BRISK_OBJ(owner, &Owner_model, .optional = true, .nullable = true));

typedef struct {
    brisk_str detail;
} Message;

BRISK_MODEL(Message, BRISK_STR(detail));

typedef struct {
    brisk_str access_token;
    brisk_str token_type;
} Token;

BRISK_MODEL(Token, BRISK_STR(access_token), BRISK_STR(token_type));

typedef struct {
    brisk_str username;
    brisk_str email;
    bool disabled;
} User;

BRISK_MODEL(User,
    BRISK_STR(username),
    BRISK_STR(email, .optional = true, .nullable = true),
    BRISK_BOOL(disabled, .optional = true, .default_json = "false"));

/* ---- dependencies and security ------------------------------------------------------ */

static const brisk_dep api_key_header = BRISK_API_KEY(.in = BRISK_IN_HEADER, .name = "X-API-Key",
                                                      .description = "The shop's key");
static const brisk_dep api_key_query = BRISK_API_KEY(.in = BRISK_IN_QUERY, .name = "api_key");
static const brisk_dep api_key_cookie = BRISK_API_KEY(.in = BRISK_IN_COOKIE, .name = "session");
static const brisk_dep bearer = BRISK_HTTP_BEARER(.bearer_format = "JWT");
static const brisk_dep basic = BRISK_HTTP_BASIC(.scheme_name = "AdminBasic",
                                                .description = "Admin password");
static const brisk_dep oauth2 = BRISK_OAUTH2_PASSWORD(
    .token_url = "/token", .scopes = BRISK_STRS("me", "Read your own profile", "items",
                                                "Change items"));

static void *nothing(brisk_ctx *c, const brisk_dep *self) {
    (void)c;
    return (void *)self;
}

/* Pagination, declared once and documented on every route that uses it. */
static const brisk_dep paging = {
    .name = "paging", .fn = nothing,
    .params = BRISK_PARAMS(BRISK_QUERY_I64("skip", .optional = true, .default_json = "0",
                                           BRISK_GE(0)),
                           BRISK_QUERY_I64("limit", .optional = true, .default_json = "10",
                                           BRISK_GE(1), BRISK_LE(100)))};

/* The current user: OAuth2 with the "me" scope, plus a header of its own. */
static const brisk_dep current_user = {
    .name = "current_user", .fn = nothing, .depends = BRISK_DEPENDS(&oauth2),
    .scopes = BRISK_STRS("me"),
    .params = BRISK_PARAMS(BRISK_HEADER_STR("x_client", .optional = true,
                                            .description = "The calling app"))};

/* Needs the user (so OAuth2 again, once) and the "items" scope on top. */
static const brisk_dep item_editor = {
    .name = "item_editor", .fn = nothing,
    .depends = BRISK_DEPENDS(&current_user, &oauth2), .scopes = BRISK_STRS("items")};

/* App-wide, declaring nothing: refuses requests that carry X-Block. The document's own
 * route must not run it (FastAPI's openapi route is not an API route). */
static void *gate(brisk_ctx *c, const brisk_dep *self) {
    if (brisk_header(c, "X-Block").ptr) brisk_raise(c, 403, .detail = "Blocked");
    return (void *)self;
}
static const brisk_dep gate_dep = {.name = "gate", .fn = gate};

/* ---- handlers ---------------------------------------------------------------------- */

static void reply_item(brisk_ctx *c, int status) {
    static const char item[] = "{\"name\":\"Hammer\",\"description\":null,\"price\":9.5,"
                               "\"tax\":null,\"color\":\"red\",\"tags\":[],\"images\":[],"
                               "\"owner\":null}";
    brisk_reply(c, status, "application/json", item, sizeof item - 1);
}

static void list_items(brisk_ctx *c) { brisk_reply(c, 200, "application/json", "[]", 2); }
static void read_item(brisk_ctx *c) { reply_item(c, 200); }
static void create_item(brisk_ctx *c) { reply_item(c, 201); }
static void update_item(brisk_ctx *c) { reply_item(c, 200); }
static void delete_item(brisk_ctx *c) { brisk_reply_empty(c, 204); }

static void read_me(brisk_ctx *c) {
    static const char me[] = "{\"username\":\"alice\",\"email\":null,\"disabled\":false}";
    brisk_reply(c, 200, "application/json", me, sizeof me - 1);
}

static void login(brisk_ctx *c) {
    static const char tok[] = "{\"access_token\":\"t\",\"token_type\":\"bearer\"}";
    brisk_reply(c, 200, "application/json", tok, sizeof tok - 1);
}

static void ping(brisk_ctx *c) { brisk_reply_text(c, 200, "pong"); }
static void read_file(brisk_ctx *c) { brisk_reply_text(c, 200, "file"); }
static void stats(brisk_ctx *c) { brisk_reply(c, 200, "application/json", "{}", 2); }
static void secret(brisk_ctx *c) { brisk_reply_text(c, 200, "secret"); }

int main(int argc, char **argv) {
    const char *off = getenv("APIAPP_NO_OPENAPI");
    brisk_app *app = brisk_app_new(
        .title = "Shop API", .version = "2.5.0", .summary = "Things for sale",
        .description = "Sells **things**.\n\nAnd documents them.",
        .terms_of_service = "https://shop.example/terms",
        .contact_name = "Shop team", .contact_url = "https://shop.example/contact",
        .contact_email = "team@shop.example",
        .license_name = "Apache 2.0", .license_identifier = "Apache-2.0",
        .servers = (const brisk_server_url[]){{"https://api.shop.example", "Production"},
                                              {"http://127.0.0.1:8000"},
                                              {0}},
        .openapi_tags = (const brisk_tag[]){{"items", "Operations on items",
                                             "https://shop.example/docs/items"},
                                            {"users", "Who is logged in"},
                                            {"health", "Is it up?"},
                                            {"admin"},
                                            {0}},
        .openapi_url = off && *off == '1' ? "" : NULL, .depends = BRISK_DEPENDS(&gate_dep));

    /* The one operation without a description (the test checks none is made up). */
    BRISK_GET(app, "/ping", ping, .tags = BRISK_STRS("health"));
    BRISK_POST(app, "/token", login, .params = BRISK_OAUTH2_PASSWORD_FORM, .response = &Token_model,
               .tags = BRISK_STRS("users"), .description = "Logs in: a token for a password.");
    BRISK_GET(app, "/users/me", read_me, .depends = BRISK_DEPENDS(&current_user),
              .response = &User_model, .tags = BRISK_STRS("users"),
              .description = "The user the token belongs to.");

    brisk_router *items = brisk_router_new(
        .prefix = "/items", .tags = BRISK_STRS("items"),
        .depends = BRISK_DEPENDS(&api_key_header),
        .responses = (const brisk_response_doc[]){{418, "I'm a teapot"}, {0}});
    BRISK_GET(items, "", list_items, .depends = BRISK_DEPENDS(&paging), .description = "All items.",
              .params = BRISK_PARAMS(BRISK_QUERY_LIST("tag", BRISK_ITEM_STR(), .optional = true,
                                                      .description = "Every tag given")));
    BRISK_GET(items, "/{item_id}", read_item, .response = &Item_model, .description = "One item.",
              .params = BRISK_PARAMS(
                  BRISK_PATH_I64("item_id", BRISK_GE(1), .description = "The item's id",
                                 .example_json = "42"),
                  BRISK_QUERY_STR("q", .optional = true, .max_len = 50, .min_len = 3,
                                  .pattern = "^[a-z ]+$"),
                  BRISK_QUERY_BOOL("short", .optional = true, .default_json = "false"),
                  BRISK_QUERY_ENUM("size", .values = BRISK_VALUES("s", "m", "l"),
                                   .optional = true, .alias = "item-size"),
                  BRISK_HEADER_STR("user_agent", .optional = true),
                  BRISK_HEADER_I64("X_Rate", .optional = true, BRISK_LT(1000)),
                  BRISK_COOKIE_STR("ads_id", .optional = true, .title = "Ads tracking id")),
              .responses = (const brisk_response_doc[]){{404, "Item not found", &Message_model},
                                                        {403, NULL, NULL},
                                                        {0}});
    BRISK_POST(items, "", create_item, .body = &Item_model, .response = &Item_model,
               .description = "Adds an item.",
               .status = 201, .summary = "Create an item",
               .depends = BRISK_DEPENDS(&item_editor),
               .response_description = "The item as stored");
    BRISK_PUT(items, "/{item_id}", update_item, .body = &Item_model, .body_optional = true,
              .response = &Item_model, .deprecated = true, .description = "Use PATCH.",
              .params = BRISK_PARAMS(BRISK_PATH_I64("item_id")));
    BRISK_DELETE(items, "/{item_id}", delete_item, .status = 204, .operation_id = "remove_item",
                 .description = "Removes an item.",
                 .params = BRISK_PARAMS(BRISK_PATH_I64("item_id")),
                 .responses = (const brisk_response_doc[]){{422, "Cannot delete", &Message_model},
                                                           {0}});
    BRISK_GET(items, "/internal/audit", secret, .hidden = true);
    brisk_app_include(app, items);
    brisk_router_free(items);

    brisk_router *admin = brisk_router_new(.prefix = "/admin", .tags = BRISK_STRS("admin"));
    BRISK_GET(admin, "/stats", stats, .depends = BRISK_DEPENDS(&bearer), .description = "Counts.");
    BRISK_GET(admin, "/secret", secret, .depends = BRISK_DEPENDS(&basic, &api_key_query),
              .deprecated = true, .description = "Two schemes at once.");
    BRISK_GET(admin, "/files/{file_path:path}", read_file,
              .depends = BRISK_DEPENDS(&api_key_cookie),
              .params = BRISK_PARAMS(BRISK_PATH_STR("file_path")), .description = "A file.");
    brisk_app_include(app, admin, .prefix = "/v1");
    brisk_router_free(admin);

    BRISK_GET(app, "/hidden", secret, .hidden = true);
    return brisk_serve(app, argc, argv);
}
