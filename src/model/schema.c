/* JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) from resolved models, in the
 * shape Pydantic v2 emits: titles from field names, anyOf with null for nullable fields,
 * $ref for nested models. */
#include <stdlib.h>
#include <string.h>

#include "model/json_write.h"
#include "model/model.h"

static void put_str(bk_buf *out, const char *s) { bk_json_escape(out, s, strlen(s)); }

/* Pydantic's default title: "has_tax" → "Has Tax". */
static void put_title(bk_buf *out, const char *name) {
    size_t n = strlen(name);
    char *t = malloc(n + 1);
    if (!t) abort();
    bool start = true;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (ch == '_') {
            t[i] = ' ';
            start = true;
            continue;
        }
        t[i] = start && ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
        start = false;
    }
    bk_json_escape(out, t, n);
    free(t);
}

static void add_def(bk_rmodel *rm, bk_rmodel ***defs, size_t *ndefs) {
    for (size_t i = 0; i < *ndefs; i++)
        if ((*defs)[i] == rm) return;
    bk_rmodel **nd = realloc(*defs, (*ndefs + 1) * sizeof *nd);
    if (!nd) abort();
    nd[(*ndefs)++] = rm;
    *defs = nd;
}

/* As the bound was written: Pydantic keeps ge=0 an int in the schema. */
static void put_bound(bk_buf *out, const char *key, double v) {
    char b[40];
    size_t n = bk_fmt_bound_written(v, b);
    bk_buf_lit(out, ",\"");
    bk_buf_append(out, key, strlen(key));
    bk_buf_lit(out, "\":");
    bk_buf_append(out, b, n);
}

static void put_size(bk_buf *out, const char *key, size_t v) {
    bk_buf_lit(out, ",\"");
    bk_buf_append(out, key, strlen(key));
    bk_buf_lit(out, "\":");
    bk_buf_u64(out, v);
}

/* The members that state the type itself (no braces, no documentation). */
static void type_schema(bk_buf *out, const bk_rfield *rf, const char *ref_prefix,
                        bk_rmodel ***defs, size_t *ndefs) {
    const brisk_field *f = &rf->f;
    switch (f->kind) {
    case BRISK_K_BOOL: bk_buf_lit(out, "\"type\":\"boolean\""); break;
    case BRISK_K_I32: case BRISK_K_I64: case BRISK_K_F64:
        if (f->kind == BRISK_K_F64)
            bk_buf_lit(out, "\"type\":\"number\"");
        else
            bk_buf_lit(out, "\"type\":\"integer\"");
        if (f->has_gt) put_bound(out, "exclusiveMinimum", f->gt);
        if (f->has_ge) put_bound(out, "minimum", f->ge);
        if (f->has_lt) put_bound(out, "exclusiveMaximum", f->lt);
        if (f->has_le) put_bound(out, "maximum", f->le);
        if (f->has_multiple_of) put_bound(out, "multipleOf", f->multiple_of);
        break;
    case BRISK_K_STR:
        bk_buf_lit(out, "\"type\":\"string\"");
        if (f->max_len) put_size(out, "maxLength", f->max_len);
        if (f->min_len) put_size(out, "minLength", f->min_len);
        if (f->pattern) {
            bk_buf_lit(out, ",\"pattern\":");
            put_str(out, f->pattern);
        }
        break;
    case BRISK_K_ENUM:
        bk_buf_lit(out, "\"type\":\"string\",\"enum\":[");
        for (size_t i = 0; i < rf->nvalues; i++) {
            if (i) bk_buf_putc(out, ',');
            bk_json_escape(out, f->values[i], rf->value_lens[i]);
        }
        bk_buf_putc(out, ']');
        break;
    case BRISK_K_DATETIME: bk_buf_lit(out, "\"type\":\"string\",\"format\":\"date-time\""); break;
    case BRISK_K_UUID: bk_buf_lit(out, "\"type\":\"string\",\"format\":\"uuid\""); break;
    case BRISK_K_OBJ: {
        bk_buf ref = {0};
        bk_buf_append(&ref, ref_prefix, strlen(ref_prefix));
        bk_buf_append(&ref, rf->model->m->name, strlen(rf->model->m->name));
        bk_buf_lit(out, "\"$ref\":");
        bk_json_escape(out, ref.data, ref.len);
        bk_buf_free(&ref);
        add_def(rf->model, defs, ndefs);
        break;
    }
    case BRISK_K_LIST:
        bk_buf_lit(out, "\"type\":\"array\",\"items\":");
        bk_schema_field(out, rf->item, ref_prefix, defs, ndefs);
        if (f->min_len) put_size(out, "minItems", f->min_len);
        if (f->max_len) put_size(out, "maxItems", f->max_len);
        break;
    case BRISK_K_MAP:
        bk_buf_lit(out, "\"type\":\"object\",\"additionalProperties\":");
        bk_schema_field(out, rf->item, ref_prefix, defs, ndefs);
        if (f->min_len) put_size(out, "minProperties", f->min_len);
        if (f->max_len) put_size(out, "maxProperties", f->max_len);
        break;
    default: /* ANY: the empty schema */
        break;
    }
}

void bk_schema_field(bk_buf *out, const bk_rfield *rf, const char *ref_prefix,
                     bk_rmodel ***defs, size_t *ndefs) {
    const brisk_field *f = &rf->f;
    bk_buf_putc(out, '{');
    size_t open = out->len;
    if (f->nullable && f->kind != BRISK_K_ANY) {
        bk_buf_lit(out, "\"anyOf\":[{");
        type_schema(out, rf, ref_prefix, defs, ndefs);
        bk_buf_lit(out, "},{\"type\":\"null\"}]");
    } else {
        type_schema(out, rf, ref_prefix, defs, ndefs);
    }
#define SEP() do { if (out->len != open) bk_buf_putc(out, ','); } while (0)
    /* Pydantic puts no title on a member that refers to a model. */
    if ((rf->key && f->kind != BRISK_K_OBJ) || f->title) {
        SEP();
        bk_buf_lit(out, "\"title\":");
        if (f->title)
            put_str(out, f->title);
        else
            put_title(out, f->name ? f->name : rf->key);
    }
    if (f->description) {
        SEP();
        bk_buf_lit(out, "\"description\":");
        put_str(out, f->description);
    }
    if (rf->default_compact) {
        SEP();
        bk_buf_lit(out, "\"default\":");
        bk_buf_append(out, rf->default_compact, strlen(rf->default_compact));
    }
    if (f->example_json) {
        SEP();
        bk_buf_lit(out, "\"examples\":[");
        bk_buf_append(out, f->example_json, strlen(f->example_json));
        bk_buf_putc(out, ']');
    }
#undef SEP
    bk_buf_putc(out, '}');
}

void bk_schema_model(bk_buf *out, bk_rmodel *rm, const char *ref_prefix, bk_rmodel ***defs,
                     size_t *ndefs) {
    bk_buf_lit(out, "{\"type\":\"object\",\"title\":");
    put_str(out, rm->title ? rm->title : rm->m->name);
    if (rm->description) {
        bk_buf_lit(out, ",\"description\":");
        put_str(out, rm->description);
    }
    bk_buf_lit(out, ",\"properties\":{");
    size_t nreq = 0;
    for (size_t i = 0; i < rm->n; i++) {
        if (i) bk_buf_putc(out, ',');
        bk_buf_append(out, rm->fields[i].key_json, rm->fields[i].key_json_len);
        bk_schema_field(out, &rm->fields[i], ref_prefix, defs, ndefs);
        nreq += !rm->fields[i].f.optional;
    }
    bk_buf_putc(out, '}');
    if (nreq) {
        bk_buf_lit(out, ",\"required\":[");
        size_t k = 0;
        for (size_t i = 0; i < rm->n; i++) {
            if (rm->fields[i].f.optional) continue;
            if (k++) bk_buf_putc(out, ',');
            bk_json_escape(out, rm->fields[i].key, rm->fields[i].key_len);
        }
        bk_buf_putc(out, ']');
    }
    if (rm->forbid_extra) bk_buf_lit(out, ",\"additionalProperties\":false");
    bk_buf_putc(out, '}');
}

char *brisk_model_schema(brisk_model *m) {
    bk_rmodel *rm = bk_model_resolve(m);
    if (!rm) return NULL;
    bk_buf out = {0};
    bk_rmodel **defs = NULL;
    size_t ndefs = 0;
    bk_schema_model(&out, rm, "#/$defs/", &defs, &ndefs);
    if (ndefs) {
        /* Nested models (and the root, when it refers to itself) go in $defs. Emitting one
         * may add more, so the list is walked as it grows. */
        out.len--;
        bk_buf_lit(&out, ",\"$defs\":{");
        for (size_t i = 0; i < ndefs; i++) {
            if (i) bk_buf_putc(&out, ',');
            put_str(&out, defs[i]->m->name);
            bk_buf_putc(&out, ':');
            bk_schema_model(&out, defs[i], "#/$defs/", &defs, &ndefs);
        }
        bk_buf_lit(&out, "}}");
    }
    free(defs);
    bk_buf_putc(&out, '\0');
    return out.data;
}
