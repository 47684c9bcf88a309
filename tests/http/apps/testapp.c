/*
 * testapp — the server the black-box tests in tests/http/ talk to.
 *
 * Every route exists to make one behaviour of the server observable from outside: the
 * body reader, the suspending helpers, streaming, path parameters, middleware, process
 * identity, and ways to crash or wedge a worker on purpose. Uses <brisk.h> only.
 */
#include <brisk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* An unsigned query parameter, or def when absent or not a number. */
static unsigned long query_ulong(brisk_ctx *c, const char *name, unsigned long def) {
    brisk_str v = brisk_query_param(c, name);
    if (!v.ptr || v.len == 0 || v.len > 18) return def;
    char tmp[20];
    memcpy(tmp, v.ptr, v.len);
    tmp[v.len] = '\0';
    char *end;
    unsigned long n = strtoul(tmp, &end, 10);
    return *end ? def : n;
}

/* GET / */
static void root(brisk_ctx *c) { brisk_reply_text(c, 200, "Hello, World!"); }

/* GET /json */
static void json(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "message");
    brisk_json_string(j, "Hello, World!");
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* POST /echo: the body back, its length in X-Body-Length. */
static void echo(brisk_ctx *c) {
    brisk_str body;
    int rc = brisk_body_read(c, &body);
    if (rc != 0) {
        /* 413/408/400 were answered by the server; only a vanished client is left. */
        if (!brisk_replied(c)) brisk_reply_error(c, 500, "body read failed");
        return;
    }
    brisk_set_header(c, "X-Body-Length", brisk_sprintf(c, "%zu", body.len));
    brisk_reply(c, 200, "application/octet-stream", body.ptr, body.len);
}

/* POST /ignore: answers without reading the body. */
static void ignore(brisk_ctx *c) { brisk_reply_text(c, 200, "ignored"); }

/* GET /sleep?ms=N */
static void sleep_route(brisk_ctx *c) {
    unsigned long ms = query_ulong(c, "ms", 100);
    brisk_sleep(c, ms);
    brisk_reply_text(c, 200, brisk_sprintf(c, "slept %lu", ms));
}

static void busy_usleep(void *arg) { usleep((useconds_t)(*(unsigned long *)arg * 1000)); }

/* GET /block?ms=N: a blocking call on the thread pool; the loop stays free. */
static void block(brisk_ctx *c) {
    unsigned long *ms = brisk_alloc(c, sizeof *ms);
    *ms = query_ulong(c, "ms", 100);
    if (brisk_run_blocking(c, busy_usleep, ms) != 0) {
        brisk_reply_error(c, 500, "run_blocking failed");
        return;
    }
    brisk_reply_text(c, 200, brisk_sprintf(c, "blocked %lu", *ms));
}

/* GET /stream?n=N&ms=M: N chunks "chunk i\n", one per sleep tick. */
static void stream(brisk_ctx *c) {
    unsigned long n = query_ulong(c, "n", 5), ms = query_ulong(c, "ms", 10);
    if (brisk_stream_begin(c, 200, "text/plain") != 0) return;
    for (unsigned long i = 0; i < n; i++) {
        char line[32];
        int len = snprintf(line, sizeof line, "chunk %lu\n", i);
        if (brisk_stream_write(c, line, (size_t)len) != 0) return;
        if (ms) brisk_sleep(c, ms);
    }
    brisk_stream_end(c);
}

/* GET /items/{id:int} */
static void item(brisk_ctx *c) {
    brisk_str id = brisk_path_param(c, "id");
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "id");
    brisk_json_int(j, strtoll(brisk_sprintf(c, "%.*s", (int)id.len, id.ptr), NULL, 10));
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* GET /files/{p:path} */
static void files(brisk_ctx *c) {
    brisk_str p = brisk_path_param(c, "p");
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "path");
    brisk_json_string_n(j, p.ptr ? p.ptr : "", p.len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* GET /headers: the request headers, in arrival order, as [[name, value], ...]. */
static void headers(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_arr(j);
    brisk_str name, value;
    for (size_t i = 0; brisk_header_at(c, i, &name, &value); i++) {
        brisk_json_arr(j);
        brisk_json_string_n(j, name.ptr, name.len);
        brisk_json_string_n(j, value.ptr, value.len);
        brisk_json_end_arr(j);
    }
    brisk_json_end_arr(j);
    brisk_json_end(c, j);
}

/* GET /pid */
static void pid(brisk_ctx *c) { brisk_reply_text(c, 200, brisk_sprintf(c, "%d", (int)getpid())); }

/* GET /crash: kills this worker. */
static void crash(brisk_ctx *c) {
    (void)c;
    abort();
}

/* GET /hang?ms=N: spins without yielding, so the worker's loop (and heartbeat) stalls. */
static void hang(brisk_ctx *c) {
    unsigned long ms = query_ulong(c, "ms", 60000);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((unsigned long)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000) <
             ms);
    brisk_reply_text(c, 200, "woke up");
}

/* GET /client: the client address and scheme as the app sees them. */
static void client(brisk_ctx *c) {
    brisk_str addr = brisk_client(c), scheme = brisk_scheme(c);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "client");
    brisk_json_string_n(j, addr.ptr, addr.len);
    brisk_json_key(j, "scheme");
    brisk_json_string_n(j, scheme.ptr, scheme.len);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* GET /info: request line details and the root path. */
static void info(brisk_ctx *c) {
    brisk_str m = brisk_method(c), p = brisk_path(c), q = brisk_query(c), t = brisk_target(c);
    brisk_str root = brisk_root_path(c), pat = brisk_route_pattern(c);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "method");
    brisk_json_string_n(j, m.ptr, m.len);
    brisk_json_key(j, "path");
    brisk_json_string_n(j, p.ptr, p.len);
    brisk_json_key(j, "query");
    brisk_json_string_n(j, q.ptr, q.len);
    brisk_json_key(j, "target");
    brisk_json_string_n(j, t.ptr, t.len);
    brisk_json_key(j, "root_path");
    brisk_json_string_n(j, root.ptr, root.len);
    brisk_json_key(j, "route");
    brisk_json_string_n(j, pat.ptr, pat.len);
    brisk_json_key(j, "http_minor");
    brisk_json_int(j, brisk_http_minor(c));
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

/* PUT /thing: a second method on its own path, for 405 + Allow. */
static void thing(brisk_ctx *c) { brisk_reply_text(c, 200, brisk_sprintf(c, "%.*s thing",
                                                                       (int)brisk_method(c).len,
                                                                       brisk_method(c).ptr)); }

/* GET /big?n=N: a body of N bytes (a repeating alphabet), to exercise large writes. */
static void big(brisk_ctx *c) {
    unsigned long n = query_ulong(c, "n", 1 << 20);
    char *buf = brisk_alloc(c, n ? n : 1);
    for (unsigned long i = 0; i < n; i++) buf[i] = (char)('a' + i % 26);
    brisk_reply(c, 200, "application/octet-stream", buf, n);
}

/* Middleware: tags every response, answers 403 when asked to (X-Deny: 1), and after the
 * inner layers ran, reports the status they produced. */
static void tag_middleware(brisk_ctx *c, void *udata) {
    (void)udata;
    brisk_set_header(c, "X-Middleware", "testapp");
    brisk_str deny = brisk_header(c, "X-Deny");
    if (brisk_str_eq(deny, "1")) {
        brisk_reply_error(c, 403, "denied by middleware");
        return;
    }
    brisk_next(c);
    if (!brisk_response_streamed(c))
        brisk_set_header(c, "X-Inner-Status",
                         brisk_sprintf(c, "%d", brisk_response_status(c)));
}

int main(int argc, char **argv) {
    brisk_app *app = brisk_app_new(.title = "testapp", .version = "1.0.0");
    brisk_app_use(app, tag_middleware, NULL);
    BRISK_GET(app, "/", root);
    BRISK_GET(app, "/json", json);
    BRISK_POST(app, "/echo", echo);
    BRISK_PUT(app, "/echo", echo);
    BRISK_POST(app, "/ignore", ignore);
    BRISK_GET(app, "/sleep", sleep_route);
    BRISK_GET(app, "/block", block);
    BRISK_GET(app, "/stream", stream);
    BRISK_GET(app, "/items/{id:int}", item);
    BRISK_GET(app, "/files/{p:path}", files);
    BRISK_GET(app, "/headers", headers);
    BRISK_GET(app, "/pid", pid);
    BRISK_GET(app, "/crash", crash);
    BRISK_GET(app, "/hang", hang);
    BRISK_GET(app, "/client", client);
    BRISK_GET(app, "/info", info);
    BRISK_GET(app, "/info/{rest:path}", info);
    BRISK_GET(app, "/thing", thing);
    BRISK_PUT(app, "/thing", thing);
    BRISK_GET(app, "/big", big);
    return brisk_serve(app, argc, argv);
}
