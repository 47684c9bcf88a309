/* The test server of tests/http/test_api_core.py: errors raised from anywhere, error
 * handlers, the last-resort 500, dependencies (once per request, sub-dependencies,
 * parameters, cleanups after the response, overrides) and routers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brisk.h"

/* What cleanups and dependency runs did, in order, for GET /log. One worker only. */
static char events[8192];

static void note(const char *what) {
    size_t n = strlen(events);
    snprintf(events + n, sizeof events - n, "%s%s", n ? "," : "", what);
}

static void read_log(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "events");
    brisk_json_string(j, events);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
    events[0] = '\0';
}

/* ---- errors ------------------------------------------------------------------------ */

static int deep(brisk_ctx *c, int depth) {
    if (depth > 0) return deep(c, depth - 1) + 1;
    if (brisk_str_eq(brisk_path(c), "/raise/deep"))
        brisk_raise(c, 404, .detail = "Item not found", .headers = BRISK_STRS("X-Error", "deep"));
    return 0;
}

static void raise_deep(brisk_ctx *c) {
    brisk_set_header(c, "X-Dropped", "handler's"); /* replaced by the error's answer */
    deep(c, 50);
    brisk_reply_text(c, 200, "not raised");
}

static void raise_after_reply(brisk_ctx *c) {
    brisk_reply_text(c, 200, "not this");
    brisk_raise(c, 409, .detail_json = "{\"code\":\"conflict\",\"ids\":[1,2]}");
}

static void raise_teapot(brisk_ctx *c) { brisk_raise(c, 418); }

static void raise_mid_stream(brisk_ctx *c) {
    brisk_stream_begin(c, 200, "text/plain");
    brisk_stream_write(c, "partial ", 8);
    brisk_raise(c, 500, .detail = "too late");
}

static void fail_secret(brisk_ctx *c) { brisk_fail(c, "db password is %s", "hunter2"); }

static void forget(brisk_ctx *c) { (void)c; }

static void on_teapot(brisk_ctx *c, const brisk_http_error *e) {
    brisk_reply_text(c, e->status, "custom teapot handler");
}

static void on_any(brisk_ctx *c, const brisk_http_error *e) {
    brisk_set_header(c, "X-Handled", "any");
    brisk_reply_http_error(c, e);
}

static void on_422(brisk_ctx *c, const brisk_http_error *e) {
    brisk_json *j = brisk_json_begin(c, 400);
    brisk_json_obj(j);
    brisk_json_key(j, "errors");
    brisk_json_raw(j, e->detail_json, strlen(e->detail_json));
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void on_403_raises(brisk_ctx *c, const brisk_http_error *e) {
    (void)e;
    brisk_raise(c, 503, .detail = "handler raised");
}

static void raise_403(brisk_ctx *c) { brisk_raise(c, 403); }

/* Middleware that raises before the pipeline runs, for /mw-raise. */
static void gate(brisk_ctx *c, void *udata) {
    (void)udata;
    brisk_set_header(c, "X-Gate", "seen");
    if (brisk_str_eq(brisk_path(c), "/mw-raise")) brisk_raise(c, 401, .detail = "gate");
    brisk_next(c);
}

/* ---- dependencies ------------------------------------------------------------------- */

static int runs;

static void *dep_counter(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    runs++;
    int *v = brisk_alloc(c, sizeof *v);
    *v = runs;
    note("counter");
    return v;
}
static const brisk_dep counter = {.name = "counter", .fn = dep_counter};

static void release(void *arg, bool failed) {
    char buf[64];
    snprintf(buf, sizeof buf, "release:%s:%s", (const char *)arg, failed ? "failed" : "ok");
    note(buf);
}

static void *dep_resource(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    int *n = brisk_depend(c, &counter);
    char *name = brisk_sprintf(c, "r%d", *n);
    note("acquire");
    brisk_defer(c, release, name);
    return name;
}
static const brisk_dep resource = {.name = "resource", .fn = dep_resource,
                                   .depends = BRISK_DEPENDS(&counter)};

/* A dependency with its own parameters, validated with the route's. */
static void *dep_paging(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    int64_t *v = brisk_alloc(c, 2 * sizeof *v);
    v[0] = brisk_param_i64(c, "skip");
    v[1] = brisk_param_i64(c, "limit");
    return v;
}
static const brisk_dep paging = {
    .name = "paging", .fn = dep_paging,
    .params = BRISK_PARAMS(BRISK_QUERY_I64("skip", .optional = true, .default_json = "0",
                                           BRISK_GE(0)),
                           BRISK_QUERY_I64("limit", .optional = true, .default_json = "10",
                                           BRISK_LE(100)))};

static void *dep_key(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    brisk_str k = brisk_param_str(c, "x_key");
    if (!brisk_str_eq(k, "open")) brisk_raise(c, 401, .detail = "bad key");
    note("key");
    return NULL;
}
static const brisk_dep key = {.name = "key", .fn = dep_key,
                              .params = BRISK_PARAMS(BRISK_HEADER_STR("x_key"))};

static void *dep_fake_counter(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    int *v = brisk_alloc(c, sizeof *v);
    *v = -1;
    note("fake");
    return v;
}
static const brisk_dep fake_counter = {.name = "fake", .fn = dep_fake_counter};

static void uses_deps(brisk_ctx *c) {
    int *n = brisk_depend(c, &counter);
    const char *r = brisk_depend(c, &resource);
    int64_t *pg = brisk_depend(c, &paging);
    note("handler");
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "counter");
    brisk_json_int(j, *n);
    brisk_json_key(j, "resource");
    brisk_json_string(j, r);
    brisk_json_key(j, "skip");
    brisk_json_int(j, pg[0]);
    brisk_json_key(j, "limit");
    brisk_json_int(j, pg[1]);
    brisk_json_key(j, "q");
    brisk_json_string_n(j, brisk_param_str(c, "q").ptr, brisk_param_str(c, "q").len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void deps_then_fail(brisk_ctx *c) {
    brisk_depend(c, &resource);
    note("handler");
    brisk_raise(c, 500, .detail = "boom");
}

static void slow_release(void *arg, bool failed) {
    brisk_ctx *c = arg;
    (void)failed;
    brisk_sleep(c, 1500); /* cleanups may suspend; the client already has its answer */
    note("slow-release");
}

static void slow_cleanup(brisk_ctx *c) {
    brisk_defer(c, slow_release, c);
    brisk_reply_text(c, 200, "sent before the cleanup");
}

static void override_on(brisk_ctx *c) {
    brisk_app_override(brisk_route_udata(c), &counter, &fake_counter);
    brisk_reply_empty(c, 204);
}

static void override_off(brisk_ctx *c) {
    brisk_app_override(brisk_route_udata(c), &counter, NULL);
    brisk_reply_empty(c, 204);
}

static void *dep_cycle_a(brisk_ctx *c, const brisk_dep *self);
static const brisk_dep cycle_a = {.name = "cycle_a", .fn = dep_cycle_a};
static void *dep_cycle_a(brisk_ctx *c, const brisk_dep *self) {
    (void)self;
    return brisk_depend(c, &cycle_a);
}
static void cycle(brisk_ctx *c) {
    brisk_depend(c, &cycle_a);
    brisk_reply_text(c, 200, "unreachable");
}

/* ---- routers ----------------------------------------------------------------------- */

static void whoami(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "route");
    brisk_json_string_n(j, brisk_route_pattern(c).ptr, brisk_route_pattern(c).len);
    brisk_json_key(j, "id");
    brisk_json_int(j, brisk_param_i64(c, "id"));
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void plain(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "route");
    brisk_json_string_n(j, brisk_route_pattern(c).ptr, brisk_route_pattern(c).len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* A mistake the route's registration must refuse: an API key without its name. */
static const brisk_dep nameless_key = BRISK_API_KEY(.in = BRISK_IN_HEADER);

int main(int argc, char **argv) {
    brisk_app *app = brisk_app_new(.title = "coreapp");
    brisk_app_use(app, gate, NULL);
    brisk_app_on_error(app, 418, on_teapot);
    brisk_app_on_error(app, 403, on_403_raises);
    if (getenv("COREAPP_ANY_HANDLER")) brisk_app_on_error(app, 0, on_any);
    if (getenv("COREAPP_422_HANDLER")) brisk_app_on_error(app, 422, on_422);

    BRISK_GET(app, "/log", read_log);
    BRISK_GET(app, "/raise/deep", raise_deep);
    BRISK_GET(app, "/raise/after-reply", raise_after_reply);
    BRISK_GET(app, "/raise/teapot", raise_teapot);
    BRISK_GET(app, "/raise/mid-stream", raise_mid_stream);
    BRISK_GET(app, "/raise/403", raise_403);
    BRISK_GET(app, "/fail", fail_secret);
    BRISK_GET(app, "/forget", forget);
    BRISK_GET(app, "/mw-raise", plain);

    BRISK_GET(app, "/deps", uses_deps,
              .params = BRISK_PARAMS(BRISK_QUERY_STR("q", .optional = true, .max_len = 3)),
              .depends = BRISK_DEPENDS(&counter, &resource, &paging, &counter));
    BRISK_GET(app, "/deps/fail", deps_then_fail, .depends = BRISK_DEPENDS(&resource));
    BRISK_GET(app, "/cleanup/slow", slow_cleanup);
    BRISK_POST(app, "/override/on", override_on, .udata = app);
    BRISK_POST(app, "/override/off", override_off, .udata = app);
    BRISK_GET(app, "/cycle", cycle);
    BRISK_GET(app, "/dup/a", plain, .operation_id = "dup");
    BRISK_GET(app, "/dup/b", plain, .operation_id = "dup");

    brisk_router *inner = brisk_router_new(.prefix = "/inner", .depends = BRISK_DEPENDS(&key));
    BRISK_GET(inner, "/{id}", whoami, .params = BRISK_PARAMS(BRISK_PATH_I64("id")));
    BRISK_GET(inner, "", plain);
    brisk_router *outer = brisk_router_new(.prefix = "/outer", .tags = BRISK_STRS("outer"));
    BRISK_GET(outer, "/", plain);
    brisk_router_include(outer, inner);
    brisk_app_include(app, outer);
    brisk_app_include(app, outer, .prefix = "/v2");
    brisk_router_free(inner);
    brisk_router_free(outer);
    if (brisk_router_new(.prefix = "/bad/") != NULL) return 3; /* refused: trailing '/' */
    if (BRISK_GET(app, "/bad", plain, .depends = BRISK_DEPENDS(&nameless_key)) != -1) return 4;
    return brisk_serve(app, argc, argv);
}
