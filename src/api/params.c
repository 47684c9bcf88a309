/* Typed parameters and the body model: collected from the request, coerced, validated,
 * and answered with FastAPI's 422 when anything is wrong — before the handler runs. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "app/app.h"
#include "model/json_write.h"
#include "server/server.h"

void bk_reply_validation(brisk_ctx *c, const bk_verrs *e, bool problem) {
    bk_buf b = {0};
    bk_app_req *st = bk_ctx_app(c);
    if (st && bk_app_has_error_handler(st->app, 422)) {
        /* The handler gets the error list as the detail, as FastAPI's
         * RequestValidationError handlers get exc.errors(). */
        bk_verrs_write(e, &b, false);
        bk_buf_append(&b, "", 1);
        const char *list = strchr(b.data, '[');
        size_t n = strlen(list);
        char *detail = brisk_alloc(c, n);
        memcpy(detail, list, n - 1); /* without the closing '}' */
        detail[n - 1] = '\0';
        bk_buf_free(&b);
        bk_app_error(c, &(brisk_http_error){.status = 422, .detail_json = detail});
        return;
    }
    bk_verrs_write(e, &b, problem);
    brisk_reply(c, 422, problem ? "application/problem+json" : "application/json", b.data,
                b.len);
    bk_buf_free(&b);
}

/* ---- collecting raw values -------------------------------------------------------- */

/* Every value of a query key, decoded, last one last. */
typedef struct rawvals {
    brisk_str *v;
    size_t n, cap;
} rawvals;

static void raw_push(brisk_ctx *c, rawvals *rv, brisk_str s) {
    if (rv->n == rv->cap) {
        size_t cap = rv->cap ? rv->cap * 2 : 4;
        brisk_str *nv = brisk_alloc(c, cap * sizeof *nv);
        if (rv->n) memcpy(nv, rv->v, rv->n * sizeof *nv);
        rv->v = nv;
        rv->cap = cap;
    }
    rv->v[rv->n++] = s;
}

/* One pass over the query string fills the raw values of every query parameter. */
static void collect_query(brisk_ctx *c, const bk_api_route *r, rawvals *raw) {
    brisk_str q = brisk_query(c), key, value;
    const char *p = q.ptr;
    while (bk_query_next(c, &p, q.ptr + q.len, &key, &value)) {
        for (size_t i = 0; i < r->nparams; i++) {
            const bk_rfield *rf = &r->params[i];
            if (rf->f.in == BRISK_IN_QUERY && rf->key_len == key.len &&
                memcmp(rf->key, key.ptr, key.len) == 0) {
                raw_push(c, &raw[i], bk_query_decode(c, value));
                break;
            }
        }
    }
}

static void collect_cookies(brisk_ctx *c, const bk_api_route *r, rawvals *raw,
                            brisk_str header) {
    const char *p = header.ptr;
    brisk_str key, value;
    while (bk_cookie_next(c, &p, header.ptr + header.len, &key, &value))
        for (size_t i = 0; i < r->nparams; i++) {
            const bk_rfield *rf = &r->params[i];
            if (rf->f.in == BRISK_IN_COOKIE && rf->key_len == key.len &&
                memcmp(rf->key, key.ptr, key.len) == 0)
                raw_push(c, &raw[i], value);
        }
}

static void collect_headers(brisk_ctx *c, const bk_api_route *r, rawvals *raw) {
    size_t nh = brisk_header_count(c);
    bool cookies_read = false;
    for (size_t h = 0; h < nh; h++) {
        brisk_str name, value;
        brisk_header_at(c, h, &name, &value);
        for (size_t i = 0; i < r->nparams; i++) {
            const bk_rfield *rf = &r->params[i];
            if (rf->f.in == BRISK_IN_HEADER && rf->key_len == name.len &&
                strncasecmp(rf->key, name.ptr, name.len) == 0)
                raw_push(c, &raw[i], value); /* as sent: headers are not URL-encoded */
        }
        if (!cookies_read && name.len == 6 && strncasecmp(name.ptr, "cookie", 6) == 0) {
            cookies_read = true; /* Starlette reads the first Cookie header only */
            collect_cookies(c, r, raw, value);
        }
    }
}

static void collect_path(brisk_ctx *c, const bk_app_req *st, const bk_api_route *r,
                         rawvals *raw) {
    for (size_t i = 0; i < r->nparams; i++) {
        const bk_rfield *rf = &r->params[i];
        if (rf->f.in != BRISK_IN_PATH) continue;
        for (uint32_t k = 0; k < st->m.nparams; k++) {
            const bk_route_param *p = &st->m.params[k];
            if (p->name_len == rf->key_len && memcmp(p->name, rf->key, rf->key_len) == 0)
                raw_push(c, &raw[i], (brisk_str){p->value, p->value_len});
        }
    }
}

/* Starlette parses a form only when the Content-Type says so (python-multipart's
 * parse_options_header: case-insensitive, blanks stripped); any other body gives an
 * empty form, so every field is then missing. */
static bool form_content_type(brisk_str ct) {
    if (!ct.ptr) return false;
    const char *p = ct.ptr, *e = memchr(ct.ptr, ';', ct.len);
    if (!e) e = ct.ptr + ct.len;
    while (p < e && (*p == ' ' || (*p >= '\t' && *p <= '\r'))) p++;
    while (e > p && (e[-1] == ' ' || (e[-1] >= '\t' && e[-1] <= '\r'))) e--;
    return e - p == 33 && strncasecmp(p, "application/x-www-form-urlencoded", 33) == 0;
}

/* The next field of a urlencoded body as python-multipart's QuerystringParser splits it:
 * a field ends at the next '&', or at the next ';' when no '&' follows; empty fields are
 * skipped. */
static bool form_next(const char **pos, const char *end, brisk_str *key, brisk_str *raw) {
    const char *p = *pos;
    while (p < end && (*p == '&' || *p == ';')) p++;
    if (p >= end) return false;
    const char *fe = memchr(p, '&', (size_t)(end - p));
    if (!fe) fe = memchr(p, ';', (size_t)(end - p));
    if (!fe) fe = end;
    const char *eq = memchr(p, '=', (size_t)(fe - p));
    *key = (brisk_str){p, (size_t)((eq ? eq : fe) - p)};
    *raw = eq ? (brisk_str){eq + 1, (size_t)(fe - eq - 1)} : (brisk_str){"", 0};
    *pos = fe;
    return true;
}

/* Reads the body and fills the raw values of the form fields. False when the body could
 * not be read (the server answered then). */
static bool collect_form(brisk_ctx *c, const bk_api_route *r, rawvals *raw) {
    brisk_str body;
    if (brisk_body_read(c, &body) != 0) return false;
    if (body.len && form_content_type(brisk_header(c, "content-type"))) {
        const char *p = body.ptr, *end = body.ptr + body.len;
        brisk_str k, v;
        while (form_next(&p, end, &k, &v)) {
            brisk_str key = bk_query_decode(c, k);
            for (size_t i = 0; i < r->nparams; i++) {
                const bk_rfield *rf = &r->params[i];
                if (rf->f.in == BRISK_IN_FORM && rf->key_len == key.len &&
                    memcmp(rf->key, key.ptr, key.len) == 0) {
                    raw_push(c, &raw[i], bk_query_decode(c, v));
                    break;
                }
            }
        }
    }
    /* FastAPI's _get_multidict_value: an empty string is no value for a form field (the
     * field is missing, or takes its default). A scalar takes the last value. */
    for (size_t i = 0; i < r->nparams; i++)
        if (r->params[i].f.in == BRISK_IN_FORM && r->params[i].f.kind != BRISK_K_LIST &&
            raw[i].n && raw[i].v[raw[i].n - 1].len == 0)
            raw[i].n = 0;
    return true;
}

/* ---- validation ------------------------------------------------------------------ */

const char *bk_param_in_name(brisk_in in) {
    switch (in) {
    case BRISK_IN_PATH: return "path";
    case BRISK_IN_QUERY: return "query";
    case BRISK_IN_HEADER: return "header";
    case BRISK_IN_COOKIE: return "cookie";
    default: return "body"; /* form fields */
    }
}

/* The text's JSON form (the errors' "input") is made only when there is an error: a
 * valid parameter costs no copy. */
static void coerce_one(brisk_ctx *c, const bk_rfield *rf, brisk_str s, void *dst, bk_verrs *e) {
    bk_verr **mark = e->tail;
    bk_coerce_text(rf, s, dst, e, bk_ctx_arena(c), NULL, 0);
    if (!*mark) return;
    size_t ql;
    char *q = bk_json_quote(bk_ctx_arena(c), s.ptr, s.len, &ql);
    for (bk_verr *v = *mark; v; v = v->next) v->input = q;
}

static void validate_param(brisk_ctx *c, bk_api_req *st, const bk_rfield *rf, size_t i,
                           const rawvals *rv, bk_verrs *e) {
    void *dst = brisk_alloc(c, rf->csize);
    memset(dst, 0, rf->csize);
    st->param_values[i] = dst;
    st->param_present[i] = rv->n > 0;
    bk_loc_push_key(e, bk_param_in_name(rf->f.in), strlen(bk_param_in_name(rf->f.in)));
    bk_loc_push_key(e, rf->key, rf->key_len);
    if (rv->n == 0) {
        if (rf->default_value) {
            memcpy(dst, rf->default_value, rf->csize);
            bk_own_default(rf, dst, bk_ctx_arena(c));
        }
        else if (!rf->f.optional)
            bk_verr_add(e, "missing", "Field required", NULL, 0, NULL);
    } else if (rf->f.kind == BRISK_K_LIST) {
        const bk_rfield *it = rf->item;
        bk_verr **mark = e->tail;
        size_t n0 = e->n;
        char *items = brisk_alloc(c, rv->n * it->csize);
        memset(items, 0, rv->n * it->csize);
        for (size_t k = 0; k < rv->n; k++) {
            bk_loc_push_index(e, k);
            coerce_one(c, it, rv->v[k], items + k * it->csize, e);
            bk_loc_pop(e);
        }
        *(brisk_list *)dst = (brisk_list){items, rv->n};
        if (rf->f.min_len || rf->f.max_len) {
            /* The input of a list error is the list of raw strings. */
            bk_buf b = {0};
            bk_buf_putc(&b, '[');
            for (size_t k = 0; k < rv->n; k++) {
                if (k) bk_buf_putc(&b, ',');
                bk_json_escape(&b, rv->v[k].ptr, rv->v[k].len);
            }
            bk_buf_putc(&b, ']');
            bk_count_errors(rf, rv->n, false, e, mark, n0, b.data, b.len);
            bk_buf_free(&b);
        }
    } else {
        /* A repeated scalar takes the last value, as Starlette's query dict does. */
        coerce_one(c, rf, rf->f.in == BRISK_IN_HEADER ? rv->v[0] : rv->v[rv->n - 1], dst, e);
    }
    bk_loc_pop(e);
    bk_loc_pop(e);
}

/* Starlette's json.loads(bytes) reads UTF-8 with or without a byte-order mark. */
static void skip_bom(brisk_str *body) {
    if (body->len >= 3 && memcmp(body->ptr, "\xEF\xBB\xBF", 3) == 0) {
        body->ptr += 3;
        body->len -= 3;
    }
}

static bool json_content_type(brisk_str ct) {
    if (!ct.ptr) return true;
    size_t n = 0;
    while (n < ct.len && ct.ptr[n] != ';') n++;
    while (n && ct.ptr[n - 1] == ' ') n--;
    if (n == 16 && strncasecmp(ct.ptr, "application/json", 16) == 0) return true;
    return n >= 5 && strncasecmp(ct.ptr + n - 5, "+json", 5) == 0;
}

/* Reads and decodes the body model. False when the body could not be read at all (the
 * server answered already). */
static bool validate_body(brisk_ctx *c, bk_api_req *st, const bk_api_route *r, bk_verrs *e) {
    brisk_str body;
    if (brisk_body_read(c, &body) != 0) return false;
    if (body.len == 0) {
        if (r->body_optional) return true;
        bk_loc_push_key(e, "body", 4);
        bk_verr_add(e, "missing", "Field required", NULL, 0, NULL);
        bk_loc_pop(e);
        return true;
    }
    if (!json_content_type(brisk_header(c, "content-type"))) {
        /* FastAPI validates the raw bytes against the model then. */
        size_t ql;
        char *q = bk_json_quote(bk_ctx_arena(c), body.ptr, body.len, &ql);
        bk_loc_push_key(e, "body", 4);
        bk_rfield as_field = {.f = {.kind = BRISK_K_OBJ}, .model = r->body};
        bk_type_error(&as_field, e, q, ql, true);
        bk_loc_pop(e);
        return true;
    }
    skip_bom(&body);
    st->body = bk_model_decode(r->body, body.ptr, body.len, e, "body");
    return true;
}

bool bk_params_begin(brisk_ctx *c, bk_app_req *ast, bk_api_req *st, const bk_api_route *r,
                     bk_verrs *eb) {
    /* FastAPI decodes the body first: a body that is not JSON is the only error then. */
    if (r->body && !validate_body(c, st, r, eb)) return false;
    if (eb->head && strcmp(eb->head->type, "json_invalid") == 0) {
        bk_reply_validation(c, eb, ast->app->problem_details);
        return false;
    }
    if (!r->nparams) return true;
    /* NULL until validated: a getter for a parameter not validated yet reads zero. */
    st->param_values = brisk_alloc(c, r->nparams * sizeof *st->param_values);
    memset(st->param_values, 0, r->nparams * sizeof *st->param_values);
    st->param_present = brisk_alloc(c, r->nparams * sizeof *st->param_present);
    memset(st->param_present, 0, r->nparams * sizeof *st->param_present);
    rawvals *raw = brisk_alloc(c, r->nparams * sizeof *raw);
    memset(raw, 0, r->nparams * sizeof *raw);
    collect_path(c, ast, r, raw);
    collect_query(c, r, raw);
    collect_headers(c, r, raw);
    if (r->has_form && !collect_form(c, r, raw)) return false;
    st->raw = raw;
    return true;
}

void bk_params_check(brisk_ctx *c, bk_api_req *st, const bk_api_route *r, const uint32_t *idx,
                     size_t n, bk_verrs *e) {
    rawvals *raw = st->raw;
    if (!raw) return;
    /* FastAPI's order: path, query, header, cookie, then the body (form fields). */
    static const brisk_in order[] = {BRISK_IN_PATH, BRISK_IN_QUERY, BRISK_IN_HEADER,
                                     BRISK_IN_COOKIE, BRISK_IN_FORM};
    for (size_t o = 0; o < sizeof order / sizeof *order; o++)
        for (size_t k = 0; k < n; k++) {
            uint32_t i = idx[k];
            if (r->params[i].f.in == order[o] && !st->param_values[i])
                validate_param(c, st, &r->params[i], i, &raw[i], e);
        }
}

bool bk_params_finish(brisk_ctx *c, bk_app_req *ast, bk_verrs *e, bk_verrs *eb) {
    if (e->n == 0 && eb->n == 0 && !e->capped && !eb->capped) return true;
    if (eb->head) {
        *e->tail = eb->head;
        e->tail = eb->tail;
    }
    e->n += eb->n;
    e->capped |= eb->capped;
    bk_reply_validation(c, e, ast->app->problem_details);
    return false;
}

/* ---- the handler's view ----------------------------------------------------------- */

static const void *param_value(brisk_ctx *c, const char *name, brisk_kind want1,
                               brisk_kind want2, size_t *idx_out) {
    bk_api_req *st = bk_api_req_of(c);
    if (!st || !st->route) return NULL;
    const bk_api_route *r = st->route;
    for (size_t i = 0; i < r->nparams; i++) {
        const bk_rfield *rf = &r->params[i];
        if (strcmp(rf->f.name, name) != 0) continue;
        if (!st->param_values) return NULL;
        if (want1 && rf->f.kind != want1 && rf->f.kind != want2) {
            brisk_log(BRISK_LOG_ERROR, "parameter %s is not read with the getter of its kind",
                      name);
            return NULL;
        }
        if (idx_out) *idx_out = i;
        return st->param_values[i];
    }
    brisk_log(BRISK_LOG_ERROR, "no parameter %s is declared on route %.*s", name,
              (int)brisk_route_pattern(c).len, brisk_route_pattern(c).ptr);
    return NULL;
}

int64_t brisk_param_i64(brisk_ctx *c, const char *name) {
    size_t i;
    const void *v = param_value(c, name, BRISK_K_I64, BRISK_K_I32, &i);
    if (!v) return 0;
    const bk_api_route *r = bk_api_req_of(c)->route;
    return r->params[i].f.kind == BRISK_K_I32 ? *(const int32_t *)v : *(const int64_t *)v;
}

double brisk_param_f64(brisk_ctx *c, const char *name) {
    const void *v = param_value(c, name, BRISK_K_F64, BRISK_K_F64, NULL);
    return v ? *(const double *)v : 0;
}

bool brisk_param_bool(brisk_ctx *c, const char *name) {
    const void *v = param_value(c, name, BRISK_K_BOOL, BRISK_K_BOOL, NULL);
    return v ? *(const bool *)v : false;
}

brisk_str brisk_param_str(brisk_ctx *c, const char *name) {
    size_t i;
    const void *v = param_value(c, name, 0, 0, &i);
    if (!v) return (brisk_str){NULL, 0};
    brisk_kind k = bk_api_req_of(c)->route->params[i].f.kind;
    if (k != BRISK_K_STR && k != BRISK_K_UUID && k != BRISK_K_DATETIME) {
        brisk_log(BRISK_LOG_ERROR, "parameter %s is not a string", name);
        return (brisk_str){NULL, 0};
    }
    return *(const brisk_str *)v;
}

int brisk_param_enum(brisk_ctx *c, const char *name) {
    const void *v = param_value(c, name, BRISK_K_ENUM, BRISK_K_ENUM, NULL);
    return v ? *(const int *)v : 0;
}

brisk_list brisk_param_list(brisk_ctx *c, const char *name) {
    const void *v = param_value(c, name, BRISK_K_LIST, BRISK_K_LIST, NULL);
    return v ? *(const brisk_list *)v : (brisk_list){NULL, 0};
}

bool brisk_param_present(brisk_ctx *c, const char *name) {
    size_t i;
    if (!param_value(c, name, 0, 0, &i)) return false;
    return bk_api_req_of(c)->param_present[i];
}

void *brisk_body(brisk_ctx *c) {
    bk_api_req *st = bk_api_req_of(c);
    return st ? st->body : NULL;
}

const brisk_value *brisk_body_json(brisk_ctx *c) {
    brisk_str body;
    if (brisk_body_read(c, &body) != 0) return NULL;
    bk_verrs e;
    bk_verrs_init(&e, bk_ctx_arena(c));
    bk_app_req *st = bk_ctx_app(c);
    bool problem = st && st->app->problem_details;
    bk_loc_push_key(&e, "body", 4);
    if (body.len == 0) {
        bk_verr_add(&e, "missing", "Field required", NULL, 0, NULL);
        bk_reply_validation(c, &e, problem);
        return NULL;
    }
    skip_bom(&body);
    brisk_json_error err;
    brisk_value *v = bk_json_parse_value(bk_ctx_arena(c), body.ptr, body.len, &err);
    if (v) return v;
    bk_verr_json_invalid(&e, body.ptr, err.pos < body.len ? err.pos : body.len, err.msg);
    bk_reply_validation(c, &e, problem);
    return NULL;
}
