/*
 * mwapp — the server tests/http/test_middleware.py talks to: the built-in middleware
 * (CORS, GZip, TrustedHost, request ID) in front of routes that make each of their
 * behaviours observable. $MWAPP_MODE picks which middleware, with which options, as the
 * test names them. Uses <brisk.h> only.
 */
#include <brisk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* n bytes of text that compresses well but not to nothing: line numbers change. */
static char *text_of(brisk_ctx *c, size_t n) {
    char *buf = brisk_alloc(c, n + 32);
    size_t len = 0;
    for (unsigned i = 0; len < n; i++)
        len += (size_t)snprintf(buf + len, 32, "line %u of the body\n", i);
    buf[n] = '\0';
    return buf;
}

/* GET / */
static void homepage(brisk_ctx *c) { brisk_reply_text(c, 200, "Homepage"); }

/* GET /text?n=N: N bytes of text/plain (default 1000). */
static void text(brisk_ctx *c) {
    size_t n = query_ulong(c, "n", 1000);
    brisk_reply(c, 200, "text/plain; charset=utf-8", text_of(c, n), n);
}

/* GET /json?n=N: a JSON array of N strings. */
static void json(brisk_ctx *c) {
    unsigned long n = query_ulong(c, "n", 100);
    brisk_json *j = brisk_json_begin(c, 200);
    brisk_json_arr(j);
    for (unsigned long i = 0; i < n; i++) brisk_json_string(j, "an item of the list");
    brisk_json_end_arr(j);
    brisk_json_end(c, j);
}

/* GET /encoded?n=N: a body the handler says is already encoded. */
static void encoded(brisk_ctx *c) {
    size_t n = query_ulong(c, "n", 1000);
    brisk_set_header(c, "Content-Encoding", "identity");
    brisk_reply(c, 200, "text/plain", text_of(c, n), n);
}

/* GET /vary: a large body whose handler varies on Cookie already. */
static void vary(brisk_ctx *c) {
    brisk_set_header(c, "Vary", "Cookie");
    brisk_reply(c, 200, "text/plain", text_of(c, 1000), 1000);
}

/* GET /partial: 206 with a large body. */
static void partial(brisk_ctx *c) {
    brisk_set_header(c, "Content-Range", "bytes 0-999/5000");
    brisk_reply(c, 206, "text/plain", text_of(c, 1000), 1000);
}

/* GET /empty: 204. */
static void empty(brisk_ctx *c) { brisk_reply_empty(c, 204); }

/* GET /stream?n=N&size=S&ms=M&type=T&encoded=1: N writes of S bytes, M ms apart. */
static void stream(brisk_ctx *c) {
    unsigned long n = query_ulong(c, "n", 10), size = query_ulong(c, "size", 100);
    unsigned long ms = query_ulong(c, "ms", 0);
    brisk_str t = brisk_query_param(c, "type");
    const char *type = t.ptr ? brisk_sprintf(c, "%.*s", (int)t.len, t.ptr) : "text/plain";
    if (brisk_query_param(c, "encoded").ptr) brisk_set_header(c, "Content-Encoding", "identity");
    if (brisk_stream_begin(c, 200, type) != 0) return;
    for (unsigned long i = 0; i < n; i++) {
        if (i && ms) brisk_sleep(c, ms);
        char *piece = brisk_sprintf(c, "%04lu:", i);
        size_t pl = strlen(piece);
        char *buf = brisk_alloc(c, size + pl);
        memcpy(buf, piece, pl);
        memcpy(buf + pl, text_of(c, size), size);
        if (brisk_stream_write(c, buf, size + pl) != 0) return;
    }
    brisk_stream_end(c);
}

/* GET /rid: this request's ID as the body, the worker's pid in X-Pid. */
static void rid(brisk_ctx *c) {
    brisk_set_header(c, "X-Pid", brisk_sprintf(c, "%d", (int)getpid()));
    brisk_str id = brisk_request_id(c);
    brisk_reply(c, 200, "text/plain", id.ptr, id.len);
}

/* GET /raise: an error raised by the handler (418). */
static void raise_route(brisk_ctx *c) { brisk_raise(c, 418, .detail = "raised"); }

static const char *mode(void) {
    const char *m = getenv("MWAPP_MODE");
    return m ? m : "";
}

static bool is(const char *m) { return strcmp(mode(), m) == 0; }

int main(int argc, char **argv) {
    brisk_app *app = brisk_app_new(.title = "mwapp");
    if (is("cors_all")) {
        /* Starlette's test_cors_allow_all. */
        brisk_use_cors(app, .allow_origins = BRISK_STRS("*"), .allow_headers = BRISK_STRS("*"),
                       .allow_methods = BRISK_STRS("*"), .expose_headers = BRISK_STRS("X-Status"),
                       .allow_credentials = true);
    } else if (is("cors_all_nocreds")) {
        brisk_use_cors(app, .allow_origins = BRISK_STRS("*"), .allow_headers = BRISK_STRS("*"),
                       .allow_methods = BRISK_STRS("*"),
                       .expose_headers = BRISK_STRS("X-Status", "X-Other"));
    } else if (is("cors_list")) {
        /* Starlette's test_cors_allow_specific_origin. */
        brisk_use_cors(app, .allow_origins = BRISK_STRS("https://example.org"),
                       .allow_headers = BRISK_STRS("X-Example", "Content-Type"));
    } else if (is("cors_regex")) {
        /* Starlette's test_cors_allow_origin_regex. */
        brisk_use_cors(app, .allow_headers = BRISK_STRS("X-Example", "Content-Type"),
                       .allow_origin_regex = "https://.*", .allow_credentials = true);
    } else if (is("cors_regex_full")) {
        brisk_use_cors(app, .allow_origin_regex = "https://(foo|foo\\.bar)\\.example\\.org",
                       .allow_methods = BRISK_STRS("GET", "POST"), .max_age = 3600);
    } else if (is("gzip")) {
        brisk_use_gzip(app);
    } else if (is("gzip_min")) {
        brisk_use_gzip(app, .minimum_size = 2000, .level = 1);
    } else if (is("host")) {
        /* Starlette's test_trusted_host_middleware. */
        brisk_use_trusted_host(app, .allowed_hosts = BRISK_STRS("testserver", "*.testserver"));
    } else if (is("host_www")) {
        brisk_use_trusted_host(app, .allowed_hosts = BRISK_STRS("www.example.com"));
    } else if (is("host_www_off")) {
        brisk_use_trusted_host(app, .allowed_hosts = BRISK_STRS("www.example.com"),
                               .no_www_redirect = true);
    } else if (is("host_any")) {
        brisk_use_trusted_host(app, .allowed_hosts = BRISK_STRS("*"));
    } else if (is("host_bad")) {
        brisk_use_trusted_host(app, .allowed_hosts = BRISK_STRS("example.*.com"));
    } else if (is("cors_bad_regex")) {
        brisk_use_cors(app, .allow_origin_regex = "https://(unclosed");
    } else if (is("rid")) {
        brisk_use_request_id(app);
    } else if (is("rid_custom")) {
        brisk_use_request_id(app, .header = "X-Correlation-ID");
    } else if (is("stack")) {
        /* All four, outermost first, as an app would add them. */
        brisk_use_request_id(app);
        brisk_use_trusted_host(app, .allowed_hosts = BRISK_STRS("127.0.0.1", "example.org"));
        brisk_use_gzip(app);
        brisk_use_cors(app, .allow_origins = BRISK_STRS("https://example.org"));
    } else {
        fprintf(stderr, "mwapp: unknown MWAPP_MODE \"%s\"\n", mode());
        return 2;
    }
    BRISK_GET(app, "/", homepage);
    BRISK_GET(app, "/text", text);
    BRISK_GET(app, "/json", json);
    BRISK_GET(app, "/encoded", encoded);
    BRISK_GET(app, "/vary", vary);
    BRISK_GET(app, "/partial", partial);
    BRISK_GET(app, "/empty", empty);
    BRISK_GET(app, "/stream", stream);
    BRISK_GET(app, "/rid", rid);
    BRISK_GET(app, "/raise", raise_route);
    BRISK_POST(app, "/", homepage);
    return brisk_serve(app, argc, argv);
}
