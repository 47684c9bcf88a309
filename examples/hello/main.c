/* The quick start: `make run` builds and serves this on http://127.0.0.1:8000. */
#include <brisk.h>
#include <stdlib.h>

static void hello(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "message");
    brisk_json_string(j, "Hello, World!");
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* GET /items/{item_id}?q=...: path and query parameters. */
static void read_item(brisk_ctx *c) {
    brisk_str id = brisk_path_param(c, "item_id");
    brisk_str q = brisk_query_param(c, "q");
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "item_id");
    brisk_json_int(j, strtoll(id.ptr, NULL, 10));
    brisk_json_key(j, "q");
    brisk_json_string_n(j, q.ptr, q.len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* GET /sleep: suspends this request only; the worker serves others meanwhile. */
static void nap(brisk_ctx *c) {
    brisk_sleep(c, 100);
    brisk_reply_text(c, 200, "rested");
}

int main(int argc, char **argv) {
    brisk_app *app = brisk_app_new(.title = "Hello", .version = "1.0.0");
    BRISK_GET(app, "/", hello);
    BRISK_GET(app, "/items/{item_id:int}", read_item);
    BRISK_GET(app, "/sleep", nap);
    return brisk_serve(app, argc, argv);
}
