/*
 * brisk.h — the public API of brisk, a web API framework in C.
 *
 * One header, everything a user needs. Names start with brisk_ / BRISK_.
 *
 * Model of use:
 *
 *     static void hello(brisk_ctx *c) { brisk_reply_text(c, 200, "Hello, World!"); }
 *
 *     int main(int argc, char **argv) {
 *         brisk_app *app = brisk_app_new(.title = "Hello");
 *         BRISK_GET(app, "/", hello);
 *         return brisk_serve(app, argc, argv);
 *     }
 *
 * Functions taking options come in two forms: `brisk_x_opts(..., const brisk_x_options *)`
 * and a macro `brisk_x(..., .field = value, ...)` that builds the options struct from
 * designated initializers, so omitted fields take their zero default.
 *
 * Concurrency contract: a worker is a process running one libuv loop on one thread. Every
 * request runs in its own coroutine; the calls documented as "suspends" yield to the loop
 * and resume when their I/O completes, so a handler reads as straight-line code. Nothing
 * else in a handler may block: hand blocking or CPU-heavy work to brisk_run_blocking().
 */
#ifndef BRISK_H
#define BRISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define BRISK_API __attribute__((visibility("default")))
#define BRISK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BRISK_API
#define BRISK_PRINTF(f, a)
#endif

#define BRISK_VERSION "0.1.0"

/* ---------------------------------------------------------------------------------------
 * Strings
 * ------------------------------------------------------------------------------------- */

/* A view of bytes owned by someone else (usually the request). Not NUL-terminated. */
typedef struct brisk_str {
    const char *ptr;
    size_t len;
} brisk_str;

#define BRISK_STR(lit) ((brisk_str){(lit), sizeof(lit) - 1})

/* True when the view equals the NUL-terminated string s. */
BRISK_API bool brisk_str_eq(brisk_str a, const char *s);

/* ---------------------------------------------------------------------------------------
 * Application and routes
 * ------------------------------------------------------------------------------------- */

typedef struct brisk_app brisk_app;
typedef struct brisk_ctx brisk_ctx; /* one request, valid until its handler returns */
typedef void (*brisk_handler)(brisk_ctx *c);

typedef struct brisk_app_options {
    int reserved_;           /* keeps the macro form valid with no options */
    const char *title;       /* shown in logs (and, later, in the OpenAPI document) */
    const char *version;
    const char *description;
} brisk_app_options;

/* Creates an application. Never returns NULL (aborts on out-of-memory). */
BRISK_API brisk_app *brisk_app_new_opts(const brisk_app_options *o);
#define brisk_app_new(...) brisk_app_new_opts(&(brisk_app_options){.reserved_ = 0, __VA_ARGS__})
BRISK_API void brisk_app_free(brisk_app *app);

typedef struct brisk_route_options {
    int reserved_;
    const char *summary;
    void *udata;             /* returned by brisk_route_udata() inside the handler */
} brisk_route_options;

/*
 * Adds a route. `path` is a pattern: literal segments, `{name}` (one segment) and
 * `{name:path}` (the rest of the path, slashes included, only as the last segment).
 * GET routes also answer HEAD. Returns 0, or -1 with a message on stderr when the pattern
 * is malformed or the same method and pattern are already routed (a programming error).
 */
BRISK_API int brisk_route_opts(brisk_app *app, const char *method, const char *path,
                               brisk_handler handler, const brisk_route_options *o);
#define brisk_route(app, method, path, handler, ...) \
    brisk_route_opts((app), (method), (path), (handler), \
                     &(brisk_route_options){.reserved_ = 0, __VA_ARGS__})
#define BRISK_GET(app, path, h, ...)    brisk_route(app, "GET", path, h, __VA_ARGS__)
#define BRISK_POST(app, path, h, ...)   brisk_route(app, "POST", path, h, __VA_ARGS__)
#define BRISK_PUT(app, path, h, ...)    brisk_route(app, "PUT", path, h, __VA_ARGS__)
#define BRISK_PATCH(app, path, h, ...)  brisk_route(app, "PATCH", path, h, __VA_ARGS__)
#define BRISK_DELETE(app, path, h, ...) brisk_route(app, "DELETE", path, h, __VA_ARGS__)

/* ---------------------------------------------------------------------------------------
 * Middleware
 *
 * A middleware wraps everything after it: it runs code before, calls brisk_next() to run
 * the rest of the pipeline (inner middleware, then the handler), and runs code after.
 * Not calling brisk_next() answers early (reply first). Middleware run in the order they
 * were added, the first added being the outermost. After brisk_next() returns, the
 * response's status and headers are readable with brisk_response_status() /
 * brisk_response_header(); brisk_response_streamed() tells whether the body was streamed
 * (already on the wire) rather than buffered.
 * Header hooks: a middleware may add headers before calling brisk_next(); they are sent
 * with whatever response the inner layers produce.
 * ------------------------------------------------------------------------------------- */

typedef void (*brisk_middleware_fn)(brisk_ctx *c, void *udata);
BRISK_API void brisk_app_use(brisk_app *app, brisk_middleware_fn fn, void *udata);
BRISK_API void brisk_next(brisk_ctx *c);

/* ---------------------------------------------------------------------------------------
 * The request
 * ------------------------------------------------------------------------------------- */

BRISK_API brisk_str brisk_method(const brisk_ctx *c);
BRISK_API brisk_str brisk_path(const brisk_ctx *c);       /* raw path, no query */
BRISK_API brisk_str brisk_query(const brisk_ctx *c);      /* raw query, no '?' */
BRISK_API brisk_str brisk_target(const brisk_ctx *c);     /* request-target as sent */
BRISK_API int brisk_http_minor(const brisk_ctx *c);       /* 0 for HTTP/1.0, 1 for 1.1 */
/* The route's pattern, e.g. "/items/{id}", or an empty view when no route matched. */
BRISK_API brisk_str brisk_route_pattern(const brisk_ctx *c);
BRISK_API void *brisk_route_udata(const brisk_ctx *c);

/* First header of that name (case-insensitive), or {NULL, 0}. */
BRISK_API brisk_str brisk_header(const brisk_ctx *c, const char *name);
BRISK_API size_t brisk_header_count(const brisk_ctx *c);
/* The i-th header in arrival order; false when i is out of range. */
BRISK_API bool brisk_header_at(const brisk_ctx *c, size_t i, brisk_str *name, brisk_str *value);

/* A `{name}` path parameter, percent-decoded, or {NULL, 0} when the route has none. */
BRISK_API brisk_str brisk_path_param(brisk_ctx *c, const char *name);
/*
 * The first value of query parameter `name`, percent-decoded ('+' as space), or {NULL, 0}
 * when absent. A key present without '=' gives an empty, non-NULL view.
 */
BRISK_API brisk_str brisk_query_param(brisk_ctx *c, const char *name);

/* Client address "ip:port" as text (after --proxy-headers are applied), and scheme. */
BRISK_API brisk_str brisk_client(brisk_ctx *c);
BRISK_API brisk_str brisk_scheme(brisk_ctx *c);
/* The --root-path the app is mounted under ("" by default). */
BRISK_API brisk_str brisk_root_path(const brisk_ctx *c);

/*
 * Reads the whole request body. Suspends until it has arrived. Sends "100 Continue" first
 * when the client asked for it. Returns 0 and sets *body (valid until the handler returns;
 * empty for a request without body), or a negative brisk_err: BRISK_E_TOO_LARGE (the
 * response 413 is sent for you), BRISK_E_TIMEOUT (408 sent), BRISK_E_CLOSED (client gone),
 * BRISK_E_BAD_REQUEST (malformed chunked framing; 400 sent).
 */
BRISK_API int brisk_body_read(brisk_ctx *c, brisk_str *body);

enum brisk_err {
    BRISK_OK = 0,
    BRISK_E_CLOSED = -1,
    BRISK_E_TOO_LARGE = -2,
    BRISK_E_TIMEOUT = -3,
    BRISK_E_BAD_REQUEST = -4,
    BRISK_E_STATE = -5,      /* call not valid now (e.g. headers already sent) */
    BRISK_E_NOMEM = -6,
};

/* Request-scoped memory: freed in one go when the request ends. Never returns NULL. */
BRISK_API void *brisk_alloc(brisk_ctx *c, size_t size);
BRISK_API char *brisk_sprintf(brisk_ctx *c, const char *fmt, ...) BRISK_PRINTF(2, 3);

/* ---------------------------------------------------------------------------------------
 * Suspending helpers (each suspends only the calling request)
 * ------------------------------------------------------------------------------------- */

/* Sleeps ms milliseconds. */
BRISK_API void brisk_sleep(brisk_ctx *c, uint64_t ms);
/*
 * Runs fn(arg) on libuv's thread pool and suspends until it returns. fn must not call
 * brisk functions. Returns 0, or BRISK_E_NOMEM when the work could not be queued.
 */
BRISK_API int brisk_run_blocking(brisk_ctx *c, void (*fn)(void *arg), void *arg);

/* ---------------------------------------------------------------------------------------
 * The response
 *
 * Headers set with brisk_set_header() go out with the reply. A handler that returns
 * without replying is a bug: the client gets "500 Internal Server Error" and the error log
 * says which route forgot, so the mistake is loud.
 * ------------------------------------------------------------------------------------- */

/* Adds a response header. Name and value are copied; CR/LF in either is refused (-1). */
BRISK_API int brisk_set_header(brisk_ctx *c, const char *name, const char *value);

/* A complete response with a body of len bytes (copied). */
BRISK_API void brisk_reply(brisk_ctx *c, int status, const char *content_type,
                           const void *body, size_t len);
BRISK_API void brisk_reply_text(brisk_ctx *c, int status, const char *text);
/* An empty response, e.g. 204 or a redirect with a Location header set beforehand. */
BRISK_API void brisk_reply_empty(brisk_ctx *c, int status);
/* {"detail": "<message>"} with that status, as FastAPI's HTTPException does. */
BRISK_API void brisk_reply_error(brisk_ctx *c, int status, const char *detail);

/* Standard reason phrase ("Not Found"), or "Unknown". */
BRISK_API const char *brisk_status_reason(int status);

/*
 * JSON responses: brisk_json_begin() returns a writer whose output goes straight into the
 * connection's output buffer; brisk_json_end() finishes the response.
 *
 *     brisk_json *j = brisk_json_begin(c, 200);
 *     brisk_json_obj(j);
 *       brisk_json_key(j, "message"); brisk_json_string(j, "Hello, World!");
 *     brisk_json_end_obj(j);
 *     brisk_json_end(c, j);
 *
 * Commas between members and elements are written for you. Strings are escaped as
 * RFC 8259 requires; invalid UTF-8 is replaced by U+FFFD. Non-finite doubles become null.
 */
typedef struct brisk_json brisk_json;
BRISK_API brisk_json *brisk_json_begin(brisk_ctx *c, int status);
BRISK_API void brisk_json_end(brisk_ctx *c, brisk_json *j);
BRISK_API void brisk_json_obj(brisk_json *j);
BRISK_API void brisk_json_end_obj(brisk_json *j);
BRISK_API void brisk_json_arr(brisk_json *j);
BRISK_API void brisk_json_end_arr(brisk_json *j);
BRISK_API void brisk_json_key(brisk_json *j, const char *key);
BRISK_API void brisk_json_key_n(brisk_json *j, const char *key, size_t len);
BRISK_API void brisk_json_string(brisk_json *j, const char *s);
BRISK_API void brisk_json_string_n(brisk_json *j, const char *s, size_t len);
BRISK_API void brisk_json_int(brisk_json *j, int64_t v);
BRISK_API void brisk_json_double(brisk_json *j, double v);
BRISK_API void brisk_json_bool(brisk_json *j, bool v);
BRISK_API void brisk_json_null(brisk_json *j);
/* Appends already-encoded JSON text verbatim (the caller vouches for its validity). */
BRISK_API void brisk_json_raw(brisk_json *j, const char *text, size_t len);

/*
 * Streaming: the body goes out as it is produced (chunked on HTTP/1.1, close-delimited on
 * HTTP/1.0). brisk_stream_write() suspends while the client is slower than the producer,
 * and returns BRISK_E_CLOSED once the client has gone: stop producing then.
 */
BRISK_API int brisk_stream_begin(brisk_ctx *c, int status, const char *content_type);
BRISK_API int brisk_stream_write(brisk_ctx *c, const void *data, size_t len);
BRISK_API int brisk_stream_end(brisk_ctx *c);

/* For middleware, after brisk_next(): what the inner layers answered. */
BRISK_API int brisk_response_status(const brisk_ctx *c);
BRISK_API brisk_str brisk_response_header(const brisk_ctx *c, const char *name);
BRISK_API bool brisk_response_streamed(const brisk_ctx *c);
BRISK_API bool brisk_replied(const brisk_ctx *c);

/* ---------------------------------------------------------------------------------------
 * Logging (leveled; goes to stderr with the worker's pid)
 * ------------------------------------------------------------------------------------- */

typedef enum brisk_log_level {
    BRISK_LOG_CRITICAL = 0,
    BRISK_LOG_ERROR,
    BRISK_LOG_WARNING,
    BRISK_LOG_INFO,
    BRISK_LOG_DEBUG,
    BRISK_LOG_TRACE,
} brisk_log_level;

BRISK_API void brisk_log(brisk_log_level level, const char *fmt, ...) BRISK_PRINTF(2, 3);

/* ---------------------------------------------------------------------------------------
 * Serving
 * ------------------------------------------------------------------------------------- */

/*
 * Parses the command line (options as Uvicorn names them; `--help` lists them, each with
 * an environment variable), starts the supervisor and its workers, and returns the exit
 * status for main() once the server has shut down. Frees the app.
 */
BRISK_API int brisk_serve(brisk_app *app, int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif /* BRISK_H */
