/* Unit tests for the test client (src/api/testclient.c, src/server/vconn.c): requests go
 * through the real parser, pipeline and response writer, and come back as on the wire. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brisk.h"
#include "runtime/buf.h"
#include "server/internal.h" /* the connection behind a request, to see keep-alive */

/* ---- the app ------------------------------------------------------------------------ */

typedef struct {
    brisk_str name;
    double price;
} TcItem;

BRISK_MODEL(TcItem,
    BRISK_STR(name, .max_len = 10),
    BRISK_F64(price, BRISK_GE(0)));

static char tc_trace[256];

static void tc_log(const char *s) { strncat(tc_trace, s, sizeof tc_trace - strlen(tc_trace) - 1); }

static int tc_hellos;

static void hello(brisk_ctx *c) {
    tc_hellos++;
    tc_log("h");
    brisk_reply_text(c, 200, "Hello");
}

static void read_item(brisk_ctx *c) {
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_obj(j);
    brisk_json_key(j, "item_id");
    brisk_json_int(j, brisk_param_i64(c, "item_id"));
    brisk_str q = brisk_param_str(c, "q");
    brisk_json_key(j, "q");
    if (q.ptr)
        brisk_json_string_n(j, q.ptr, q.len);
    else
        brisk_json_null(j);
    brisk_json_end_obj(j);
    brisk_json_end(c, j);
}

static void create_item(brisk_ctx *c) {
    brisk_reply_model(c, 201, &TcItem_model, brisk_body(c));
}

static void users(brisk_ctx *c) { brisk_reply_text(c, 200, "users"); }

/* Echoes the body, whatever its framing, with its length in a header. */
static void echo(brisk_ctx *c) {
    brisk_str body;
    int rc = brisk_body_read(c, &body);
    if (rc) return; /* the server answered */
    brisk_set_header(c, "X-Body-Length", brisk_sprintf(c, "%zu", body.len));
    brisk_str ct = brisk_header(c, "Content-Type");
    brisk_reply(c, 200, ct.ptr ? brisk_sprintf(c, "%.*s", (int)ct.len, ct.ptr) : "text/plain",
                body.ptr, body.len);
}

static void stream(brisk_ctx *c) {
    brisk_str n = brisk_query_param(c, "n");
    int count = n.ptr ? atoi(n.ptr) : 5;
    brisk_str size = brisk_query_param(c, "size");
    size_t sz = size.ptr ? (size_t)atol(size.ptr) : 0;
    brisk_stream_begin(c, 200, "text/plain");
    char *big = sz ? malloc(sz) : NULL;
    for (int i = 0; i < count; i++) {
        if (big) {
            memset(big, 'a' + i % 26, sz);
            brisk_stream_write(c, big, sz);
        } else {
            char line[32];
            int len = snprintf(line, sizeof line, "chunk %d\n", i);
            brisk_stream_write(c, line, (size_t)len);
        }
    }
    free(big);
    brisk_stream_end(c);
}

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleepy(brisk_ctx *c) {
    uint64_t t0 = now_ms();
    brisk_sleep(c, 30);
    brisk_reply_text(c, 200, brisk_sprintf(c, "slept %d", now_ms() - t0 >= 30));
}

typedef struct {
    pthread_t thread;
    long sum;
} tc_job;

static void tc_work(void *arg) {
    tc_job *j = arg;
    j->thread = pthread_self();
    for (long i = 1; i <= 1000; i++) j->sum += i;
}

static void blocking(brisk_ctx *c) {
    tc_job j = {0};
    int rc = brisk_run_blocking(c, tc_work, &j);
    brisk_reply_text(c, 200,
                     brisk_sprintf(c, "%d %ld %s", rc, j.sum,
                                   pthread_equal(j.thread, pthread_self()) ? "same" : "pool"));
}

static void forgetful(brisk_ctx *c) { (void)c; }

/* Bytes no correct server sends, written behind the response writer's back. */
static void broken(brisk_ctx *c) {
    bool after = brisk_query_param(c, "after").ptr != NULL;
    brisk_stream_begin(c, 200, "text/plain");
    if (!after) bk_buf_lit(&c->conn->wbuf, "zz\r\n");
    brisk_stream_end(c);
    if (after) bk_buf_lit(&c->conn->wbuf, "extra");
}

/* How many requests the connection carrying this one has served, this one included. */
static void conn_count(brisk_ctx *c) {
    brisk_reply_text(c, 200, brisk_sprintf(c, "%u", (unsigned)c->conn->nrequests));
}

static void client_addr(brisk_ctx *c) {
    brisk_str a = brisk_client(c), h = brisk_header(c, "Host");
    brisk_reply_text(c, 200, brisk_sprintf(c, "%.*s %.*s", (int)a.len, a.ptr, (int)h.len, h.ptr));
}

static void mw_outer(brisk_ctx *c, void *udata) {
    (void)udata;
    tc_log("a>");
    brisk_set_header(c, "X-Outer", "1");
    brisk_next(c);
    tc_log("<a");
    brisk_set_header(c, "X-Inner-Status", brisk_sprintf(c, "%d", brisk_response_status(c)));
}

static void mw_inner(brisk_ctx *c, void *udata) {
    (void)udata;
    tc_log("b>");
    if (brisk_header(c, "X-Deny").ptr) {
        brisk_reply_error(c, 403, "denied");
        return;
    }
    brisk_next(c);
    tc_log("<b");
}

static brisk_app *app;
static brisk_test_client *tc;

static void setup(void) {
    tc_trace[0] = '\0';
    app = brisk_app_new(.title = "tc");
    cr_assert_eq(BRISK_GET(app, "/", hello), 0);
    cr_assert_eq(BRISK_GET(app, "/items/{item_id}", read_item,
                           .params = BRISK_PARAMS(BRISK_PATH_I64("item_id", BRISK_GE(1)),
                                                  BRISK_QUERY_STR("q", .optional = true))),
                 0);
    cr_assert_eq(BRISK_POST(app, "/items", create_item, .body = &TcItem_model), 0);
    cr_assert_eq(BRISK_GET(app, "/users", users), 0);
    cr_assert_eq(BRISK_POST(app, "/echo", echo), 0);
    cr_assert_eq(BRISK_GET(app, "/stream", stream), 0);
    cr_assert_eq(BRISK_GET(app, "/sleep", sleepy), 0);
    cr_assert_eq(BRISK_GET(app, "/blocking", blocking), 0);
    cr_assert_eq(BRISK_GET(app, "/forget", forgetful), 0);
    cr_assert_eq(BRISK_GET(app, "/broken", broken), 0);
    cr_assert_eq(BRISK_GET(app, "/conn", conn_count), 0);
    cr_assert_eq(BRISK_GET(app, "/client", client_addr), 0);
    brisk_app_use(app, mw_outer, NULL);
    brisk_app_use(app, mw_inner, NULL);
    tc = brisk_test_client_new(app);
    cr_assert_not_null(tc);
}

static void teardown(void) {
    brisk_test_client_free(tc);
    brisk_app_free(app);
}

TestSuite(testclient, .init = setup, .fini = teardown, .timeout = 30);

#define GET(target, ...) brisk_test_request(tc, "GET", (target), __VA_ARGS__)

static bool body_is(const brisk_test_response *r, const char *want) {
    return r->body.len == strlen(want) && memcmp(r->body.ptr, want, r->body.len) == 0 &&
           r->body.ptr[r->body.len] == '\0';
}

static bool header_is(const brisk_test_response *r, const char *name, const char *want) {
    brisk_str v = brisk_test_header(r, name);
    return v.ptr && v.len == strlen(want) && memcmp(v.ptr, want, v.len) == 0;
}

/* ---- basics -------------------------------------------------------------------------- */

Test(testclient, plain_200_with_wire_head) {
    const brisk_test_response *r = GET("/");
    cr_assert_eq(r->status, 200);
    cr_assert(body_is(r, "Hello"), "body %.*s", (int)r->body.len, r->body.ptr);
    cr_assert(header_is(r, "content-length", "5"));
    cr_assert(header_is(r, "CONTENT-TYPE", "text/plain; charset=utf-8"));
    cr_assert(header_is(r, "Server", "brisk"));
    cr_assert(header_is(r, "x-outer", "1"));
    cr_assert(header_is(r, "X-Inner-Status", "200"));
    cr_assert_null(brisk_test_header(r, "X-Missing").ptr);
    cr_assert(strncmp(r->head.ptr, "HTTP/1.1 200 OK\r\n", 17) == 0);
    cr_assert(r->head.len > 4 && memcmp(r->head.ptr + r->head.len - 4, "\r\n\r\n", 4) == 0);
    cr_assert_null(strstr(r->head.ptr, "Hello"), "the head holds no body");
}

Test(testclient, host_added_unless_given_and_peer_is_testclient) {
    const brisk_test_response *r = GET("/client");
    cr_assert(body_is(r, "testclient:50000 testserver"), "%s", r->body.ptr);
    r = GET("/client", .headers = BRISK_STRS("host", "example.com"));
    cr_assert(body_is(r, "testclient:50000 example.com"), "%s", r->body.ptr);
}

Test(testclient, typed_path_and_query) {
    const brisk_test_response *r = GET("/items/42?q=a%20b");
    cr_assert_eq(r->status, 200);
    cr_assert(body_is(r, "{\"item_id\":42,\"q\":\"a b\"}"), "%s", r->body.ptr);
    cr_assert(header_is(r, "Content-Type", "application/json"));
    r = GET("/items/7");
    cr_assert(body_is(r, "{\"item_id\":7,\"q\":null}"), "%s", r->body.ptr);
}

Test(testclient, not_found_method_not_allowed_redirect) {
    const brisk_test_response *r = GET("/nope");
    cr_assert_eq(r->status, 404);
    cr_assert(body_is(r, "{\"detail\":\"Not Found\"}"), "%s", r->body.ptr);
    cr_assert(header_is(r, "X-Inner-Status", "404"), "middleware sees the 404");

    r = brisk_test_request(tc, "DELETE", "/users");
    cr_assert_eq(r->status, 405);
    cr_assert(body_is(r, "{\"detail\":\"Method Not Allowed\"}"), "%s", r->body.ptr);
    brisk_str allow = brisk_test_header(r, "Allow");
    cr_assert_not_null(allow.ptr);
    cr_assert_not_null(memmem(allow.ptr, allow.len, "GET", 3));
    cr_assert_not_null(memmem(allow.ptr, allow.len, "HEAD", 4));

    r = GET("/users/?a=1");
    cr_assert_eq(r->status, 307);
    cr_assert(header_is(r, "Location", "/users?a=1"));
    cr_assert(body_is(r, ""));
}

/* The routes the app serves itself exist only once bk_api_prepare ran. */
Test(testclient, app_is_prepared_before_the_first_request) {
    const brisk_test_response *r = GET("/docs");
    cr_assert_eq(r->status, 200);
    brisk_str ct = brisk_test_header(r, "Content-Type");
    cr_assert(ct.len >= 9 && strncmp(ct.ptr, "text/html", 9) == 0);
    cr_assert_not_null(strstr(r->body.ptr, "swagger-ui"), "%.80s", r->body.ptr);
}

/* ---- validation: FastAPI's bodies, byte for byte ------------------------------------- */

Test(testclient, path_param_422) {
    const brisk_test_response *r = GET("/items/0");
    cr_assert_eq(r->status, 422);
    cr_assert(body_is(r, "{\"detail\":[{\"type\":\"greater_than_equal\",\"loc\":[\"path\","
                         "\"item_id\"],\"msg\":\"Input should be greater than or equal to 1\","
                         "\"input\":\"0\",\"ctx\":{\"ge\":1}}]}"),
              "%s", r->body.ptr);
    r = GET("/items/abc");
    cr_assert_eq(r->status, 422);
    cr_assert(body_is(r, "{\"detail\":[{\"type\":\"int_parsing\",\"loc\":[\"path\",\"item_id\"],"
                         "\"msg\":\"Input should be a valid integer, unable to parse string as "
                         "an integer\",\"input\":\"abc\"}]}"),
              "%s", r->body.ptr);
}

Test(testclient, json_body_201_and_422) {
    const brisk_test_response *r =
        brisk_test_request(tc, "POST", "/items", .json = "{\"name\":\"hammer\",\"price\":9.5}");
    cr_assert_eq(r->status, 201, "%s", r->body.ptr);
    cr_assert(body_is(r, "{\"name\":\"hammer\",\"price\":9.5}"), "%s", r->body.ptr);

    r = brisk_test_request(tc, "POST", "/items", .json = "{\"name\":\"x\",\"price\":-1}");
    cr_assert_eq(r->status, 422);
    cr_assert(body_is(r, "{\"detail\":[{\"type\":\"greater_than_equal\",\"loc\":[\"body\","
                         "\"price\"],\"msg\":\"Input should be greater than or equal to 0\","
                         "\"input\":-1,\"ctx\":{\"ge\":0.0}}]}"),
              "%s", r->body.ptr);

    r = brisk_test_request(tc, "POST", "/items");
    cr_assert_eq(r->status, 422);
    cr_assert(body_is(r, "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],"
                         "\"msg\":\"Field required\",\"input\":null}]}"),
              "%s", r->body.ptr);
}

Test(testclient, json_sets_content_type_body_does_not) {
    const brisk_test_response *r = brisk_test_request(tc, "POST", "/echo", .json = "[1]");
    cr_assert(header_is(r, "Content-Type", "application/json"));
    cr_assert(body_is(r, "[1]"));
    r = brisk_test_request(tc, "POST", "/echo", .body = "a\0b", .body_len = 3,
                           .headers = BRISK_STRS("Content-Type", "application/octet-stream"));
    cr_assert(header_is(r, "Content-Type", "application/octet-stream"));
    cr_assert(header_is(r, "X-Body-Length", "3"));
    cr_assert_eq(r->body.len, 3);
    cr_assert(memcmp(r->body.ptr, "a\0b", 3) == 0);
}

/* ---- framing -------------------------------------------------------------------------- */

Test(testclient, head_has_no_body_and_keeps_the_connection_in_sync) {
    const brisk_test_response *r = brisk_test_request(tc, "HEAD", "/");
    cr_assert_eq(r->status, 200);
    cr_assert(body_is(r, ""));
    cr_assert(header_is(r, "Content-Length", "5"));
    r = brisk_test_request(tc, "HEAD", "/stream?n=3");
    cr_assert_eq(r->status, 200);
    cr_assert(header_is(r, "Transfer-Encoding", "chunked"));
    cr_assert(body_is(r, ""));
    r = GET("/conn");
    cr_assert(body_is(r, "3"), "one connection for all three: %s", r->body.ptr);
}

Test(testclient, streaming_is_chunked_on_the_wire_and_decoded) {
    const brisk_test_response *r = GET("/stream?n=200");
    cr_assert_eq(r->status, 200);
    cr_assert(header_is(r, "Transfer-Encoding", "chunked"));
    cr_assert_null(brisk_test_header(r, "Content-Length").ptr);
    bk_buf want = {0};
    for (int i = 0; i < 200; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "chunk %d\n", i);
        bk_buf_append(&want, line, (size_t)n);
    }
    cr_assert_eq(r->body.len, want.len);
    cr_assert(memcmp(r->body.ptr, want.data, want.len) == 0);
    bk_buf_free(&want);
}

Test(testclient, large_stream_never_blocks_on_backpressure) {
    const brisk_test_response *r = GET("/stream?n=40&size=131072");
    cr_assert_eq(r->status, 200);
    cr_assert_eq(r->body.len, 40 * 131072);
    for (size_t i = 0; i < r->body.len; i += 131072)
        cr_assert_eq(r->body.ptr[i], 'a' + (int)(i / 131072) % 26);
}

/* Formerly black-box tests (test_http11.py), each starting its own server. */
Test(testclient, large_body_content_length_echoed_intact) {
    size_t n = 5 * 1024 * 1024;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++) data[i] = (char)(i * 2654435761u >> 13);
    const brisk_test_response *r =
        brisk_test_request(tc, "POST", "/echo", .body = data, .body_len = n);
    cr_assert_eq(r->status, 200);
    cr_assert(header_is(r, "X-Body-Length", "5242880"));
    cr_assert_eq(r->body.len, n);
    cr_assert(memcmp(r->body.ptr, data, n) == 0);
    free(data);
}

Test(testclient, chunked_bodies_around_and_past_the_read_buffer) {
    static const size_t sizes[] = {47000, 49000, 64 * 1024, 200000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t size = sizes[k];
        bk_buf data = {0}, payload = {0};
        for (size_t i = 0; i < size; i++) bk_buf_putc(&data, (char)(i % 251));
        for (size_t i = 0; i < size; i += 8000) {
            size_t len = size - i < 8000 ? size - i : 8000;
            char hex[24];
            int h = snprintf(hex, sizeof hex, "%zx\r\n", len);
            bk_buf_append(&payload, hex, (size_t)h);
            bk_buf_append(&payload, data.data + i, len);
            bk_buf_lit(&payload, "\r\n");
        }
        bk_buf_lit(&payload, "0\r\n\r\n");
        const brisk_test_response *r = brisk_test_request(
            tc, "POST", "/echo", .body = payload.data, .body_len = payload.len,
            .headers = BRISK_STRS("Transfer-Encoding", "chunked"));
        cr_assert_eq(r->status, 200, "size %zu", size);
        cr_assert_eq(r->body.len, size);
        cr_assert(memcmp(r->body.ptr, data.data, size) == 0, "size %zu", size);
        bk_buf_free(&data);
        bk_buf_free(&payload);
    }
}

Test(testclient, expect_100_continue_interim_is_skipped) {
    const brisk_test_response *r = brisk_test_request(
        tc, "POST", "/echo", .body = "hi", .headers = BRISK_STRS("Expect", "100-continue"));
    cr_assert_eq(r->status, 200);
    cr_assert(body_is(r, "hi"));
    cr_assert(strncmp(r->head.ptr, "HTTP/1.1 200 ", 13) == 0, "%s", r->head.ptr);
}

Test(testclient, server_generated_error_then_a_new_connection) {
    char target[9000];
    memset(target, 'a', sizeof target - 1);
    target[0] = '/';
    target[sizeof target - 1] = '\0';
    const brisk_test_response *r = GET(target);
    cr_assert_eq(r->status, 414, "the server's own parser answers: %d", r->status);
    cr_assert(header_is(r, "Connection", "close"));
    r = GET("/conn");
    cr_assert(body_is(r, "1"), "a fresh connection: %s", r->body.ptr);
}

Test(testclient, framing_errors_are_not_hidden) {
    cr_assert_eq(GET("/broken")->status, 0, "a malformed chunk");
    cr_assert_eq(GET("/broken?after=1")->status, 0, "bytes after the response");
    cr_assert_eq(GET("/")->status, 200);
}

/* ---- suspending calls inside handlers ------------------------------------------------ */

Test(testclient, sleep_suspends_on_a_timer) {
    uint64_t t0 = now_ms();
    const brisk_test_response *r = GET("/sleep");
    cr_assert_eq(r->status, 200);
    cr_assert(body_is(r, "slept 1"), "%s", r->body.ptr);
    cr_assert_geq(now_ms() - t0, 30);
}

Test(testclient, run_blocking_uses_the_thread_pool) {
    const brisk_test_response *r = GET("/blocking");
    cr_assert(body_is(r, "0 500500 pool"), "%s", r->body.ptr);
}

/* ---- middleware, errors, connections ------------------------------------------------- */

Test(testclient, middleware_run_in_order_around_the_handler) {
    GET("/");
    cr_assert_str_eq(tc_trace, "a>b>h<b<a");
    tc_trace[0] = '\0';
    const brisk_test_response *r = GET("/", .headers = BRISK_STRS("X-Deny", "yes"));
    cr_assert_eq(r->status, 403);
    cr_assert(body_is(r, "{\"detail\":\"denied\"}"));
    cr_assert_str_eq(tc_trace, "a>b><a", "the handler never ran: %s", tc_trace);
    cr_assert(header_is(r, "X-Inner-Status", "403"));
}

Test(testclient, handler_without_reply_gets_500) {
    const brisk_test_response *r = GET("/forget");
    cr_assert_eq(r->status, 500);
    cr_assert(body_is(r, "{\"detail\":\"Internal Server Error\"}"), "%s", r->body.ptr);
    r = GET("/");
    cr_assert_eq(r->status, 200, "the client goes on");
}

Test(testclient, keep_alive_across_requests_until_connection_close) {
    cr_assert(body_is(GET("/conn"), "1"));
    cr_assert(body_is(GET("/conn"), "2"));
    const brisk_test_response *r = GET("/conn", .headers = BRISK_STRS("Connection", "close"));
    cr_assert(body_is(r, "3"));
    cr_assert(header_is(r, "Connection", "close"));
    cr_assert(body_is(GET("/conn"), "1"), "the server closed: a new connection");
    cr_assert(body_is(GET("/conn"), "2"));
}

Test(testclient, many_requests_in_a_loop) {
    tc_hellos = 0;
    for (int i = 0; i < 3000; i++) {
        const brisk_test_response *r;
        switch (i % 6) {
        case 0: r = GET("/"); cr_assert_eq(r->status, 200); break;
        case 1: r = GET("/items/0"); cr_assert_eq(r->status, 422); break;
        case 2: r = GET("/stream?n=3"); cr_assert_eq(r->body.len, 24); break;
        case 3:
            r = brisk_test_request(tc, "POST", "/echo", .body = "xyz");
            cr_assert(body_is(r, "xyz"));
            break;
        case 4: r = GET("/nope"); cr_assert_eq(r->status, 404); break;
        default:
            r = GET("/", .headers = BRISK_STRS("Connection", "close"));
            cr_assert_eq(r->status, 200);
        }
    }
    cr_assert_eq(tc_hellos, 1000, "every request reached the handler: %d", tc_hellos);
}

/* ---- bad input: a clear error, no crash ------------------------------------------------ */

static void assert_refused(const brisk_test_response *r) {
    cr_assert_not_null(r);
    cr_assert_eq(r->status, 0);
    cr_assert_eq(r->body.len, 0);
    cr_assert_eq(r->head.len, 0);
}

Test(testclient, bad_requests_are_refused_without_sending) {
    assert_refused(brisk_test_request(tc, NULL, "/"));
    assert_refused(brisk_test_request(tc, "GET", NULL));
    assert_refused(GET("/a b"));
    assert_refused(GET(""));
    assert_refused(GET("/", .headers = BRISK_STRS("X-A", "1\r\nX-Injected: 2")));
    assert_refused(GET("/", .headers = BRISK_STRS("X-A", "1\n")));
    assert_refused(GET("/", .headers = BRISK_STRS("Bad Name", "1")));
    assert_refused(GET("/", .headers = BRISK_STRS("X-Odd")));
    assert_refused(brisk_test_request(tc, "G ET", "/"));
    assert_refused(brisk_test_request(tc, "POST", "/echo", .body = "a", .json = "1"));
    assert_refused(brisk_test_request_opts(NULL, "GET", "/", NULL));
    cr_assert_eq(brisk_test_request_opts(tc, "GET", "/", NULL)->status, 200);
    cr_assert(body_is(GET("/conn"), "2"), "nothing refused reached the server");
}

Test(testclient, header_lookup_on_nothing) {
    cr_assert_null(brisk_test_header(NULL, "X").ptr);
    const brisk_test_response *r = GET("/a b");
    cr_assert_null(brisk_test_header(r, "Server").ptr);
}

/* ---- the virtual server alone: the access log goes through too ------------------------ */

#include "supervisor/supervisor.h"

static bool got_response(const bk_buf *out, void *arg) {
    (void)arg;
    return out->len && memmem(out->data, out->len, "\r\n\r\nok", 6);
}

static void say_ok(brisk_ctx *c, void *udata) {
    (void)udata;
    brisk_reply_text(c, 200, "ok");
}

Test(vserver, access_log_line_per_request, .init = cr_redirect_stderr) {
    bk_config cfg;
    bk_config_defaults(&cfg);
    cfg.access_log = true;
    bk_vserver *s = bk_vserver_new(&cfg, say_ok, NULL);
    cr_assert_not_null(s);
    bk_buf out = {0};
    static const char req[] = "GET /x?y=1 HTTP/1.1\r\nHost: t\r\n\r\n";
    cr_assert_eq(bk_vserver_exchange(s, req, sizeof req - 1, &out, got_response, NULL), 0);
    cr_assert(out.len > 6 && memcmp(out.data + out.len - 6, "\r\n\r\nok", 6) == 0);
    bk_vserver_free(s);
    bk_buf_free(&out);
    fflush(stderr);
    char buf[512] = "";
    FILE *f = cr_get_redirected_stderr();
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    cr_assert_not_null(strstr(buf, "INFO:     testclient:50000 - \"GET /x?y=1 HTTP/1.1\" 200 "),
                       "%s", buf);
}

static void hang(brisk_ctx *c, void *udata) {
    (void)udata;
    brisk_str body;
    brisk_body_read(c, &body); /* Content-Length promises bytes that never come */
}

Test(vserver, a_request_that_cannot_finish_is_reported_not_hung) {
    bk_config cfg;
    bk_config_defaults(&cfg);
    cfg.access_log = false;
    bk_vserver *s = bk_vserver_new(&cfg, hang, NULL);
    bk_buf out = {0};
    static const char req[] = "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc";
    cr_assert_eq(bk_vserver_exchange(s, req, sizeof req - 1, &out, got_response, NULL), -1);
    bk_vserver_free(s);
    bk_buf_free(&out);
}
