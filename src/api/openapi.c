/* The OpenAPI document, member by member as FastAPI's get_openapi writes it (with
 * Pydantic v2's schemas): info, servers, paths in registration order, components with
 * the schemas sorted by name, tags. */
#include "api/openapi.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "model/json_write.h"
#include "runtime/log.h"
#include "runtime/xalloc.h"

#define REF "#/components/schemas/"

/* FastAPI's own two schemas, as its current openapi/utils.py defines them (input and ctx
 * included, as Pydantic v2 reports them). */
static const char validation_error[] =
    "{\"title\":\"ValidationError\",\"type\":\"object\",\"properties\":{"
    "\"loc\":{\"title\":\"Location\",\"type\":\"array\",\"items\":{\"anyOf\":"
    "[{\"type\":\"string\"},{\"type\":\"integer\"}]}},"
    "\"msg\":{\"title\":\"Message\",\"type\":\"string\"},"
    "\"type\":{\"title\":\"Error Type\",\"type\":\"string\"},"
    "\"input\":{\"title\":\"Input\"},"
    "\"ctx\":{\"title\":\"Context\",\"type\":\"object\"}},"
    "\"required\":[\"loc\",\"msg\",\"type\"]}";
static const char http_validation_error[] =
    "{\"title\":\"HTTPValidationError\",\"type\":\"object\",\"properties\":{"
    "\"detail\":{\"title\":\"Detail\",\"type\":\"array\",\"items\":"
    "{\"$ref\":\"" REF "ValidationError\"}}}}";

/* What the paths collect for components. */
typedef struct doc {
    bk_buf *out;
    bk_rmodel **defs;                /* models referred to, deduplicated */
    size_t ndefs;
    bk_oa_named_list bodies;         /* Body_<operationId> of form routes */
    bk_oa_named_list schemes;        /* securitySchemes */
    bool validation;                 /* some operation answers 422 */
} doc;

static void put_str(bk_buf *b, const char *s) { bk_json_escape(b, s, strlen(s)); }

/* ,"key": (or without the comma for the first member of an object). */
static void put_key(bk_buf *b, bool *first, const char *key) {
    if (!*first) bk_buf_putc(b, ',');
    *first = false;
    put_str(b, key);
    bk_buf_putc(b, ':');
}

/* A string member, left out when absent or empty (FastAPI tests truthiness). */
static void put_member(bk_buf *b, bool *first, const char *key, const char *value) {
    if (!value || !*value) return;
    put_key(b, first, key);
    put_str(b, value);
}

void bk_oa_named_set(bk_oa_named_list *l, const char *name, bk_buf json) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0) {
            bk_buf_free(&l->v[i].json);
            l->v[i].json = json;
            return;
        }
    bk_oa_named *v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) abort();
    v[l->n++] = (bk_oa_named){bk_xstrdup(name), json};
    l->v = v;
}

void bk_oa_named_free(bk_oa_named_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        bk_buf_free(&l->v[i].json);
    }
    free(l->v);
    *l = (bk_oa_named_list){0};
}

/* Python's str.title() with '_' as ' ' afterwards: how FastAPI titles a parameter
 * ("item_id" → "Item Id", "x-token" → "X-Token"). Non-ASCII bytes count as uncased. */
static char *py_title(const char *s) {
    char *t = bk_xstrdup(s);
    bool prev_cased = false;
    for (char *p = t; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        bool cased = ch < 0x80 && isalpha(ch);
        if (cased) *p = (char)(prev_cased ? tolower(ch) : toupper(ch));
        prev_cased = cased;
        if (*p == '_') *p = ' ';
    }
    return t;
}

/* {"$ref":"#/components/schemas/<name>"} */
static void put_ref_name(bk_buf *b, const char *name) {
    bk_buf_lit(b, "{\"$ref\":\"" REF);
    bk_buf ref = {0};
    bk_json_escape(&ref, name, strlen(name));
    bk_buf_append(b, ref.data + 1, ref.len - 1); /* its closing quote included */
    bk_buf_free(&ref);
    bk_buf_putc(b, '}');
}

/* A reference to m, the model recorded for components. */
static void put_ref(doc *d, brisk_model *m) {
    bk_rmodel *rm = bk_model_resolve(m);
    if (!rm) { /* logged by the resolver; the document stays valid without it */
        bk_buf_lit(d->out, "{}");
        return;
    }
    put_ref_name(d->out, rm->m->name);
    for (size_t i = 0; i < d->ndefs; i++)
        if (d->defs[i] == rm) return;
    bk_rmodel **nd = realloc(d->defs, (d->ndefs + 1) * sizeof *nd);
    if (!nd) abort();
    nd[d->ndefs++] = rm;
    d->defs = nd;
}

/* ---- info, servers, tags ----------------------------------------------------------- */

static void put_info(bk_buf *b, const brisk_app_options *o) {
    bool f = true;
    bk_buf_lit(b, "\"info\":{");
    put_member(b, &f, "title", o->title);
    put_member(b, &f, "summary", o->summary);
    put_member(b, &f, "description", o->description);
    put_member(b, &f, "termsOfService", o->terms_of_service);
    if ((o->contact_name && *o->contact_name) || (o->contact_url && *o->contact_url) ||
        (o->contact_email && *o->contact_email)) {
        put_key(b, &f, "contact");
        bool g = true;
        bk_buf_putc(b, '{');
        put_member(b, &g, "name", o->contact_name);
        put_member(b, &g, "url", o->contact_url);
        put_member(b, &g, "email", o->contact_email);
        bk_buf_putc(b, '}');
    }
    /* OpenAPI requires a license's name: without one there is no license object. */
    if (o->license_name && *o->license_name) {
        put_key(b, &f, "license");
        bool g = true;
        bk_buf_putc(b, '{');
        put_member(b, &g, "name", o->license_name);
        put_member(b, &g, "identifier", o->license_identifier);
        put_member(b, &g, "url", o->license_url);
        bk_buf_putc(b, '}');
    }
    put_member(b, &f, "version", o->version);
    bk_buf_putc(b, '}');
}

static void put_servers(bk_buf *b, const bk_api_app *a) {
    if (!a->nservers) return;
    bk_buf_lit(b, ",\"servers\":[");
    for (size_t i = 0; i < a->nservers; i++) {
        bool f = true;
        if (i) bk_buf_putc(b, ',');
        bk_buf_putc(b, '{');
        put_key(b, &f, "url");
        put_str(b, a->servers[i].url);
        put_member(b, &f, "description", a->servers[i].description);
        bk_buf_putc(b, '}');
    }
    bk_buf_putc(b, ']');
}

static void put_tags(bk_buf *b, const bk_api_app *a) {
    if (!a->ntags) return;
    bk_buf_lit(b, ",\"tags\":[");
    for (size_t i = 0; i < a->ntags; i++) {
        bool f = true;
        if (i) bk_buf_putc(b, ',');
        bk_buf_putc(b, '{');
        put_key(b, &f, "name");
        put_str(b, a->tags[i].name);
        put_member(b, &f, "description", a->tags[i].description);
        if (a->tags[i].docs_url && *a->tags[i].docs_url) {
            put_key(b, &f, "externalDocs");
            bk_buf_lit(b, "{\"url\":");
            put_str(b, a->tags[i].docs_url);
            bk_buf_putc(b, '}');
        }
        bk_buf_putc(b, '}');
    }
    bk_buf_putc(b, ']');
}

/* ---- parameters -------------------------------------------------------------------- */

/* The name a parameter is documented under: its alias, else its name, a header's with
 * '_' as '-' (FastAPI's convert_underscores; case kept, as FastAPI shows it). */
static char *param_name(const bk_rfield *rf) {
    char *n = bk_xstrdup(rf->f.alias ? rf->f.alias : rf->f.name);
    if (rf->f.in == BRISK_IN_HEADER && !rf->f.alias)
        for (char *p = n; *p; p++)
            if (*p == '_') *p = '-';
    return n;
}

/* A field's schema titled as FastAPI titles parameters and form fields; an example
 * goes on the parameter itself (FastAPI's Param(example=)), not into the schema. FastAPI
 * shows no default of None for them (Pydantic does for model fields). */
static void put_param_schema(doc *d, const bk_rfield *rf, const char *name, bool keep_example) {
    bk_rfield s = *rf;
    char *title = NULL;
    if (!s.f.title) s.f.title = title = py_title(name);
    if (!keep_example) s.f.example_json = NULL;
    if (s.default_compact && strcmp(s.default_compact, "null") == 0) s.default_compact = NULL;
    bk_schema_field(d->out, &s, REF, &d->defs, &d->ndefs);
    free(title);
}

static void put_parameters(doc *d, const bk_api_route *r) {
    static const brisk_in order[] = {BRISK_IN_PATH, BRISK_IN_QUERY, BRISK_IN_HEADER,
                                     BRISK_IN_COOKIE};
    bk_buf *b = d->out;
    size_t n = 0;
    for (size_t o = 0; o < 4; o++)
        for (size_t i = 0; i < r->nparams; i++) {
            const bk_rfield *rf = &r->params[i];
            if (rf->f.in != order[o]) continue;
            if (n++ == 0)
                bk_buf_lit(b, ",\"parameters\":[{");
            else
                bk_buf_lit(b, ",{");
            char *name = param_name(rf);
            bk_buf_lit(b, "\"name\":");
            put_str(b, name);
            bk_buf_lit(b, ",\"in\":");
            put_str(b, bk_param_in_name(rf->f.in));
            if (rf->f.optional)
                bk_buf_lit(b, ",\"required\":false,\"schema\":");
            else
                bk_buf_lit(b, ",\"required\":true,\"schema\":");
            put_param_schema(d, rf, name, false);
            if (rf->f.description && *rf->f.description) {
                bk_buf_lit(b, ",\"description\":");
                put_str(b, rf->f.description);
            }
            if (rf->f.example_json) {
                bk_buf_lit(b, ",\"example\":");
                bk_buf_append(b, rf->f.example_json, strlen(rf->f.example_json));
            }
            bk_buf_putc(b, '}');
            free(name);
        }
    if (n) bk_buf_putc(b, ']');
}

/* ---- request body ------------------------------------------------------------------ */

/* FastAPI embeds form fields in a model named Body_<operationId>. */
static void form_model(doc *d, const bk_api_route *r, const char *name, bool *required) {
    bk_buf s = {0}, *saved = d->out;
    d->out = &s;
    bk_buf_lit(&s, "{\"properties\":{");
    size_t n = 0, nreq = 0;
    for (size_t i = 0; i < r->nparams; i++) {
        const bk_rfield *rf = &r->params[i];
        if (rf->f.in != BRISK_IN_FORM) continue;
        if (n++) bk_buf_putc(&s, ',');
        bk_buf_append(&s, rf->key_json, rf->key_json_len);
        put_param_schema(d, rf, rf->f.name, true);
        nreq += !rf->f.optional;
    }
    bk_buf_lit(&s, "},\"type\":\"object\"");
    if (nreq) {
        bk_buf_lit(&s, ",\"required\":[");
        size_t k = 0;
        for (size_t i = 0; i < r->nparams; i++) {
            const bk_rfield *rf = &r->params[i];
            if (rf->f.in != BRISK_IN_FORM || rf->f.optional) continue;
            if (k++) bk_buf_putc(&s, ',');
            bk_json_escape(&s, rf->key, rf->key_len);
        }
        bk_buf_putc(&s, ']');
    }
    bk_buf_lit(&s, ",\"title\":");
    put_str(&s, name);
    bk_buf_putc(&s, '}');
    d->out = saved;
    bk_oa_named_set(&d->bodies, name, s);
    *required = nreq > 0;
}

static void put_request_body(doc *d, const bk_api_route *r) {
    bk_buf *b = d->out;
    if (r->body_model) {
        bk_buf_lit(b, ",\"requestBody\":{\"content\":{\"application/json\":{\"schema\":");
        put_ref(d, r->body_model);
        bk_buf_lit(b, "}}");
        if (!r->body_optional) bk_buf_lit(b, ",\"required\":true");
        bk_buf_putc(b, '}');
    } else if (r->has_form) {
        size_t nl = strlen(r->operation_id);
        char *name = malloc(nl + 6);
        if (!name) abort();
        memcpy(name, "Body_", 5);
        memcpy(name + 5, r->operation_id, nl + 1);
        bool required;
        form_model(d, r, name, &required);
        bk_buf_lit(b, ",\"requestBody\":{\"content\":{\"application/x-www-form-urlencoded\":"
                      "{\"schema\":");
        put_ref_name(b, name);
        bk_buf_lit(b, "}}");
        if (required) bk_buf_lit(b, ",\"required\":true");
        bk_buf_putc(b, '}');
        free(name);
    }
}

/* ---- responses --------------------------------------------------------------------- */

typedef struct resp {
    int status;
    const char *description;
    bool content;                    /* has an application/json schema */
    brisk_model *model;              /* that schema's model; NULL: {} */
} resp;

/* FastAPI's is_body_allowed_for_status_code. */
static bool body_allowed(int status) {
    return status >= 200 && status != 204 && status != 205 && status != 304;
}

static void put_responses(doc *d, const bk_api_route *r) {
    bk_buf *b = d->out;
    resp *v = calloc(r->nresponses + 2, sizeof *v);
    if (!v) abort();
    size_t n = 0;
    v[n++] = (resp){r->status, r->response_description, body_allowed(r->status), r->response};
    for (size_t i = 0; i < r->nresponses; i++) {
        const brisk_response_doc *x = &r->responses[i];
        size_t k = 0;
        while (k < n && v[k].status != x->status) k++;
        if (k == n) v[n++] = (resp){x->status, NULL, false, NULL};
        if (x->model) {
            v[k].content = true;
            v[k].model = x->model;
        }
        if (x->description && *x->description) {
            v[k].description = x->description;
        } else if (!v[k].description) {
            const char *reason = brisk_status_reason(x->status);
            v[k].description = strcmp(reason, "Unknown") ? reason : "Additional Response";
        }
    }
    bk_buf_lit(b, ",\"responses\":{");
    bool has_422 = false;
    for (size_t i = 0; i < n; i++) {
        has_422 |= v[i].status == 422;
        if (i) bk_buf_putc(b, ',');
        bk_buf_putc(b, '"');
        bk_buf_u64(b, (unsigned long long)v[i].status);
        bk_buf_lit(b, "\":{\"description\":");
        put_str(b, v[i].description);
        if (v[i].content) {
            bk_buf_lit(b, ",\"content\":{\"application/json\":{\"schema\":");
            if (v[i].model)
                put_ref(d, v[i].model);
            else
                bk_buf_lit(b, "{}");
            bk_buf_lit(b, "}}");
        }
        bk_buf_putc(b, '}');
    }
    /* FastAPI documents its 422 wherever something is validated, unless declared. */
    if ((r->nparams || r->body_model) && !has_422) {
        bk_buf_lit(b, ",\"422\":{\"description\":\"Validation Error\",\"content\":"
                      "{\"application/json\":{\"schema\":{\"$ref\":\"" REF
                      "HTTPValidationError\"}}}}");
        d->validation = true;
    }
    bk_buf_putc(b, '}');
    free(v);
}

/* ---- paths ------------------------------------------------------------------------- */

/* The path as documented: "{name:path}" as "{name}" (Starlette's path_format). */
static char *path_format(const char *path) {
    char *s = bk_xstrdup(path), *o = s;
    bool in_param = false, skipping = false;
    for (const char *p = path; *p; p++) {
        if (*p == '{') in_param = true;
        if (*p == '}') in_param = skipping = false;
        if (in_param && *p == ':') skipping = true;
        if (!skipping) *o++ = *p;
    }
    *o = '\0';
    return s;
}

static void put_operation(doc *d, const bk_api_route *r) {
    bk_buf *b = d->out;
    bool f = true;
    bk_buf_putc(b, '"');
    for (const char *p = r->method; *p; p++) bk_buf_putc(b, (char)tolower((unsigned char)*p));
    bk_buf_lit(b, "\":{");
    if (r->ntags) {
        put_key(b, &f, "tags");
        bk_buf_putc(b, '[');
        for (size_t i = 0; i < r->ntags; i++) {
            if (i) bk_buf_putc(b, ',');
            put_str(b, r->tags[i]);
        }
        bk_buf_putc(b, ']');
    }
    put_key(b, &f, "summary");
    put_str(b, r->summary ? r->summary : "");
    put_member(b, &f, "description", r->description);
    put_key(b, &f, "operationId");
    put_str(b, r->operation_id);
    put_parameters(d, r);
    put_request_body(d, r);
    put_responses(d, r);
    if (r->deprecated) bk_buf_lit(b, ",\"deprecated\":true");
    bk_oa_security(b, r, &d->schemes);
    bk_buf_putc(b, '}');
}

static void put_paths(doc *d, const bk_api_app *a) {
    bk_buf *b = d->out;
    /* The documented routes and their paths, formatted once. */
    size_t n = 0;
    for (const bk_api_route *r = a->routes; r; r = r->next) n += !r->hidden;
    const bk_api_route **rs = calloc(n ? n : 1, sizeof *rs);
    char **pf = calloc(n ? n : 1, sizeof *pf);
    bool *done = calloc(n ? n : 1, sizeof *done);
    if (!rs || !pf || !done) abort();
    size_t k = 0;
    for (const bk_api_route *r = a->routes; r; r = r->next)
        if (!r->hidden) {
            rs[k] = r;
            pf[k++] = path_format(r->path);
        }
    /* As FastAPI, a duplicate operationId is the user's to fix, so it is only warned
     * about (two routes of one handler, or one router included twice, can make one). */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(rs[i]->operation_id, rs[j]->operation_id) == 0)
                brisk_log(BRISK_LOG_WARNING,
                          "duplicate operationId %s (%s %s and %s %s): give one of them "
                          ".operation_id", rs[i]->operation_id, rs[i]->method, rs[i]->path,
                          rs[j]->method, rs[j]->path);
    /* Paths in the order of their first route; each holds every operation on it. */
    bk_buf_lit(b, ",\"paths\":{");
    for (size_t i = 0; i < n; i++) {
        if (done[i]) continue;
        if (b->data[b->len - 1] != '{') bk_buf_putc(b, ',');
        put_str(b, pf[i]);
        bk_buf_lit(b, ":{");
        for (size_t j = i; j < n; j++) {
            if (done[j] || strcmp(pf[i], pf[j]) != 0) continue;
            if (j != i) bk_buf_putc(b, ',');
            done[j] = true;
            put_operation(d, rs[j]);
        }
        bk_buf_putc(b, '}');
    }
    bk_buf_putc(b, '}');
    for (size_t i = 0; i < n; i++) free(pf[i]);
    free(pf);
    free(rs);
    free(done);
}

/* ---- components -------------------------------------------------------------------- */

static int by_name(const void *x, const void *y) {
    return strcmp(((const bk_oa_named *)x)->name, ((const bk_oa_named *)y)->name);
}

static void put_named_object(bk_buf *b, const bk_oa_named_list *l) {
    bk_buf_putc(b, '{');
    for (size_t i = 0; i < l->n; i++) {
        if (i) bk_buf_putc(b, ',');
        put_str(b, l->v[i].name);
        bk_buf_putc(b, ':');
        bk_buf_append(b, l->v[i].json.data, l->v[i].json.len);
    }
    bk_buf_putc(b, '}');
}

static void put_components(doc *d) {
    bk_oa_named_list schemas = {0};
    /* Writing a model may refer to more models: the list grows as it is walked. */
    for (size_t i = 0; i < d->ndefs; i++) {
        bk_buf s = {0};
        bk_schema_model(&s, d->defs[i], REF, &d->defs, &d->ndefs);
        bool dup = false; /* two models of one name: the first keeps it */
        for (size_t k = 0; k < schemas.n && !dup; k++)
            dup = strcmp(schemas.v[k].name, d->defs[i]->m->name) == 0;
        if (dup) {
            brisk_log(BRISK_LOG_WARNING, "openapi: two models are named %s; one is documented",
                      d->defs[i]->m->name);
            bk_buf_free(&s);
            continue;
        }
        bk_oa_named_set(&schemas, d->defs[i]->m->name, s);
    }
    for (size_t i = 0; i < d->bodies.n; i++) {
        bk_buf s = {0};
        bk_buf_append(&s, d->bodies.v[i].json.data, d->bodies.v[i].json.len);
        bk_oa_named_set(&schemas, d->bodies.v[i].name, s);
    }
    if (d->validation) {
        bk_buf s = {0}, t = {0};
        bk_buf_lit(&s, validation_error);
        bk_buf_lit(&t, http_validation_error);
        bk_oa_named_set(&schemas, "ValidationError", s);
        bk_oa_named_set(&schemas, "HTTPValidationError", t);
    }
    if (schemas.n) qsort(schemas.v, schemas.n, sizeof *schemas.v, by_name);
    if (schemas.n || d->schemes.n) {
        bool f = true;
        bk_buf_lit(d->out, ",\"components\":{");
        if (schemas.n) {
            put_key(d->out, &f, "schemas");
            put_named_object(d->out, &schemas);
        }
        if (d->schemes.n) {
            put_key(d->out, &f, "securitySchemes");
            put_named_object(d->out, &d->schemes);
        }
        bk_buf_putc(d->out, '}');
    }
    bk_oa_named_free(&schemas);
}

char *bk_openapi_build(bk_api_app *a, size_t *len) {
    bk_buf out = {0}, paths = {0};
    doc d = {.out = &paths};
    /* The paths first: they decide which components exist. */
    put_paths(&d, a);
    bk_buf_lit(&out, "{\"openapi\":\"3.1.0\",");
    put_info(&out, &a->o);
    put_servers(&out, a);
    bk_buf_append(&out, paths.data, paths.len);
    d.out = &out;
    put_components(&d);
    put_tags(&out, a);
    bk_buf_putc(&out, '}');
    *len = out.len;
    bk_buf_putc(&out, '\0');
    bk_buf_free(&paths);
    free(d.defs);
    bk_oa_named_free(&d.bodies);
    bk_oa_named_free(&d.schemes);
    return out.data;
}
