/* Errors raised from anywhere in a request (Starlette's HTTPException and exception
 * handlers). A raise unwinds the coroutine's stack with longjmp to the innermost catch
 * frame: the endpoint's, so middleware still see the answer, or the pipeline's outermost
 * one for what middleware raise. Only arena memory survives the unwinding, which is why
 * the error is copied into the arena first. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/route.h"
#include "model/json_write.h"
#include "runtime/arena.h"
#include "runtime/log.h"
#include "server/server.h"

static char *arena_dup(brisk_ctx *c, const char *s) {
    return s ? bk_arena_strndup(bk_ctx_arena(c), s, strlen(s)) : NULL;
}

static brisk_http_error *error_copy(brisk_ctx *c, const brisk_http_error *e) {
    brisk_http_error *d = brisk_alloc(c, sizeof *d);
    d->status = e->status;
    d->detail = arena_dup(c, e->detail);
    d->detail_json = arena_dup(c, e->detail_json);
    d->headers = NULL;
    if (e->headers) {
        size_t n = 0;
        while (e->headers[n]) n++;
        const char **h = brisk_alloc(c, (n + 1) * sizeof *h);
        for (size_t i = 0; i < n; i++) h[i] = arena_dup(c, e->headers[i]);
        h[n] = NULL;
        d->headers = h;
    }
    return d;
}

static brisk_error_handler find_handler(const brisk_app *app, int status) {
    brisk_error_handler any = NULL;
    for (size_t i = 0; i < app->nerrors; i++) {
        if (app->errors[i].status == status) return app->errors[i].fn;
        if (app->errors[i].status == 0) any = app->errors[i].fn;
    }
    return any;
}

bool bk_app_has_error_handler(const brisk_app *app, int status) {
    return find_handler(app, status) != NULL;
}

void brisk_app_on_error(brisk_app *app, int status, brisk_error_handler fn) {
    for (size_t i = 0; i < app->nerrors; i++)
        if (app->errors[i].status == status) {
            app->errors[i].fn = fn;
            return;
        }
    bk_error_entry *n = realloc(app->errors, (app->nerrors + 1) * sizeof *n);
    if (!n) abort();
    app->errors = n;
    app->errors[app->nerrors++] = (bk_error_entry){status, fn};
}

void brisk_reply_http_error(brisk_ctx *c, const brisk_http_error *e) {
    int status = e->status >= 300 && e->status <= 599 ? e->status : 500;
    if (e->headers)
        for (size_t i = 0; e->headers[i] && e->headers[i + 1]; i += 2)
            brisk_set_header(c, e->headers[i], e->headers[i + 1]);
    if (e->detail_json) {
        bk_buf b = {0};
        bk_buf_lit(&b, "{\"detail\":");
        bk_buf_append(&b, e->detail_json, strlen(e->detail_json));
        bk_buf_lit(&b, "}");
        brisk_reply(c, status, "application/json", b.data, b.len);
        bk_buf_free(&b);
        return;
    }
    brisk_reply_error(c, status, e->detail ? e->detail : brisk_status_reason(status));
}

/* An error handler that raises in turn gets the default answer to what it raised, so
 * no error can loop. */
static void run_handler(brisk_ctx *c, bk_app_req *st, brisk_error_handler fn,
                        const brisk_http_error *e) {
    bk_catch f = {.outer = st->catch_top, .header_mark = bk_response_header_mark(c)};
    st->catch_top = &f;
    if (setjmp(f.jb) == 0) {
        fn(c, e);
        st->catch_top = f.outer;
        if (!brisk_replied(c)) {
            brisk_log(BRISK_LOG_ERROR, "the error handler for %d did not reply", e->status);
            brisk_reply_http_error(c, e);
        }
        return;
    }
    st->catch_top = f.outer;
    brisk_http_error *again = st->raised;
    st->raised = NULL;
    bk_response_reset(c, f.header_mark);
    brisk_reply_http_error(c, again);
}

void bk_app_error(brisk_ctx *c, const brisk_http_error *e) {
    bk_app_req *st = bk_ctx_app(c);
    brisk_error_handler fn = st ? find_handler(st->app, e->status) : NULL;
    if (!fn) {
        brisk_reply_http_error(c, e);
        return;
    }
    brisk_http_error *d = error_copy(c, e);
    if (!d->detail) d->detail = brisk_status_reason(e->status);
    run_handler(c, st, fn, d);
}

bool bk_app_run_caught(brisk_ctx *c, bk_app_req *st, void (*body)(brisk_ctx *, void *),
                       void *arg) {
    /* Field by field: an initializer would zero the whole jmp_buf on every request. */
    bk_catch f;
    f.outer = st->catch_top;
    f.header_mark = bk_response_header_mark(c);
    st->catch_top = &f;
    if (setjmp(f.jb) == 0) {
        body(c, arg);
        st->catch_top = f.outer;
        return true;
    }
    st->catch_top = f.outer;
    brisk_http_error *e = st->raised;
    st->raised = NULL;
    if (bk_response_reset(c, f.header_mark)) {
        bk_app_error(c, e);
    } else {
        brisk_log(BRISK_LOG_ERROR, "%.*s %.*s: raised %d after the response had started; "
                  "cutting it short", (int)brisk_method(c).len, brisk_method(c).ptr,
                  (int)brisk_path(c).len, brisk_path(c).ptr, e->status);
        bk_response_abort(c);
    }
    return false;
}

void brisk_raise_opts(brisk_ctx *c, const brisk_http_error *e) {
    bk_app_req *st = bk_ctx_app(c);
    if (!st || !st->catch_top) {
        /* Outside the pipeline (a cleanup, another thread): nowhere to unwind to. */
        brisk_log(BRISK_LOG_CRITICAL, "brisk_raise(%d) outside a request's pipeline",
                  e->status);
        abort();
    }
    st->raised = error_copy(c, e);
    if (e->status >= 500 || e->status < 300) st->failed = true;
    longjmp(st->catch_top->jb, 1);
}

void brisk_fail(brisk_ctx *c, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    brisk_str rid = brisk_request_id(c);
    brisk_log(BRISK_LOG_ERROR, "%.*s %.*s failed%s%.*s%s: %s", (int)brisk_method(c).len,
              brisk_method(c).ptr, (int)brisk_path(c).len, brisk_path(c).ptr,
              rid.len ? " (request " : "", (int)rid.len, rid.ptr, rid.len ? ")" : "", msg);
    bk_app_req *st = bk_ctx_app(c);
    if (st) st->failed = true;
    brisk_raise_opts(c, &(brisk_http_error){.status = 500});
}
