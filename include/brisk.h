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

/* A view of a string literal. */
#define BRISK_LIT(lit) ((brisk_str){(lit), sizeof(lit) - 1})

/* True when the view equals the NUL-terminated string s. */
BRISK_API bool brisk_str_eq(brisk_str a, const char *s);

/* ---------------------------------------------------------------------------------------
 * Application and routes
 * ------------------------------------------------------------------------------------- */

typedef struct brisk_app brisk_app;
typedef struct brisk_ctx brisk_ctx; /* one request, valid until its handler returns */
typedef void (*brisk_handler)(brisk_ctx *c);

/* A NULL-terminated list of strings, e.g. .tags = BRISK_STRS("items", "admin"). */
#define BRISK_STRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* An entry of the OpenAPI document's `servers` (the list ends with {0}). */
typedef struct brisk_server_url {
    const char *url;
    const char *description;
} brisk_server_url;

/* Metadata of a tag, for the OpenAPI document's `tags` (the list ends with {0}). */
typedef struct brisk_tag {
    const char *name;
    const char *description;
    const char *docs_url;    /* externalDocs.url */
} brisk_tag;

typedef struct brisk_dep brisk_dep;
typedef struct brisk_response_doc brisk_response_doc;

typedef struct brisk_app_options {
    int reserved_;           /* keeps the macro form valid with no options */
    /* The OpenAPI document's `info`. */
    const char *title;       /* "brisk" by default */
    const char *version;     /* "0.1.0" by default */
    const char *summary;
    const char *description; /* CommonMark */
    const char *terms_of_service;
    const char *contact_name, *contact_url, *contact_email;
    const char *license_name, *license_identifier, *license_url;
    /* (const brisk_server_url[]){{.url = "https://api.example.com"}, {0}} */
    const brisk_server_url *servers;
    /* (const brisk_tag[]){{.name = "items", .description = "..."}, {0}} */
    const brisk_tag *openapi_tags;
    /* Where the document and its pages are served. NULL takes the default shown; ""
     * turns that one off (with openapi_url "", the pages are off too). */
    const char *openapi_url;             /* "/openapi.json" */
    const char *docs_url;                /* "/docs" (Swagger UI) */
    const char *redoc_url;               /* "/redoc" */
    const char *oauth2_redirect_url;     /* "/docs/oauth2-redirect" */
    /* Dependencies run for every route of the app, before the route's own. */
    const brisk_dep *const *depends;
    /* Validation errors as RFC 9457 application/problem+json (type, title, status,
     * detail, and the FastAPI error list under "errors") instead of FastAPI's body. */
    bool problem_details;
} brisk_app_options;

/* Creates an application. Never returns NULL (aborts on out-of-memory). */
BRISK_API brisk_app *brisk_app_new_opts(const brisk_app_options *o);
#define brisk_app_new(...) brisk_app_new_opts(&(brisk_app_options){.reserved_ = 0, __VA_ARGS__})
BRISK_API void brisk_app_free(brisk_app *app);

typedef struct brisk_field brisk_field;
typedef struct brisk_model brisk_model;

/* A documented response besides the success one: .responses = (const brisk_response_doc[]){
 * {.status = 404, .description = "Item not found", .model = &Error_model}, {0}}. */
struct brisk_response_doc {
    int status;
    const char *description;
    brisk_model *model;      /* its JSON body's model, or NULL */
};

typedef struct brisk_route_options {
    int reserved_;
    /* Documentation. The summary defaults to the handler's name with '_' as ' ' and each
     * word capitalized ("read_item" gives "Read Item"), as FastAPI does. */
    const char *summary;
    const char *description;
    const char *const *tags;           /* BRISK_STRS("items") */
    /* Default: FastAPI's scheme, handler name + path + "_" + method with every character
     * outside [A-Za-z0-9_] turned into '_' ("read_item_items__item_id__get"). */
    const char *operation_id;
    bool deprecated;
    bool hidden;                       /* left out of the OpenAPI document */
    const char *response_description;  /* "Successful Response" */
    const brisk_response_doc *responses;
    void *udata;             /* returned by brisk_route_udata() inside the handler */
    /* Typed parameters, BRISK_PARAMS(...): validated before the handler runs. */
    const brisk_field *params;
    /* The JSON body's model: read, decoded and validated before the handler runs
     * (brisk_body() returns it). Required unless body_optional. */
    brisk_model *body;
    bool body_optional;
    brisk_model *response;   /* the response's model, for the documentation */
    int status;              /* the success status, for the documentation (200) */
    /* Dependencies, BRISK_DEPENDS(&a, &b): run in order before the handler, after those
     * of the app and of enclosing routers. */
    const brisk_dep *const *depends;
} brisk_route_options;

typedef struct brisk_router brisk_router;

/*
 * Adds a route to an app or to a router (see Routers). `path` is a pattern: literal
 * segments, `{name}` (one segment) and `{name:path}` (the rest of the path, slashes
 * included, only as the last segment). GET routes also answer HEAD. `name` is the
 * handler's name, which the macros pass for you (it makes the default summary and
 * operationId). Everything the options point to is copied, but dependencies, models and
 * the udata, which must outlive the app. Returns 0, or -1 with a message on stderr when
 * the pattern is malformed, a declaration is invalid, or the same method and pattern are
 * already routed (a programming error).
 */
BRISK_API int brisk_app_route_opts(brisk_app *app, const char *method, const char *path,
                                   brisk_handler handler, const char *name,
                                   const brisk_route_options *o);
BRISK_API int brisk_router_route_opts(brisk_router *r, const char *method, const char *path,
                                      brisk_handler handler, const char *name,
                                      const brisk_route_options *o);
#define brisk_route(target, method, path, handler, ...)                                   \
    _Generic((target), brisk_app *: brisk_app_route_opts,                                \
             brisk_router *: brisk_router_route_opts)(                                   \
        (target), (method), (path), (handler), #handler,                                 \
        &(brisk_route_options){.reserved_ = 0, __VA_ARGS__})
#define BRISK_GET(app, path, h, ...)    brisk_route(app, "GET", path, h, __VA_ARGS__)
#define BRISK_POST(app, path, h, ...)   brisk_route(app, "POST", path, h, __VA_ARGS__)
#define BRISK_PUT(app, path, h, ...)    brisk_route(app, "PUT", path, h, __VA_ARGS__)
#define BRISK_PATCH(app, path, h, ...)  brisk_route(app, "PATCH", path, h, __VA_ARGS__)
#define BRISK_DELETE(app, path, h, ...) brisk_route(app, "DELETE", path, h, __VA_ARGS__)

/* ---------------------------------------------------------------------------------------
 * Routers (FastAPI's APIRouter): a group of routes with a common prefix, tags,
 * dependencies and responses, included into the app (or into another router).
 *
 *     brisk_router *items = brisk_router_new(.prefix = "/items", .tags = BRISK_STRS("items"),
 *                                            .depends = BRISK_DEPENDS(&current_user));
 *     BRISK_GET(items, "/{item_id}", read_item, ...);
 *     brisk_app_include(app, items);
 *     brisk_router_free(items);
 *
 * Including copies the routes, so a router may be included several times (with
 * different prefixes) and freed afterwards. Routes added to a router after it was
 * included are not in the app.
 * ------------------------------------------------------------------------------------- */

typedef struct brisk_router_options {
    int reserved_;
    const char *prefix;                /* "/items": starts with '/', no trailing '/' */
    const char *const *tags;
    const brisk_dep *const *depends;
    const brisk_response_doc *responses;
    bool deprecated;
    bool hidden;
} brisk_router_options;

BRISK_API brisk_router *brisk_router_new_opts(const brisk_router_options *o);
#define brisk_router_new(...) \
    brisk_router_new_opts(&(brisk_router_options){.reserved_ = 0, __VA_ARGS__})
BRISK_API void brisk_router_free(brisk_router *r);
/* Adds r's routes to the app (or to parent), under the options' prefix and with their
 * tags and dependencies added in front of the router's own. Returns 0, or -1 when a route
 * cannot be added (logged). */
BRISK_API int brisk_app_include_opts(brisk_app *app, const brisk_router *r,
                                     const brisk_router_options *o);
BRISK_API int brisk_router_include_opts(brisk_router *parent, const brisk_router *r,
                                        const brisk_router_options *o);
#define brisk_app_include(app, r, ...) \
    brisk_app_include_opts((app), (r), &(brisk_router_options){.reserved_ = 0, __VA_ARGS__})
#define brisk_router_include(parent, r, ...) \
    brisk_router_include_opts((parent), (r), &(brisk_router_options){.reserved_ = 0, __VA_ARGS__})

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
 * JSON values (untyped bodies, fields of arbitrary JSON)
 *
 * The parser is strict RFC 8259: UTF-8 only, no comments, no trailing commas, nesting at
 * most BRISK_JSON_MAX_DEPTH deep. Integers that fit int64 are BRISK_VALUE_INT; other
 * numbers are doubles, correctly rounded whatever the C locale; an integer outside int64
 * is refused, not wrapped or rounded. With duplicate keys in an object, the last one wins
 * (as in Python's json and Pydantic): brisk_value_get() returns it, and the object keeps
 * only that member. Values live in the request's arena.
 * ------------------------------------------------------------------------------------- */

#define BRISK_JSON_MAX_DEPTH 128

typedef enum brisk_value_type {
    BRISK_VALUE_NULL,
    BRISK_VALUE_BOOL,
    BRISK_VALUE_INT,
    BRISK_VALUE_DOUBLE,
    BRISK_VALUE_STRING,
    BRISK_VALUE_ARRAY,
    BRISK_VALUE_OBJECT,
} brisk_value_type;

typedef struct brisk_value brisk_value;
typedef struct brisk_member {
    brisk_str key;                  /* NUL-terminated too */
    brisk_value *value;
} brisk_member;

struct brisk_value {
    brisk_value_type type;
    union {
        bool b;
        int64_t i;
        double d;
        brisk_str s;                /* unescaped; NUL-terminated too (may hold U+0000) */
        struct { brisk_value **items; size_t len; } arr;
        struct { brisk_member *items; size_t len; } obj;
    } as;
};

/* Where and why a text is not JSON. `msg` uses the wording of Python's json module
 * ("Expecting value", "Expecting ',' delimiter", ...), as FastAPI reports it. */
typedef struct brisk_json_error {
    size_t pos;                     /* byte offset of the problem */
    const char *msg;
} brisk_json_error;

/* Parses text into a value in the request's arena. Returns NULL and fills *err (may be
 * NULL) when the text is not one valid JSON value. */
BRISK_API brisk_value *brisk_json_parse(brisk_ctx *c, const char *text, size_t len,
                                        brisk_json_error *err);
/* The member `key` of an object (the last one, with duplicates), or NULL. */
BRISK_API const brisk_value *brisk_value_get(const brisk_value *obj, const char *key);
/* Writes v as JSON (compact). */
BRISK_API void brisk_json_value(brisk_json *j, const brisk_value *v);

/*
 * Reads the body and parses it as JSON. On malformed JSON answers 422 with FastAPI's
 * json_invalid error and returns NULL; also NULL when the body could not be read (the
 * server answered then, see brisk_body_read). An empty body is answered 422 "missing".
 */
BRISK_API const brisk_value *brisk_body_json(brisk_ctx *c);

/* ---------------------------------------------------------------------------------------
 * Models: one declaration gives decoding, validation, 422 errors, encoding and JSON Schema
 *
 *     typedef struct { brisk_str name; double price; bool *has_tax; brisk_strs tags; } Item;
 *
 *     BRISK_MODEL(Item,
 *         BRISK_CONFIG(.description = "An item for sale"),
 *         BRISK_STR(name, .max_len = 100),
 *         BRISK_F64(price, BRISK_GE(0)),
 *         BRISK_BOOL(has_tax, .nullable = true, .optional = true),
 *         BRISK_STR_LIST(tags, .optional = true));
 *
 * BRISK_MODEL(T, ...) defines `brisk_model T_model`, at file scope; in a header,
 * BRISK_MODEL_DECLARE(T) declares it. Each field macro names a member of T and checks at
 * compile time that the member has the C type the field kind needs:
 *
 *   kind                     member type            with .nullable = true
 *   BRISK_BOOL               bool                   bool *      (NULL: null or absent)
 *   BRISK_I32 / BRISK_I64    int32_t / int64_t      int32_t * / int64_t *
 *   BRISK_F64                double (finite)        double *
 *   BRISK_STR                brisk_str              brisk_str   (.ptr NULL: null or absent)
 *   BRISK_ENUM               int (index in .values) int *
 *   BRISK_DATETIME           brisk_str (RFC 3339 text as sent)
 *   BRISK_UUID               brisk_str (canonical lowercase 8-4-4-4-12)
 *   BRISK_OBJ(name, &M)      M's struct *           (NULL: null or absent)
 *   BRISK_LIST(name, ITEM)   brisk_list, or a typed one (brisk_strs, brisk_i64s, ...)
 *                            (.items NULL: null or absent, when nullable)
 *   BRISK_MAP(name, ITEM)    brisk_map              (string keys; .keys NULL likewise)
 *   BRISK_ANY(name)          const brisk_value *    (any JSON; NULL when absent)
 *
 * ITEM, the element of a list or map, is BRISK_ITEM_STR(...), BRISK_ITEM_I64(...),
 * BRISK_ITEM_OBJ(&M), BRISK_ITEM_LIST(ITEM2), ... with the same options as fields. The
 * elements are stored as the member of that kind would be: brisk_str for strings, the
 * struct itself (not a pointer) for BRISK_ITEM_OBJ, a pointer for a nullable scalar.
 *
 * Options of every field (designated initializers):
 *   .optional      may be absent: takes .default_json, else zero / NULL
 *   .nullable      accepts JSON null (see the member types above)
 *   .default_json  the default as JSON text, e.g. "10", "\"draft\"", "[]"
 *   .alias         the JSON key, when it differs from the member's name
 *   .title, .description, .example_json   documentation (JSON Schema, OpenAPI)
 *   .min_len, .max_len     strings: in code points (0: no bound); lists, maps: items
 *   .pattern       strings: a PCRE2 regular expression the value must match (search, as
 *                  Pydantic does: anchor it with ^...$ to match the whole value)
 *   .values        BRISK_ENUM: BRISK_VALUES("a", "b")
 * Numeric bounds, as macros because 0 is a bound too: BRISK_GT(x), BRISK_GE(x),
 * BRISK_LT(x), BRISK_LE(x), BRISK_MULTIPLE_OF(x).
 * Model options go in BRISK_CONFIG(...): .title, .description, .forbid_extra (unknown
 * keys are refused with "extra_forbidden"; by default they are ignored, as Pydantic does).
 * ------------------------------------------------------------------------------------- */

typedef enum brisk_kind {
    BRISK_K_END_ = 0,                /* terminates parameter lists */
    BRISK_K_CONFIG_,                 /* model options, not a field */
    BRISK_K_BOOL,
    BRISK_K_I32,
    BRISK_K_I64,
    BRISK_K_F64,
    BRISK_K_STR,
    BRISK_K_ENUM,
    BRISK_K_DATETIME,
    BRISK_K_UUID,
    BRISK_K_OBJ,
    BRISK_K_LIST,
    BRISK_K_MAP,
    BRISK_K_ANY,
} brisk_kind;

/* Where a parameter comes from. */
typedef enum brisk_in {
    BRISK_IN_NONE_ = 0,
    BRISK_IN_PATH,
    BRISK_IN_QUERY,
    BRISK_IN_HEADER,
    BRISK_IN_COOKIE,
    BRISK_IN_FORM,                   /* a field of an application/x-www-form-urlencoded body */
} brisk_in;

typedef struct brisk_list { void *items; size_t len; } brisk_list;
typedef struct brisk_strs { brisk_str *items; size_t len; } brisk_strs;
typedef struct brisk_i64s { int64_t *items; size_t len; } brisk_i64s;
typedef struct brisk_i32s { int32_t *items; size_t len; } brisk_i32s;
typedef struct brisk_f64s { double *items; size_t len; } brisk_f64s;
typedef struct brisk_bools { bool *items; size_t len; } brisk_bools;
typedef struct brisk_map { brisk_str *keys; void *values; size_t len; } brisk_map;

struct brisk_field {
    brisk_kind kind;
    const char *name;                /* member name, or parameter name */
    size_t offset;                   /* of the member in the model's struct */
    brisk_in in;                     /* parameters only */
    brisk_model *model;        /* BRISK_K_OBJ */
    const brisk_field *item;         /* BRISK_K_LIST, BRISK_K_MAP: the element */
    bool optional, nullable;
    bool forbid_extra;               /* BRISK_CONFIG only */
    const char *default_json;
    const char *alias;
    const char *title, *description, *example_json;
    size_t min_len, max_len;
    const char *pattern;
    const char *const *values;       /* BRISK_K_ENUM: NULL-terminated */
    double gt, ge, lt, le, multiple_of;
    bool has_gt, has_ge, has_lt, has_le, has_multiple_of;
};

/* Hands a model's field table to brisk, which copies what it keeps. */
typedef void (*brisk_fields_sink)(const brisk_field *fields, size_t n, void *arg);

struct brisk_model {
    const char *name;                /* the C type's name: the schema's title and $ref */
    size_t size;                     /* sizeof the struct */
    void (*fields)(brisk_fields_sink sink, void *arg); /* written by BRISK_MODEL */
    void *resolved_;                 /* brisk's copy of the fields, made on first use */
};

#define BRISK_GT(x) .gt = (x), .has_gt = true
#define BRISK_GE(x) .ge = (x), .has_ge = true
#define BRISK_LT(x) .lt = (x), .has_lt = true
#define BRISK_LE(x) .le = (x), .has_le = true
#define BRISK_MULTIPLE_OF(x) .multiple_of = (x), .has_multiple_of = true
#define BRISK_VALUES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The field table is built inside a function, where `brisk_self_` names T for the field
 * macros; brisk copies it on first use (route registration, or the first encode). */
#define BRISK_MODEL_DECLARE(T) extern brisk_model T##_model
#define BRISK_MODEL(T, ...)                                                              \
    static void T##_brisk_fields_(brisk_fields_sink sink, void *arg) {                   \
        typedef T brisk_self_;                                                           \
        const brisk_field f[] = {__VA_ARGS__};                                           \
        sink(f, sizeof f / sizeof f[0], arg);                                            \
    }                                                                                    \
    brisk_model T##_model = {#T, sizeof(T), T##_brisk_fields_, NULL}

#define BRISK_CONFIG(...) {.kind = BRISK_K_CONFIG_, __VA_ARGS__}

/* The member's offset, plus 0 times a comparison that fails to compile (distinct
 * pointer types) when the member does not have C type `ctype`. */
#define BRISK_MEMBER_(m, ctype)                                                          \
    offsetof(brisk_self_, m) +                                                           \
        0 * sizeof(&((brisk_self_ *)0)->m == (ctype *)0)
#define BRISK_FIELD_(k, m, ctype, ...) \
    {.kind = (k), .name = #m, .offset = BRISK_MEMBER_(m, ctype), __VA_ARGS__}

/* A nullable scalar is a pointer; the compile-time check is loosened for it to the
 * member's size, and decoding checks the declared kind against .nullable at start-up. */
#define BRISK_SCALAR_(k, m, ctype, ...)                                                  \
    {.kind = (k), .name = #m,                                                            \
     .offset = offsetof(brisk_self_, m) +                                                \
               0 * sizeof(char[sizeof(((brisk_self_ *)0)->m) == sizeof(ctype) ||         \
                               sizeof(((brisk_self_ *)0)->m) == sizeof(void *) ? 1 : -1]), \
     __VA_ARGS__}

#define BRISK_BOOL(m, ...) BRISK_SCALAR_(BRISK_K_BOOL, m, bool, __VA_ARGS__)
#define BRISK_I32(m, ...) BRISK_SCALAR_(BRISK_K_I32, m, int32_t, __VA_ARGS__)
#define BRISK_I64(m, ...) BRISK_SCALAR_(BRISK_K_I64, m, int64_t, __VA_ARGS__)
#define BRISK_F64(m, ...) BRISK_SCALAR_(BRISK_K_F64, m, double, __VA_ARGS__)
#define BRISK_ENUM(m, ...) BRISK_SCALAR_(BRISK_K_ENUM, m, int, __VA_ARGS__)
#define BRISK_STR(m, ...) BRISK_FIELD_(BRISK_K_STR, m, brisk_str, __VA_ARGS__)
#define BRISK_DATETIME(m, ...) BRISK_FIELD_(BRISK_K_DATETIME, m, brisk_str, __VA_ARGS__)
#define BRISK_UUID(m, ...) BRISK_FIELD_(BRISK_K_UUID, m, brisk_str, __VA_ARGS__)
#define BRISK_ANY(m, ...) BRISK_FIELD_(BRISK_K_ANY, m, const brisk_value *, __VA_ARGS__)
#define BRISK_OBJ(m, M, ...)                                                             \
    {.kind = BRISK_K_OBJ, .name = #m,                                                    \
     .offset = offsetof(brisk_self_, m) +                                                \
               0 * sizeof(char[sizeof(((brisk_self_ *)0)->m) == sizeof(void *) ? 1 : -1]), \
     .model = (M), __VA_ARGS__}
#define BRISK_LIST_SIZED_(m)                                                             \
    offsetof(brisk_self_, m) +                                                           \
        0 * sizeof(char[sizeof(((brisk_self_ *)0)->m) == sizeof(brisk_list) ? 1 : -1])
#define BRISK_LIST(m, ITEM, ...)                                                         \
    {.kind = BRISK_K_LIST, .name = #m, .offset = BRISK_LIST_SIZED_(m),                    \
     .item = &(const brisk_field)ITEM, __VA_ARGS__}
#define BRISK_MAP(m, ITEM, ...)                                                          \
    {.kind = BRISK_K_MAP, .name = #m, .offset = BRISK_MEMBER_(m, brisk_map),              \
     .item = &(const brisk_field)ITEM, __VA_ARGS__}
#define BRISK_STR_LIST(m, ...) BRISK_LIST(m, BRISK_ITEM_STR(), __VA_ARGS__)

/* Elements of lists and maps. */
#define BRISK_ITEM_(k, ...) {.kind = (k), __VA_ARGS__}
#define BRISK_ITEM_BOOL(...) BRISK_ITEM_(BRISK_K_BOOL, __VA_ARGS__)
#define BRISK_ITEM_I32(...) BRISK_ITEM_(BRISK_K_I32, __VA_ARGS__)
#define BRISK_ITEM_I64(...) BRISK_ITEM_(BRISK_K_I64, __VA_ARGS__)
#define BRISK_ITEM_F64(...) BRISK_ITEM_(BRISK_K_F64, __VA_ARGS__)
#define BRISK_ITEM_STR(...) BRISK_ITEM_(BRISK_K_STR, __VA_ARGS__)
#define BRISK_ITEM_ENUM(...) BRISK_ITEM_(BRISK_K_ENUM, __VA_ARGS__)
#define BRISK_ITEM_DATETIME(...) BRISK_ITEM_(BRISK_K_DATETIME, __VA_ARGS__)
#define BRISK_ITEM_UUID(...) BRISK_ITEM_(BRISK_K_UUID, __VA_ARGS__)
#define BRISK_ITEM_ANY(...) BRISK_ITEM_(BRISK_K_ANY, __VA_ARGS__)
#define BRISK_ITEM_OBJ(M, ...) BRISK_ITEM_(BRISK_K_OBJ, .model = (M), __VA_ARGS__)
#define BRISK_ITEM_LIST(ITEM, ...) \
    BRISK_ITEM_(BRISK_K_LIST, .item = &(const brisk_field)ITEM, __VA_ARGS__)
#define BRISK_ITEM_MAP(ITEM, ...) \
    BRISK_ITEM_(BRISK_K_MAP, .item = &(const brisk_field)ITEM, __VA_ARGS__)

/* How models are written back as JSON. */
typedef struct brisk_dump_options {
    int reserved_;
    bool exclude_none;               /* leave out members that are null */
    bool exclude_defaults;           /* leave out members equal to their default */
} brisk_dump_options;

/* Writes obj (a struct described by m) as a JSON object; only declared fields appear,
 * under their alias when they have one. */
BRISK_API void brisk_json_model_opts(brisk_json *j, brisk_model *m, const void *obj,
                                     const brisk_dump_options *o);
#define brisk_json_model(j, m, obj, ...) \
    brisk_json_model_opts((j), (m), (obj), &(brisk_dump_options){.reserved_ = 0, __VA_ARGS__})
/* A complete JSON response of one model. */
BRISK_API void brisk_reply_model_opts(brisk_ctx *c, int status, brisk_model *m,
                                      const void *obj, const brisk_dump_options *o);
#define brisk_reply_model(c, status, m, obj, ...)                                         \
    brisk_reply_model_opts((c), (status), (m), (obj),                                    \
                           &(brisk_dump_options){.reserved_ = 0, __VA_ARGS__})

/* The model's JSON Schema (draft 2020-12): the object schema with `$defs` for nested
 * models, as a malloc'd NUL-terminated string (free it). NULL when m is invalid. */
BRISK_API char *brisk_model_schema(brisk_model *m);

/* ---------------------------------------------------------------------------------------
 * Typed parameters
 *
 *     BRISK_GET(app, "/items/{item_id}", read_item,
 *               .params = BRISK_PARAMS(BRISK_PATH_I64("item_id", BRISK_GE(1)),
 *                                      BRISK_QUERY_STR("q", .max_len = 50, .optional = true),
 *                                      BRISK_QUERY_LIST("tag", BRISK_ITEM_STR()),
 *                                      BRISK_HEADER_STR("user_agent", .optional = true)));
 *
 * Parameters take the field options above (.nullable aside: an absent parameter has its
 * default, or zero). Query, header and cookie parameters are
 * required unless .optional; path parameters are always required. Values are coerced from
 * text as FastAPI does ("42" is an integer; true/1/yes/on and false/0/no/off are booleans).
 * A header parameter's name has '_' turned into '-' and matches case-insensitively
 * (FastAPI's rule). A list parameter collects every repetition (?tag=a&tag=b).
 * The handler is called only when every parameter is valid; otherwise the client gets 422.
 * Read them with the typed getters below, by name.
 * ------------------------------------------------------------------------------------- */

#define BRISK_PARAMS(...) ((const brisk_field[]){__VA_ARGS__, {.kind = BRISK_K_END_}})
#define BRISK_PARAM_(where, k, n, ...) {.kind = (k), .name = (n), .in = (where), __VA_ARGS__}
#define BRISK_PATH(k, n, ...) BRISK_PARAM_(BRISK_IN_PATH, k, n, __VA_ARGS__)
#define BRISK_QUERY(k, n, ...) BRISK_PARAM_(BRISK_IN_QUERY, k, n, __VA_ARGS__)
#define BRISK_HEADER(k, n, ...) BRISK_PARAM_(BRISK_IN_HEADER, k, n, __VA_ARGS__)
#define BRISK_COOKIE(k, n, ...) BRISK_PARAM_(BRISK_IN_COOKIE, k, n, __VA_ARGS__)
#define BRISK_PATH_I64(n, ...) BRISK_PATH(BRISK_K_I64, n, __VA_ARGS__)
#define BRISK_PATH_I32(n, ...) BRISK_PATH(BRISK_K_I32, n, __VA_ARGS__)
#define BRISK_PATH_STR(n, ...) BRISK_PATH(BRISK_K_STR, n, __VA_ARGS__)
#define BRISK_PATH_UUID(n, ...) BRISK_PATH(BRISK_K_UUID, n, __VA_ARGS__)
#define BRISK_PATH_ENUM(n, ...) BRISK_PATH(BRISK_K_ENUM, n, __VA_ARGS__)
#define BRISK_QUERY_I64(n, ...) BRISK_QUERY(BRISK_K_I64, n, __VA_ARGS__)
#define BRISK_QUERY_I32(n, ...) BRISK_QUERY(BRISK_K_I32, n, __VA_ARGS__)
#define BRISK_QUERY_F64(n, ...) BRISK_QUERY(BRISK_K_F64, n, __VA_ARGS__)
#define BRISK_QUERY_BOOL(n, ...) BRISK_QUERY(BRISK_K_BOOL, n, __VA_ARGS__)
#define BRISK_QUERY_STR(n, ...) BRISK_QUERY(BRISK_K_STR, n, __VA_ARGS__)
#define BRISK_QUERY_ENUM(n, ...) BRISK_QUERY(BRISK_K_ENUM, n, __VA_ARGS__)
#define BRISK_QUERY_UUID(n, ...) BRISK_QUERY(BRISK_K_UUID, n, __VA_ARGS__)
#define BRISK_QUERY_DATETIME(n, ...) BRISK_QUERY(BRISK_K_DATETIME, n, __VA_ARGS__)
#define BRISK_QUERY_LIST(n, ITEM, ...) \
    BRISK_QUERY(BRISK_K_LIST, n, .item = &(const brisk_field)ITEM, __VA_ARGS__)
#define BRISK_HEADER_STR(n, ...) BRISK_HEADER(BRISK_K_STR, n, __VA_ARGS__)
#define BRISK_HEADER_I64(n, ...) BRISK_HEADER(BRISK_K_I64, n, __VA_ARGS__)
#define BRISK_COOKIE_STR(n, ...) BRISK_COOKIE(BRISK_K_STR, n, __VA_ARGS__)
#define BRISK_COOKIE_I64(n, ...) BRISK_COOKIE(BRISK_K_I64, n, __VA_ARGS__)
/* Form fields: the body is read as application/x-www-form-urlencoded (FastAPI's Form()),
 * documented as the operation's requestBody. A route has form fields or a body model.
 * As in FastAPI: errors have loc ["body", name] and come after the other parameters'; a
 * field's last value counts, and an empty value is no value (missing, or the default);
 * a body of another Content-Type (multipart/form-data too: brisk does not parse it)
 * leaves every field missing. */
#define BRISK_FORM(k, n, ...) BRISK_PARAM_(BRISK_IN_FORM, k, n, __VA_ARGS__)
#define BRISK_FORM_STR(n, ...) BRISK_FORM(BRISK_K_STR, n, __VA_ARGS__)
#define BRISK_FORM_I64(n, ...) BRISK_FORM(BRISK_K_I64, n, __VA_ARGS__)
#define BRISK_FORM_BOOL(n, ...) BRISK_FORM(BRISK_K_BOOL, n, __VA_ARGS__)

/* A validated parameter's value. The getter must match the declared kind (a mismatch or
 * an undeclared name logs an error and gives zero / an empty view). An absent optional
 * parameter gives its .default_json, else zero / {NULL, 0}. */
BRISK_API int64_t brisk_param_i64(brisk_ctx *c, const char *name);   /* I64 and I32 */
BRISK_API double brisk_param_f64(brisk_ctx *c, const char *name);
BRISK_API bool brisk_param_bool(brisk_ctx *c, const char *name);
BRISK_API brisk_str brisk_param_str(brisk_ctx *c, const char *name); /* STR UUID DATETIME */
BRISK_API int brisk_param_enum(brisk_ctx *c, const char *name);      /* index in .values */
BRISK_API brisk_list brisk_param_list(brisk_ctx *c, const char *name);
/* True when the request carried the parameter. */
BRISK_API bool brisk_param_present(brisk_ctx *c, const char *name);

/* The decoded, validated body of a route declared with .body = &T_model (a T *, in the
 * request's arena), or NULL for a route without one. The raw body stays readable too:
 * brisk_body_read() and brisk_body_json() return the same bytes again (e.g. to tell an
 * absent member from a null one in a PATCH). */
BRISK_API void *brisk_body(brisk_ctx *c);

/* ---------------------------------------------------------------------------------------
 * Errors (FastAPI's HTTPException and exception handlers)
 *
 * brisk_raise() ends the request from anywhere inside it (handler, dependency,
 * middleware, any function they call): it does not return; the stack unwinds to brisk,
 * which answers {"detail": ...} with the status and headers given, through the app's
 * error handler for that status when there is one. Only request-arena memory is safe
 * across it: free or release anything else with brisk_defer() first.
 *
 *     if (!item) brisk_raise(c, 404, .detail = "Item not found");
 *     brisk_raise(c, 401, .detail = "Not authenticated",
 *                 .headers = BRISK_STRS("WWW-Authenticate", "Bearer"));
 * ------------------------------------------------------------------------------------- */

typedef struct brisk_http_error {
    int status;
    const char *detail;          /* a message: the body is {"detail": "<detail>"} */
    const char *detail_json;     /* or any JSON text as the detail (wins over .detail) */
    const char *const *headers;  /* BRISK_STRS(name, value, name, value, ...) */
} brisk_http_error;

#if defined(__GNUC__)
#define BRISK_NORETURN __attribute__((noreturn))
#else
#define BRISK_NORETURN
#endif

/* Everything e points to is copied before the stack unwinds. Without .detail nor
 * .detail_json the detail is the status's reason phrase. */
BRISK_API BRISK_NORETURN void brisk_raise_opts(brisk_ctx *c, const brisk_http_error *e);
#define brisk_raise(c, st, ...) \
    brisk_raise_opts((c), &(brisk_http_error){.status = (st), __VA_ARGS__})
/* The last resort: logs the message (with the route and request ID), never sends it, and
 * answers 500 {"detail":"Internal Server Error"}. Does not return. */
BRISK_API BRISK_NORETURN void brisk_fail(brisk_ctx *c, const char *fmt, ...) BRISK_PRINTF(2, 3);

/* Answers an error. Called for raised errors and for brisk's own: 404, 405, 422
 * (.detail_json holds the error list), 500 (a failure or a handler that did not reply).
 * It may reply anything; it must reply. */
typedef void (*brisk_error_handler)(brisk_ctx *c, const brisk_http_error *e);
/* Sets the handler for one status, or for every status without its own when status is 0. */
BRISK_API void brisk_app_on_error(brisk_app *app, int status, brisk_error_handler fn);
/* brisk's default answer for e, for handlers that only add to it. */
BRISK_API void brisk_reply_http_error(brisk_ctx *c, const brisk_http_error *e);

/* ---------------------------------------------------------------------------------------
 * Dependencies (FastAPI's Depends)
 *
 * A dependency is a function that makes a value from the request: a database handle, the
 * current user. Declare it once at file scope; routes, routers and the app list the
 * dependencies they need; brisk runs each at most once per request, sub-dependencies
 * first, before the handler, and hands the value out with brisk_depend().
 *
 *     static void *get_db(brisk_ctx *c, const brisk_dep *self) {
 *         Db *db = db_acquire();
 *         brisk_defer(c, db_release, db);        (runs after the response is sent)
 *         return db;
 *     }
 *     static const brisk_dep db_dep = {.name = "get_db", .fn = get_db};
 *
 *     static void *current_user(brisk_ctx *c, const brisk_dep *self) {
 *         const brisk_credentials *cred = brisk_depend(c, &bearer);
 *         User *u = lookup(brisk_depend(c, &db_dep), cred->credentials);
 *         if (!u) brisk_raise(c, 401, .detail = "Invalid token");
 *         return u;
 *     }
 *     static const brisk_dep user_dep = {.name = "current_user", .fn = current_user,
 *                                        .depends = BRISK_DEPENDS(&bearer, &db_dep)};
 *
 *     BRISK_GET(app, "/me", read_me, .depends = BRISK_DEPENDS(&user_dep));
 *     ... inside read_me: User *u = brisk_depend(c, &user_dep);
 *
 * A dependency answers an error by raising (brisk_raise). Parameters it declares in
 * .params are documented on every route that uses it and read with brisk_param_*() as
 * the route's are. The order is FastAPI's: dependencies in the order listed (app's,
 * routers', route's), each after its sub-dependencies and right after its own parameters
 * were validated, then the route's parameters and body; a dependency whose parameters
 * (or whose sub-dependencies') are invalid does not run, and once all are done one 422
 * lists every problem. So a security scheme's 401 comes before the route's 422. A body
 * that is not JSON at all is reported (alone) before anything runs.
 * ------------------------------------------------------------------------------------- */

typedef void *(*brisk_dep_fn)(brisk_ctx *c, const brisk_dep *self);
typedef struct brisk_security brisk_security;

struct brisk_dep {
    const char *name;                  /* for logs */
    brisk_dep_fn fn;
    const brisk_dep *const *depends;   /* sub-dependencies, run first */
    const brisk_field *params;         /* BRISK_PARAMS(...) */
    const brisk_security *security;    /* set by the security macros below */
    const char *const *scopes;         /* OAuth2 scopes this use needs, for the document */
    void *udata;                       /* free for fn's use */
};

#define BRISK_DEPENDS(...) ((const brisk_dep *const[]){__VA_ARGS__, NULL})

/* The value of dependency d for this request: runs it (and its sub-dependencies) if it
 * has not run yet, else returns the value it gave. Raises as d does. */
BRISK_API void *brisk_depend(brisk_ctx *c, const brisk_dep *d);

/* Runs fn(arg, failed) after the response has been handed to the connection, also when
 * the request raised or failed (failed is then true). Cleanups run last registered
 * first, inside the request's coroutine, so they may suspend; the answer is sent, so they
 * must not raise (brisk_raise there is a programming error: it aborts the worker). */
typedef void (*brisk_cleanup_fn)(void *arg, bool failed);
BRISK_API void brisk_defer(brisk_ctx *c, brisk_cleanup_fn fn, void *arg);

/* For tests: requests from now on run `with` wherever `dep` is used (NULL restores dep).
 * `with` reads its parameters from those `dep` declared. */
BRISK_API void brisk_app_override(brisk_app *app, const brisk_dep *dep, const brisk_dep *with);

/* ---------------------------------------------------------------------------------------
 * Security schemes (FastAPI's fastapi.security): each is a dependency that returns the
 * request's credential or answers 401 with WWW-Authenticate, and appears in the OpenAPI
 * document's securitySchemes and the `security` of every operation that uses it.
 *
 *     static const brisk_dep bearer = BRISK_HTTP_BEARER(.bearer_format = "JWT");
 *     static const brisk_dep api_key = BRISK_API_KEY(.in = BRISK_IN_HEADER,
 *                                                    .name = "X-API-Key");
 *     static const brisk_dep oauth2 = BRISK_OAUTH2_PASSWORD(.token_url = "/token");
 *
 *     const brisk_credentials *cr = brisk_depend(c, &bearer);   cr->credentials: the token
 *
 * Declare them at file scope (the macros point to a compound literal, which only has
 * static storage there). A route using an API key without .name or .in, or OAuth2
 * without .token_url, is refused when it is added.
 *
 * They answer as FastAPI 0.122 and later do: every failure is 401 {"detail": "Not
 * authenticated"} with WWW-Authenticate "Bearer" (HTTP Bearer, OAuth2), "Basic" or
 * 'Basic realm="<realm>"', or "APIKey".
 *   HTTP Bearer   Authorization "<scheme> <token>" split at the first space; the scheme
 *                 is "bearer" in any case, the token not empty; any other scheme is missing.
 *   OAuth2        the same, but "Bearer" alone gives an empty token (OAuth2PasswordBearer).
 *   HTTP Basic    scheme "basic" in any case, then base64 decoded as Python's b64decode
 *                 does (stray characters skipped), ASCII, split at the first ':'. Text that
 *                 does not decode so is refused even when .optional.
 *   API key       the header's first value, the query key's last, or the cookie's last in
 *                 the first Cookie header (Starlette's parser, quotes undone); an empty
 *                 value is missing.
 * With .optional, a missing (or wrong-scheme) credential gives NULL instead of the 401.
 * The Authorization header read is the first one.
 * ------------------------------------------------------------------------------------- */

typedef enum brisk_security_type {
    BRISK_SECURITY_HTTP_BEARER = 1,
    BRISK_SECURITY_HTTP_BASIC,
    BRISK_SECURITY_API_KEY,
    BRISK_SECURITY_OAUTH2_PASSWORD,
} brisk_security_type;

struct brisk_security {
    brisk_security_type type;
    const char *scheme_name;         /* its key in securitySchemes; FastAPI's class name
                                        (HTTPBearer, HTTPBasic, APIKeyHeader, ...) if NULL */
    const char *description;
    brisk_in in;                     /* API key: BRISK_IN_HEADER, _QUERY or _COOKIE */
    const char *name;                /* API key: the header, query or cookie name */
    const char *bearer_format;       /* HTTP Bearer: a hint such as "JWT" */
    const char *realm;               /* HTTP Basic: sent in WWW-Authenticate */
    const char *token_url;           /* OAuth2 password flow */
    const char *refresh_url;
    const char *const *scopes;       /* OAuth2: BRISK_STRS(name, description, ...) */
    bool optional;                   /* no credential gives NULL instead of 401
                                        (FastAPI's auto_error=False) */
};

/* What a security dependency returns, in the request's arena; every view is
 * NUL-terminated too. */
typedef struct brisk_credentials {
    brisk_str scheme;                /* as sent ("Bearer", "bearer", "Basic"); "" for a key */
    brisk_str credentials;           /* the token, the API key, or Basic's base64 text */
    brisk_str username, password;    /* HTTP Basic, decoded; {NULL, 0} for the others */
} brisk_credentials;

BRISK_API void *brisk_security_dep_(brisk_ctx *c, const brisk_dep *self);
#define BRISK_SECURITY_(t, ...)                                                          \
    {.name = #t, .fn = brisk_security_dep_,                                              \
     .security = &(const brisk_security){.type = (t), __VA_ARGS__}}
#define BRISK_HTTP_BEARER(...) BRISK_SECURITY_(BRISK_SECURITY_HTTP_BEARER, __VA_ARGS__)
#define BRISK_HTTP_BASIC(...) BRISK_SECURITY_(BRISK_SECURITY_HTTP_BASIC, __VA_ARGS__)
#define BRISK_API_KEY(...) BRISK_SECURITY_(BRISK_SECURITY_API_KEY, __VA_ARGS__)
#define BRISK_OAUTH2_PASSWORD(...) BRISK_SECURITY_(BRISK_SECURITY_OAUTH2_PASSWORD, __VA_ARGS__)

/* The form of OAuth2's password flow (FastAPI's OAuth2PasswordRequestForm), for the token
 * route's .params: username, password, grant_type (optional, "password"), scope (default
 * ""), client_id and client_secret (optional). */
#define BRISK_OAUTH2_PASSWORD_FORM                                                       \
    BRISK_PARAMS(BRISK_FORM_STR("grant_type", .optional = true, .pattern = "^password$"), \
                 BRISK_FORM_STR("username"), BRISK_FORM_STR("password"),                 \
                 BRISK_FORM_STR("scope", .optional = true, .default_json = "\"\""),      \
                 BRISK_FORM_STR("client_id", .optional = true),                          \
                 BRISK_FORM_STR("client_secret", .optional = true))

/*
 * JSON Web Tokens, HS256 (HMAC-SHA256 through OpenSSL), for "log in, get a token":
 *
 *     char *tok = brisk_jwt_sign(c, "{\"sub\":\"alice\",\"exp\":1767225600}", key, keylen);
 *     const brisk_value *claims;
 *     if (brisk_jwt_verify(c, cred->credentials, key, keylen, &claims) != BRISK_JWT_OK)
 *         brisk_raise(c, 401, .detail = "Could not validate credentials",
 *                     .headers = BRISK_STRS("WWW-Authenticate", "Bearer"));
 *
 * brisk_jwt_sign returns the token in the request's arena: header {"alg":"HS256",
 * "typ":"JWT"}, the claims text exactly as given, base64url without padding; NULL when
 * claims_json is not a JSON object or the token would exceed 64 KiB.
 * brisk_jwt_verify refuses, in this order: anything but three strict base64url parts
 * (no padding, one spelling per byte string) whose first two are JSON objects, at most
 * 64 KiB in all (MALFORMED); an "alg" other than the string "HS256", "none" included
 * (BAD_ALGORITHM); a "crit" header (MALFORMED: no extension is understood); a signature
 * that is not HMAC-SHA256 of the first two parts, compared in constant time
 * (BAD_SIGNATURE); "exp" or "nbf" that are not numbers (MALFORMED); now before "nbf"
 * (NOT_YET_VALID); now at or after "exp" (EXPIRED). The clock is the wall clock, with no
 * leeway. On success *claims (claims may be NULL) is the payload object; else NULL.
 */
typedef enum brisk_jwt_result {
    BRISK_JWT_OK = 0,
    BRISK_JWT_MALFORMED,             /* not three base64url parts of JSON objects */
    BRISK_JWT_BAD_ALGORITHM,         /* alg is not HS256 */
    BRISK_JWT_BAD_SIGNATURE,
    BRISK_JWT_EXPIRED,
    BRISK_JWT_NOT_YET_VALID,
} brisk_jwt_result;

BRISK_API char *brisk_jwt_sign(brisk_ctx *c, const char *claims_json, const void *key,
                               size_t key_len);
BRISK_API brisk_jwt_result brisk_jwt_verify(brisk_ctx *c, brisk_str token, const void *key,
                                            size_t key_len, const brisk_value **claims);

/* ---------------------------------------------------------------------------------------
 * Built-in middleware (Starlette's). Each is added with brisk_app_use() semantics: in
 * the order of the calls, the first added outermost. Those that set response headers do
 * it just before the head goes out, so they apply to every answer of the layers inside
 * them (errors, streams, another middleware's early answer) and replace a header of the
 * same name set there; Vary is appended to. A malformed option (a regex that does not
 * compile, a misplaced wildcard) is logged and exits the program with status 1.
 * ------------------------------------------------------------------------------------- */

/*
 * CORS, with Starlette's CORSMiddleware options and defaults. Requests without Origin
 * pass untouched. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
 * answered here, whatever the path: 200 "OK", or 400 "Disallowed CORS origin, method,
 * headers" naming what failed, text/plain, with Access-Control-Allow-Methods, -Max-Age,
 * -Allow-Headers (the safelisted ones and allow_headers, sorted; the requested ones
 * mirrored with "*"), -Allow-Credentials, and the origin itself (with Vary: Origin)
 * unless all origins are allowed without credentials ("*" then). Other requests with an
 * Origin get Access-Control-Allow-Origin ("*" when all are allowed, the origin itself
 * when it is allowed by list or regex, or when all are allowed and the request carries
 * a Cookie; Vary: Origin with the latter two), -Allow-Credentials and -Expose-Headers.
 */
typedef struct brisk_cors_options {
    int reserved_;
    const char *const *allow_origins;  /* BRISK_STRS("https://a.example"), or "*" */
    const char *allow_origin_regex;    /* PCRE2, must match the whole origin */
    const char *const *allow_methods;  /* default: GET; "*" for all; case-sensitive */
    const char *const *allow_headers;  /* beyond the CORS-safelisted; "*"; any case */
    bool allow_credentials;
    const char *const *expose_headers;
    int max_age;                       /* preflight cache, seconds; 0 means 600 */
} brisk_cors_options;
BRISK_API void brisk_use_cors_opts(brisk_app *app, const brisk_cors_options *o);
#define brisk_use_cors(app, ...) \
    brisk_use_cors_opts((app), &(brisk_cors_options){.reserved_ = 0, __VA_ARGS__})

/*
 * GZip, as Starlette's GZipMiddleware (0.4x): compresses the response when the request's
 * Accept-Encoding contains "gzip" and the response has no Content-Encoding, is not
 * text/event-stream and not 206. A buffered body is compressed whole when it has at
 * least minimum_size bytes (on the thread pool from 128 KiB), Content-Length following;
 * a streamed body always, and every brisk_stream_write() is flushed to the client
 * compressed (a sync flush), so a stream stays live. Responses eligible for compression
 * get Vary: Accept-Encoding, compressed or not. Unlike Starlette, which decides on a
 * stream's first piece, an empty stream is compressed too (to a valid, empty gzip).
 */
typedef struct brisk_gzip_options {
    int reserved_;
    size_t minimum_size;               /* 0 means 500 */
    int level;                         /* 1..9 (zlib's); 0 means 9, as Starlette's default */
} brisk_gzip_options;
BRISK_API void brisk_use_gzip_opts(brisk_app *app, const brisk_gzip_options *o);
#define brisk_use_gzip(app, ...) \
    brisk_use_gzip_opts((app), &(brisk_gzip_options){.reserved_ = 0, __VA_ARGS__})

/* TrustedHost, as Starlette's TrustedHostMiddleware: a request whose Host (without its
 * port; compared as sent) is not allowed gets 400 "Invalid host header" (text/plain).
 * Patterns: "example.com", "*.example.com" (any subdomain, not example.com itself), or
 * "*" (no check); NULL means "*". */
typedef struct brisk_trusted_host_options {
    int reserved_;
    const char *const *allowed_hosts;
    /* As Starlette's www_redirect (on by default): a request for "example.com" when only
     * "www.example.com" is allowed is redirected there instead of refused: 307 (as
     * Starlette's RedirectResponse) to the same URL on the www. host (port, root path,
     * path and query kept). */
    bool no_www_redirect;
} brisk_trusted_host_options;
BRISK_API void brisk_use_trusted_host_opts(brisk_app *app, const brisk_trusted_host_options *o);
#define brisk_use_trusted_host(app, ...) \
    brisk_use_trusted_host_opts((app), &(brisk_trusted_host_options){.reserved_ = 0, __VA_ARGS__})

/* Request ID: takes the request's ID header when it is sane (1 to 200 bytes of printable
 * ASCII, space included), otherwise generates a random UUID v4 (lowercase, from the
 * kernel's generator: unique across workers); sets it on every response under the same
 * header, and the access log line (--access-log) ends with it, after a space. */
typedef struct brisk_request_id_options {
    int reserved_;
    const char *header;                /* "X-Request-ID" */
} brisk_request_id_options;
BRISK_API void brisk_use_request_id_opts(brisk_app *app, const brisk_request_id_options *o);
#define brisk_use_request_id(app, ...) \
    brisk_use_request_id_opts((app), &(brisk_request_id_options){.reserved_ = 0, __VA_ARGS__})
/* This request's ID (NUL-terminated), or an empty view without the request ID
 * middleware (or in the layers outside it). */
BRISK_API brisk_str brisk_request_id(const brisk_ctx *c);

/* ---------------------------------------------------------------------------------------
 * Test client (FastAPI's TestClient): sends requests through the whole pipeline —
 * the server's HTTP parser, middleware, routing, validation, dependencies, handler,
 * response writing — in this process, without a socket, and returns what a client would
 * have received.
 *
 *     brisk_test_client *t = brisk_test_client_new(app);
 *     const brisk_test_response *r = brisk_test_request(t, "POST", "/items",
 *                                                       .json = "{\"name\":\"x\"}");
 *     assert(r->status == 201);
 *     brisk_test_client_free(t);
 *     brisk_app_free(app);
 *
 * The app runs on a private event loop with brisk_serve's default options (no access
 * log), only while a request is being answered; brisk_sleep, brisk_run_blocking and
 * streaming work as when serving (a stream is never slowed down: the client reads
 * everything at once). Requests share one keep-alive connection, as an HTTP client's
 * would; a new one is opened after the server closed it. The client's address is
 * "testclient:50000" and the Host header "testserver" unless given, as with Starlette's.
 * Not thread-safe: one thread per client.
 * ------------------------------------------------------------------------------------- */

typedef struct brisk_test_client brisk_test_client;

typedef struct brisk_test_response {
    int status;                        /* 0: no valid response (the error is logged) */
    brisk_str body;                    /* decoded from chunked if it was; NUL-terminated;
                                        * empty for HEAD, 204 and 304 */
    brisk_str head;                    /* the status line and headers as sent, up to and
                                        * including the empty line; NUL-terminated.
                                        * Interim 1xx responses are skipped. */
} brisk_test_response;

typedef struct brisk_test_request {
    int reserved_;
    const char *const *headers;        /* BRISK_STRS(name, value, ...), sent as given */
    const char *body;                  /* sent with Content-Length (unless the headers
                                        * have Content-Length or Transfer-Encoding: the
                                        * body is then sent as it is, e.g. chunked) */
    size_t body_len;                   /* 0: strlen(body) */
    const char *json;                  /* a body sent with Content-Type: application/json
                                        * (unless the headers have one); not with .body */
} brisk_test_request;

/* The client owns no reference to app: free the client before the app. Routes may still
 * be added until the first request, which prepares the app as brisk_serve does. */
BRISK_API brisk_test_client *brisk_test_client_new(brisk_app *app);
BRISK_API void brisk_test_client_free(brisk_test_client *t);
/* Sends one request and runs the app until it is answered and the request has finished
 * (code a handler runs after streaming its body included). The response lives until
 * the next request or brisk_test_client_free. A request that cannot be sent (NULL or
 * malformed method or target, a header name that is not a token, a header value with CR,
 * LF or other control characters, .body with .json) and a response that is malformed,
 * incomplete (the app stopped without finishing it) or followed by stray bytes give
 * status 0 and an error log line; never NULL. */
BRISK_API const brisk_test_response *brisk_test_request_opts(brisk_test_client *t,
                                                             const char *method,
                                                             const char *target,
                                                             const brisk_test_request *o);
#define brisk_test_request(t, method, target, ...) \
    brisk_test_request_opts((t), (method), (target), \
                            &(brisk_test_request){.reserved_ = 0, __VA_ARGS__})
/* The response's first header of that name (case-insensitive), or {NULL, 0}. */
BRISK_API brisk_str brisk_test_header(const brisk_test_response *r, const char *name);

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
