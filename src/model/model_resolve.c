/* Resolution: copies a model's declaration out of the function BRISK_MODEL wrote,
 * checks it, compiles patterns, decodes defaults, and caches the result. A declaration
 * error is a programming error: it is logged with the model and field names, and the
 * route that uses the model is refused at registration. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/json_write.h"
#include "model/model.h"
#include "runtime/xalloc.h"

/* Defaults and resolved tables live as long as the process. */
static bk_arena g_static;

static size_t scalar_size(brisk_kind k) {
    switch (k) {
    case BRISK_K_BOOL: return sizeof(bool);
    case BRISK_K_I32: return sizeof(int32_t);
    case BRISK_K_I64: return sizeof(int64_t);
    case BRISK_K_F64: return sizeof(double);
    case BRISK_K_ENUM: return sizeof(int);
    default: return 0;
    }
}

static size_t repr_size(const bk_rfield *rf) {
    switch (rf->f.kind) {
    case BRISK_K_BOOL: case BRISK_K_I32: case BRISK_K_I64: case BRISK_K_F64:
    case BRISK_K_ENUM:
        return rf->f.nullable ? sizeof(void *) : scalar_size(rf->f.kind);
    case BRISK_K_STR: case BRISK_K_DATETIME: case BRISK_K_UUID: return sizeof(brisk_str);
    case BRISK_K_OBJ: return rf->inline_obj ? rf->f.model->size : sizeof(void *);
    case BRISK_K_LIST: return sizeof(brisk_list);
    case BRISK_K_MAP: return sizeof(brisk_map);
    case BRISK_K_ANY: return sizeof(void *);
    default: return 0;
    }
}

static char *enum_expected(const bk_rfield *rf) {
    bk_buf b = {0};
    for (size_t i = 0; i < rf->nvalues; i++) {
        if (i) {
            if (i + 1 == rf->nvalues)
                bk_buf_lit(&b, " or ");
            else
                bk_buf_lit(&b, ", ");
        }
        bk_buf_putc(&b, '\'');
        bk_buf_append(&b, rf->f.values[i], rf->value_lens[i]);
        bk_buf_putc(&b, '\'');
    }
    bk_buf_putc(&b, '\0');
    return b.data;
}

typedef struct resolve_ctx {
    const char *owner;           /* model name or "parameter", for messages */
} resolve_ctx;

static bool fail(const resolve_ctx *rc, const brisk_field *f, const char *why) {
    brisk_log(BRISK_LOG_CRITICAL, "%s.%s: %s", rc->owner, f->name ? f->name : "<item>", why);
    return false;
}

static bool resolve_into(bk_rfield *rf, const brisk_field *f, bool is_item, bool is_param,
                         const resolve_ctx *rc);

static bool decode_default(bk_rfield *rf, const resolve_ctx *rc) {
    const char *text = rf->f.default_json;
    size_t len = strlen(text);
    brisk_json_error jerr;
    if (!bk_json_parse_value(&g_static, text, len, &jerr))
        return fail(rc, &rf->f, "default_json is not valid JSON");
    size_t clen;
    rf->default_compact = bk_json_compact(&g_static, text, len, &clen);
    rf->default_value = bk_arena_alloc(&g_static, rf->csize);
    memset(rf->default_value, 0, rf->csize);
    bk_verrs e;
    bk_verrs_init(&e, &g_static);
    bk_jreader r;
    bk_jr_init(&r, text, len, &g_static);
    if (!bk_decode_value(&r, rf, rf->default_value, &e) || e.n)
        return fail(rc, &rf->f, e.n ? e.head->msg : "default_json does not decode");
    return true;
}

static bool resolve_into(bk_rfield *rf, const brisk_field *f, bool is_item, bool is_param,
                         const resolve_ctx *rc) {
    memset(rf, 0, sizeof *rf);
    rf->f = *f;
    rf->f.item = NULL;
    if (is_param) rf->f.nullable = false; /* an absent parameter is its default or zero */
    if (f->kind < BRISK_K_BOOL || f->kind > BRISK_K_ANY) return fail(rc, f, "unknown kind");
    const char *key = f->alias ? f->alias : f->name;
    if (!is_item) {
        if (!key || !*key) return fail(rc, f, "a field needs a name");
        char *k = bk_arena_strndup(&g_static, key, strlen(key));
        if (is_param && f->in == BRISK_IN_HEADER && !f->alias) {
            /* FastAPI's convert_underscores: user_agent is the User-Agent header. */
            for (char *p = k; *p; p++) {
                if (*p == '_') *p = '-';
                else if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
            }
        }
        rf->key = k;
        rf->key_len = strlen(k);
        bk_buf b = {0};
        bk_json_escape(&b, k, rf->key_len);
        bk_buf_putc(&b, ':');
        rf->key_json = bk_arena_strndup(&g_static, b.data, b.len);
        rf->key_json_len = b.len;
        bk_buf_free(&b);
    }
    if (is_param && f->in == BRISK_IN_PATH) rf->f.optional = false;
    switch (f->kind) {
    case BRISK_K_ENUM: {
        if (!f->values || !f->values[0]) return fail(rc, f, "an enum needs .values");
        size_t n = 0;
        while (f->values[n]) n++;
        const char **vals = bk_arena_alloc(&g_static, (n + 1) * sizeof *vals);
        rf->value_lens = bk_arena_alloc(&g_static, n * sizeof *rf->value_lens);
        for (size_t i = 0; i < n; i++) {
            vals[i] = f->values[i];
            rf->value_lens[i] = strlen(f->values[i]);
        }
        vals[n] = NULL;
        rf->f.values = vals;
        rf->nvalues = n;
        char *ex = enum_expected(rf);
        rf->enum_expected = bk_arena_strndup(&g_static, ex, strlen(ex));
        free(ex);
        break;
    }
    case BRISK_K_OBJ:
        if (!f->model) return fail(rc, f, "an object field needs its model");
        if (is_item && f->nullable)
            return fail(rc, f, "list and map elements of a model are structs, never null");
        rf->inline_obj = is_item;
        rf->model = bk_model_resolve(f->model);
        if (!rf->model) return false;
        if (rf->inline_obj && rf->model->resolving)
            return fail(rc, f, "a model cannot hold a list of itself by value");
        break;
    case BRISK_K_LIST:
    case BRISK_K_MAP:
        if (!f->item) return fail(rc, f, "a list or map needs its element (BRISK_ITEM_...)");
        rf->item = bk_arena_alloc(&g_static, sizeof *rf->item);
        if (!resolve_into(rf->item, f->item, true, false, rc)) return false;
        break;
    default:
        break;
    }
    if (f->pattern) {
        if (f->kind != BRISK_K_STR) return fail(rc, f, ".pattern applies to strings only");
        int errcode;
        PCRE2_SIZE erroff;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)f->pattern, PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY, &errcode, &erroff, NULL);
        if (!re) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(errcode, msg, sizeof msg);
            brisk_log(BRISK_LOG_CRITICAL, "%s.%s: bad pattern at %zu: %s", rc->owner,
                      f->name ? f->name : "<item>", (size_t)erroff, (const char *)msg);
            return false;
        }
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* best effort: interpreted otherwise */
        rf->re = re;
        rf->re_match = pcre2_match_data_create_from_pattern(re, NULL);
        if (!rf->re_match) abort();
    }
    if (is_param && (f->kind == BRISK_K_OBJ || f->kind == BRISK_K_MAP || f->kind == BRISK_K_ANY))
        return fail(rc, f, "parameters are scalars or lists of scalars");
    if (is_param && f->kind == BRISK_K_LIST &&
        (f->in != BRISK_IN_QUERY && f->in != BRISK_IN_HEADER))
        return fail(rc, f, "only query and header parameters can be lists");
    if (is_param && f->in == BRISK_IN_NONE_) return fail(rc, f, "parameter without location");
    rf->csize = repr_size(rf);
    if (f->default_json && !decode_default(rf, rc)) return false;
    return true;
}

/* An optional member without .default_json defaults to its zero value: its JSON is what
 * the schema shows as "default" and what exclude_defaults compares with. */
static void implicit_default(bk_rfield *rf, const void *value) {
    if (!rf->f.optional || rf->default_compact) return;
    bk_buf b = {0};
    brisk_json j;
    bk_json_init(&j, &b);
    bk_encode_value(&j, rf, value, &(brisk_dump_options){0});
    rf->default_compact = bk_arena_strndup(&g_static, b.data, b.len);
    bk_buf_free(&b);
}

typedef struct sink_ctx {
    bk_rmodel *rm;
    bool ok;
} sink_ctx;

static void model_sink(const brisk_field *fields, size_t n, void *arg) {
    sink_ctx *sc = arg;
    bk_rmodel *rm = sc->rm;
    resolve_ctx rc = {rm->m->name};
    rm->fields = bk_xcalloc(n, sizeof *rm->fields);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const brisk_field *f = &fields[i];
        if (f->kind == BRISK_K_CONFIG_) {
            rm->forbid_extra = f->forbid_extra;
            rm->title = f->title;
            rm->description = f->description;
            continue;
        }
        if (f->offset + 1 > rm->m->size) {
            sc->ok = fail(&rc, f, "offset outside the struct");
            return;
        }
        if (!resolve_into(&rm->fields[k], f, false, false, &rc)) {
            sc->ok = false;
            return;
        }
        if (f->offset + rm->fields[k].csize > rm->m->size) {
            sc->ok = fail(&rc, f, "member too small for this kind (a nullable scalar must be "
                                  "a pointer)");
            return;
        }
        for (size_t j = 0; j < k; j++) {
            if (strcmp(rm->fields[j].key, rm->fields[k].key) == 0) {
                sc->ok = fail(&rc, f, "two fields with the same JSON key");
                return;
            }
        }
        k++;
    }
    rm->n = k;
    sc->ok = true;
}

bk_rmodel *bk_model_resolve(brisk_model *m) {
    if (!m) return NULL;
    if (m->resolved_) {
        bk_rmodel *done = m->resolved_;
        return done->failed ? NULL : done;
    }
    if (!m->fields) {
        brisk_log(BRISK_LOG_CRITICAL, "model %s has no field table (use BRISK_MODEL)",
                  m->name ? m->name : "?");
        return NULL;
    }
    bk_rmodel *rm = bk_xcalloc(1, sizeof *rm);
    rm->m = m;
    rm->resolving = true;
    m->resolved_ = rm; /* visible while resolving, so a model may point to itself */
    sink_ctx sc = {rm, false};
    m->fields(model_sink, &sc);
    rm->resolving = false;
    if (!sc.ok) {
        /* Kept, marked failed: other models may point to it already, and a later use
         * must fail the same way without resolving (and allocating) again. */
        rm->failed = true;
        return NULL;
    }
    rm->image = bk_xcalloc(1, m->size);
    for (size_t i = 0; i < rm->n; i++) {
        bk_rfield *rf = &rm->fields[i];
        if (rf->default_value)
            memcpy((char *)rm->image + rf->f.offset, rf->default_value, rf->csize);
        implicit_default(rf, (char *)rm->image + rf->f.offset);
    }
    return rm;
}

bk_rfield *bk_field_resolve(const brisk_field *f, bool is_param) {
    bk_rfield *rf = bk_arena_alloc(&g_static, sizeof *rf);
    resolve_ctx rc = {is_param ? "parameter" : "field"};
    return resolve_into(rf, f, false, is_param, &rc) ? rf : NULL;
}

bk_rfield *bk_params_resolve(const brisk_field *params, size_t *n) {
    size_t count = 0;
    while (params && params[count].kind != BRISK_K_END_) count++;
    *n = count;
    bk_rfield *out = bk_arena_alloc(&g_static, (count ? count : 1) * sizeof *out);
    resolve_ctx rc = {"parameter"};
    for (size_t i = 0; i < count; i++) {
        if (!resolve_into(&out[i], &params[i], false, true, &rc)) return NULL;
        void *zero = bk_arena_alloc(&g_static, out[i].csize);
        memset(zero, 0, out[i].csize);
        implicit_default(&out[i], zero);
        for (size_t j = 0; j < i; j++) {
            if (out[j].f.in == out[i].f.in && strcmp(out[j].key, out[i].key) == 0) {
                fail(&rc, &params[i], "declared twice");
                return NULL;
            }
        }
    }
    return out;
}
