/*
 * modelapp — the server the black-box model and parameter tests talk to
 * (tests/http/test_models.py). Every route echoes what the declarations produced, so a
 * test sees exactly what the handler received. Uses <brisk.h> only.
 */
#include <brisk.h>

#include <stdlib.h>
#include <string.h>

typedef struct {
    brisk_str street;
    brisk_str city;
} Address;

BRISK_MODEL(Address,
    BRISK_STR(street, .min_len = 1),
    BRISK_STR(city, .max_len = 20));

typedef struct {
    brisk_str name;
    double price;
    bool *has_tax;
    brisk_strs tags;
    int64_t quantity;
    int kind;
    brisk_str sku;
    brisk_str made_at;
    Address *address;
    brisk_list addresses;
    brisk_map attrs;
    const brisk_value *extra;
} Item;

BRISK_MODEL(Item,
    BRISK_CONFIG(.description = "An item for sale"),
    BRISK_STR(name, .max_len = 10, .min_len = 1),
    BRISK_F64(price, BRISK_GE(0)),
    BRISK_BOOL(has_tax, .optional = true, .nullable = true),
    BRISK_STR_LIST(tags, .optional = true, .default_json = "[]", .max_len = 3),
    BRISK_I64(quantity, .optional = true, .default_json = "1", BRISK_GT(0), BRISK_LE(1000)),
    BRISK_ENUM(kind, .optional = true, .values = BRISK_VALUES("tool", "toy", "food"),
               .default_json = "\"tool\""),
    BRISK_UUID(sku, .optional = true),
    BRISK_DATETIME(made_at, .optional = true),
    BRISK_OBJ(address, &Address_model, .optional = true, .nullable = true),
    BRISK_LIST(addresses, BRISK_ITEM_OBJ(&Address_model), .optional = true),
    BRISK_MAP(attrs, BRISK_ITEM_I64(BRISK_GE(0)), .optional = true),
    BRISK_ANY(extra, .optional = true));

typedef struct {
    brisk_str code;
} Strict;

BRISK_MODEL(Strict,
    BRISK_CONFIG(.forbid_extra = true),
    BRISK_STR(code, .pattern = "^[A-Z]{3}$"));

static void echo_item(brisk_ctx *c) {
    Item *it = brisk_body(c);
    brisk_reply_model(c, 200, &Item_model, it);
}

static void echo_item_slim(brisk_ctx *c) {
    brisk_reply_model(c, 200, &Item_model, brisk_body(c), .exclude_none = true,
                      .exclude_defaults = true);
}

static void echo_strict(brisk_ctx *c) {
    brisk_reply_model(c, 200, &Strict_model, brisk_body(c));
}

static void any_json(brisk_ctx *c) {
    const brisk_value *v = brisk_body_json(c);
    if (!v) return;
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_value(j, v);
    brisk_json_end(c, j);
}

static void params(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "item_id");
    brisk_json_int(j, brisk_param_i64(c, "item_id"));
    brisk_json_key(j, "q");
    brisk_str q = brisk_param_str(c, "q");
    brisk_json_string_n(j, q.ptr, q.len);
    brisk_json_key(j, "limit");
    brisk_json_int(j, brisk_param_i64(c, "limit"));
    brisk_json_key(j, "ratio");
    brisk_json_double(j, brisk_param_f64(c, "ratio"));
    brisk_json_key(j, "flag");
    brisk_json_bool(j, brisk_param_bool(c, "flag"));
    brisk_json_key(j, "flag_present");
    brisk_json_bool(j, brisk_param_present(c, "flag"));
    brisk_json_key(j, "order");
    static const char *const orders[] = {"asc", "desc"};
    brisk_json_string(j, orders[brisk_param_enum(c, "order")]);
    brisk_json_key(j, "tag");
    brisk_list tags = brisk_param_list(c, "tag");
    brisk_json_arr(j);
    for (size_t i = 0; i < tags.len; i++) {
        brisk_str *s = (brisk_str *)tags.items + i;
        brisk_json_string_n(j, s->ptr, s->len);
    }
    brisk_json_end_arr(j);
    brisk_json_key(j, "user_agent");
    brisk_str ua = brisk_param_str(c, "user_agent");
    brisk_json_string_n(j, ua.ptr, ua.len);
    brisk_json_key(j, "x_token");
    brisk_str tok = brisk_param_str(c, "x_token");
    brisk_json_string_n(j, tok.ptr, tok.len);
    brisk_json_key(j, "session");
    brisk_str s = brisk_param_str(c, "session");
    brisk_json_string_n(j, s.ptr, s.len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void required(brisk_ctx *c) {
    brisk_str tok = brisk_param_str(c, "x_token");
    brisk_reply_text(c, 200, brisk_sprintf(c, "%lld %.*s", (long long)brisk_param_i64(c, "item_id"),
                                           (int)tok.len, tok.ptr));
}

static void schema(brisk_ctx *c) {
    char *s = brisk_model_schema(&Item_model);
    brisk_reply(c, 200, "application/json", s, strlen(s));
    free(s);
}

static void both(brisk_ctx *c) {
    Item *it = brisk_body(c);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "id");
    brisk_json_int(j, brisk_param_i64(c, "id"));
    brisk_json_key(j, "item");
    brisk_json_model(j, &Item_model, it);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

int main(int argc, char **argv) {
    bool problem = getenv("MODELAPP_PROBLEM") != NULL;
    brisk_app *app = brisk_app_new(.title = "modelapp", .problem_details = problem);
    BRISK_POST(app, "/items", echo_item, .body = &Item_model, .response = &Item_model);
    BRISK_POST(app, "/items/slim", echo_item_slim, .body = &Item_model);
    BRISK_POST(app, "/strict", echo_strict, .body = &Strict_model);
    BRISK_POST(app, "/any", any_json);
    BRISK_GET(app, "/schema", schema);
    BRISK_PUT(app, "/both/{id}", both, .body = &Item_model,
              .params = BRISK_PARAMS(BRISK_PATH_I64("id", BRISK_GE(1))));
    BRISK_GET(app, "/params/{item_id}", params,
              .params = BRISK_PARAMS(
                  BRISK_PATH_I64("item_id", BRISK_GE(1)),
                  BRISK_QUERY_STR("q", .optional = true, .max_len = 5),
                  BRISK_QUERY_I64("limit", .optional = true, .default_json = "20",
                                  BRISK_GE(1), BRISK_LE(100)),
                  BRISK_QUERY_F64("ratio", .optional = true, BRISK_LT(1)),
                  BRISK_QUERY_BOOL("flag", .optional = true),
                  BRISK_QUERY_ENUM("order", .optional = true,
                                   .values = BRISK_VALUES("asc", "desc")),
                  BRISK_QUERY_LIST("tag", BRISK_ITEM_STR(.max_len = 3), .optional = true,
                                   .max_len = 3),
                  BRISK_HEADER_STR("user_agent", .optional = true),
                  BRISK_HEADER_STR("x_token", .optional = true),
                  BRISK_COOKIE_STR("session", .optional = true)));
    BRISK_GET(app, "/required", required,
              .params = BRISK_PARAMS(BRISK_QUERY_I64("item_id"),
                                     BRISK_HEADER_STR("x_token")));
    return brisk_serve(app, argc, argv);
}
