/*
 * codec_bench — brisk's JSON codec side by side with Debian's cJSON and json-c.
 *
 * The same generated documents are parsed and serialized by each library:
 *   parse      brisk: bk_json_parse_value() into a request-style arena (reset per parse)
 *              brisk model: bk_model_decode() straight into the typed C structs, with
 *                           validation (the Item documents only; HAVE_BK_MODEL_DECODE)
 *              cJSON: cJSON_ParseWithLength() + cJSON_Delete()
 *              json-c: json_tokener_parse_ex() on a reused tokener + json_object_put()
 *   serialize  brisk: brisk_json_value() of the parsed value into a reused buffer
 *              brisk model: brisk_json_model() of the decoded structs
 *              cJSON: cJSON_PrintUnformatted() + free
 *              json-c: json_object_to_json_string_ext(..., JSON_C_TO_STRING_PLAIN)
 * Each library releases what it built within the timed operation (the arena reset, the
 * tree's delete, the string's free), so every timing is one full parse or print.
 *
 * The documents are generated deterministically (fixed seed), so every run and every
 * machine measures the same bytes:
 *   item      one ~1 KB object like the benchmark's Item, with nested objects and lists
 *   items     a ~100 KB array of such objects
 *   numbers   an array of 10,000 doubles (prices, coordinates, full-precision, exponents)
 *   strings   a ~100 KB array of records heavy in escapes and multi-byte UTF-8
 *
 * Usage:
 *   codec_bench [--runs N] [--min-ms MS] [--md FILE]   timing table (median of N runs)
 *   codec_bench --once DOC LIB OP                      one operation, for callgrind
 *   codec_bench --dump DOC                             the document, to stdout
 *   codec_bench --check                                cross-checks the libraries, exits
 * DOC: item items numbers strings; LIB: brisk brisk-model cjson json-c; OP: parse serialize.
 * With --once the operation runs once untimed (warm-up), then once inside measured_once(),
 * the function run.sh gives callgrind's --toggle-collect.
 *
 * Built by bench/codec/run.sh. Without HAVE_BRISK_PARSE (the generic parser not built yet)
 * only the peers are measured.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>
#include <json.h>

#ifdef HAVE_BRISK_PARSE
#include "brisk.h"
#include "model/json_read.h"
#include "model/json_write.h"
#include "runtime/arena.h"
#include "runtime/buf.h"
#endif
#ifdef HAVE_BK_MODEL_DECODE
#include "model/model.h"
#endif

/* ---------------------------------------------------------------------------------------
 * Text building and deterministic randomness
 * ------------------------------------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_reserve(sbuf *b, size_t extra) {
    if (b->cap - b->len > extra) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len <= extra) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        perror("codec_bench: realloc");
        exit(1);
    }
    b->p = p;
    b->cap = cap;
}

static void sb_add(sbuf *b, const char *s, size_t n) {
    sb_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    sb_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static uint64_t rng_state;

static uint64_t rnd(void) { /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* The shortest %.*g form that reads back as the same double (C locale: '.' decimal). */
static void sb_double(sbuf *b, double v) {
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    sb_puts(b, tmp);
}

static const char *const WORDS[] = {
    "sturdy", "compact", "steel", "garden", "widget", "with", "a", "handle", "for",
    "everyday", "use", "and", "the", "workshop", "weatherproof", "finish", "lightweight",
    "frame", "spare", "parts", "included", "easy", "to", "clean", "warranty", "of", "two",
    "years", "made", "in", "small", "batches",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])
static const char *const TAGS[] = {"a", "b", "tools", "garden", "outdoor", "steel", "sale",
                                   "new", "eco", "bestseller"};
static const char *const COLORS[] = {"red", "green", "blue", "black", "white", "orange"};
static const char *const COMPANIES[] = {"Acme Corp", "Globex", "Initech", "Umbrella Ltd",
                                        "Stark Industries", "Wayne Supply"};
static const char *const COUNTRIES[] = {"DE", "FR", "US", "JP", "BR", "IN"};

static void sb_price(sbuf *b, unsigned max_units) {
    unsigned cents = 1 + rnd_below(max_units * 100u);
    sb_double(b, cents / 100.0);
}

/* One Item-like object, ~1 KB. */
static void gen_item(sbuf *b, unsigned i) {
    sb_printf(b, "{\"id\":%u,\"name\":\"Widget %04u\",\"price\":", 1000u + i * 37u, i);
    sb_price(b, 500);
    sb_printf(b, ",\"has_tax\":%s,\"tags\":[", rnd_below(2) ? "true" : "false");
    unsigned nt = 2 + rnd_below(3);
    for (unsigned t = 0; t < nt; t++)
        sb_printf(b, "%s\"%s\"", t ? "," : "", TAGS[(i + t * 3) % 10]);
    sb_puts(b, "],\"description\":\"");
    unsigned nw = 38 + rnd_below(10);
    for (unsigned w = 0; w < nw; w++)
        sb_printf(b, "%s%s", w ? " " : "", WORDS[rnd_below(NWORDS)]);
    sb_puts(b, ".\",\"dimensions\":{\"width\":");
    sb_double(b, (1 + rnd_below(4000)) / 100.0);
    sb_puts(b, ",\"height\":");
    sb_double(b, (1 + rnd_below(4000)) / 100.0);
    sb_puts(b, ",\"depth\":");
    sb_double(b, (1 + rnd_below(400)) / 100.0);
    sb_printf(b, ",\"unit\":\"cm\"},\"stock\":{\"warehouse\":\"north-%u\",\"count\":%u,"
                 "\"reserved\":%u},\"variants\":[",
              1 + rnd_below(9), rnd_below(5000), rnd_below(50));
    for (unsigned v = 0; v < 3; v++) {
        sb_printf(b, "%s{\"sku\":\"W-%04u-%c\",\"color\":\"%s\",\"price\":", v ? "," : "", i,
                  'A' + (char)v, COLORS[rnd_below(6)]);
        sb_price(b, 500);
        sb_printf(b, ",\"available\":%s}", rnd_below(3) ? "true" : "false");
    }
    unsigned co = rnd_below(6);
    sb_printf(b, "],\"supplier\":{\"name\":\"%s\",\"country\":\"%s\",\"rating\":", COMPANIES[co],
              COUNTRIES[co]);
    sb_double(b, (10 + rnd_below(41)) / 10.0);
    sb_printf(b, ",\"contacts\":[{\"email\":\"sales%u@supplier%u.example\","
                 "\"phone\":\"+49 30 %07u\"},{\"email\":\"support@supplier%u.example\","
                 "\"phone\":\"+49 30 %07u\"}]},",
              i % 7, co, rnd_below(10000000), co, rnd_below(10000000));
    sb_printf(b, "\"created\":\"2024-%02u-%02uT%02u:%02u:%02uZ\",\"discount\":", 1 + rnd_below(12),
              1 + rnd_below(28), rnd_below(24), rnd_below(60), rnd_below(60));
    if (rnd_below(2))
        sb_puts(b, "null");
    else
        sb_double(b, (5 + rnd_below(40)) / 100.0);
    sb_puts(b, "}");
}

static void gen_items(sbuf *b) {
    sb_puts(b, "[");
    for (unsigned i = 0; b->len < 100 * 1024 - 600; i++) {
        if (i) sb_puts(b, ",");
        gen_item(b, i);
    }
    sb_puts(b, "]");
}

static void gen_numbers(sbuf *b) {
    sb_puts(b, "[");
    for (unsigned i = 0; i < 10000; i++) {
        if (i) sb_puts(b, ",");
        double v;
        switch (i % 5) {
        case 0: /* prices */
        case 1: v = (1 + rnd_below(1000000)) / 100.0; break;
        case 2: /* coordinates, 6 decimals */
            v = ((double)rnd_below(360000001) - 180000000.0) / 1e6;
            break;
        case 3: /* full precision in [0, 1) */
            v = (double)(rnd() >> 11) * 0x1p-53;
            break;
        default: { /* magnitudes from 1e-20 to 1e20 */
            int e = (int)rnd_below(41) - 20;
            v = (1.0 + (double)(rnd() >> 11) * 0x1p-53) * pow(10.0, e);
            if (rnd_below(2)) v = -v;
        }
        }
        if (v == floor(v) && fabs(v) < 1e15) v += 0.5; /* keep every element a double */
        sb_double(b, v);
    }
    sb_puts(b, "]");
}

/* Strings with every kind of escape, raw multi-byte UTF-8 (2, 3 and 4 bytes) and
 * \u escapes including a surrogate pair. Written as JSON text directly. */
static const char *const ASCII_BITS[] = {
    "He said \\\"hello\\\" twice", "C:\\\\Program Files\\\\brisk", "line one\\nline two",
    "col\\tcol\\tcol", "bell\\u0007 and nul-free", "plain words without escapes at all",
    "a \\/ slash and a \\b backspace", "carriage\\r\\nreturn",
};
static const char *const UTF8_BITS[] = {
    "café crème", "naïve façade", "Здравствуйте, мир", "日本語のテキスト", "中文字符",
    "emoji 😀🎉", "Ελληνικά", "עברית", "한국어", "Ünïcödé",
};
static const char *const UESC_BITS[] = {
    "\\u00e9t\\u00e9", "\\u4e2d\\u6587", "\\ud83d\\ude00 grin", "\\u00fc\\u00f6\\u00e4",
    "tab\\u0009tab", "\\u20ac 12",
};

static void gen_strings(sbuf *b) {
    sb_puts(b, "[");
    for (unsigned i = 0; b->len < 100 * 1024 - 400; i++) {
        if (i) sb_puts(b, ",");
        sb_printf(b, "{\"id\":\"u%05u\",\"title\":\"%s; %s\",\"body\":\"", i,
                  ASCII_BITS[rnd_below(8)], ASCII_BITS[rnd_below(8)]);
        for (unsigned k = 0; k < 3; k++)
            sb_printf(b, "%s%s", k ? " \\u2014 " : "", UTF8_BITS[rnd_below(10)]);
        sb_printf(b, "\",\"escaped\":\"%s %s\",\"note\":\"%s\\n%s\"}", UESC_BITS[rnd_below(6)],
                  UESC_BITS[rnd_below(6)], UTF8_BITS[rnd_below(10)], ASCII_BITS[rnd_below(8)]);
    }
    sb_puts(b, "]");
}

/* ---------------------------------------------------------------------------------------
 * Documents and each library's state for them
 * ------------------------------------------------------------------------------------- */

enum { LIB_BRISK, LIB_BRISK_MODEL, LIB_CJSON, LIB_JSONC, NLIBS };
static const char *const LIB_NAMES[NLIBS] = {"brisk", "brisk-model", "cjson", "json-c"};
static const char *const LIB_LABELS[NLIBS] = {"brisk", "brisk model", "cJSON", "json-c"};

typedef struct doc {
    const char *name;
    const char *what;
    bool model;                 /* has a brisk model (the Item documents) */
    bool is_array;              /* items: an array of the model */
    sbuf text;
    /* state */
    cJSON *cj;                  /* parsed once, for serialize */
    json_object *jc;
    json_tokener *tok;
    size_t out_len[NLIBS];      /* last serialized length */
#ifdef HAVE_BRISK_PARSE
    bk_arena arena;             /* parse arena, reset per parse */
    bk_arena keep;              /* holds the tree serialized from */
    brisk_value *bv;
    bk_buf out;
#endif
#ifdef HAVE_BK_MODEL_DECODE
    bk_arena model_keep;
    void *mobj;                 /* BenchItem *, or brisk_list * of BenchItem */
#endif
} doc;

static doc DOCS[] = {
    {.name = "item", .what = "one Item-like object with nested objects and lists", .model = true},
    {.name = "items", .what = "array of Item-like objects", .model = true, .is_array = true},
    {.name = "numbers", .what = "array of 10,000 doubles"},
    {.name = "strings", .what = "array of records with escapes and multi-byte UTF-8"},
};
#define NDOCS (sizeof DOCS / sizeof DOCS[0])

static void generate(doc *d) {
    rng_state = 0x5EEDB215Cull; /* the same bytes every time */
    if (!strcmp(d->name, "item"))
        gen_item(&d->text, 42);
    else if (!strcmp(d->name, "items"))
        gen_items(&d->text);
    else if (!strcmp(d->name, "numbers"))
        gen_numbers(&d->text);
    else
        gen_strings(&d->text);
}

static volatile size_t g_sink; /* keeps results observable */

static void die(const char *what, const doc *d) {
    fprintf(stderr, "codec_bench: %s failed on document '%s'\n", what, d->name);
    exit(1);
}

/* ---- cJSON ---------------------------------------------------------------------------- */

static void cj_parse(doc *d) {
    cJSON *t = cJSON_ParseWithLength(d->text.p, d->text.len);
    if (!t) die("cJSON_ParseWithLength", d);
    g_sink += (size_t)t->type;
    cJSON_Delete(t);
}

static void cj_serialize(doc *d) {
    char *s = cJSON_PrintUnformatted(d->cj);
    if (!s) die("cJSON_PrintUnformatted", d);
    d->out_len[LIB_CJSON] = strlen(s);
    g_sink += (size_t)s[0];
    cJSON_free(s);
}

/* ---- json-c --------------------------------------------------------------------------- */

static json_object *jc_parse_keep(doc *d) {
    json_tokener_reset(d->tok);
    json_object *o = json_tokener_parse_ex(d->tok, d->text.p, (int)d->text.len);
    if (!o || json_tokener_get_error(d->tok) != json_tokener_success)
        die("json_tokener_parse_ex", d);
    return o;
}

static void jc_parse(doc *d) {
    json_object *o = jc_parse_keep(d);
    g_sink += (size_t)json_object_get_type(o);
    json_object_put(o);
}

static void jc_serialize(doc *d) {
    size_t n = 0;
    const char *s = json_object_to_json_string_length(d->jc, JSON_C_TO_STRING_PLAIN, &n);
    if (!s) die("json_object_to_json_string_length", d);
    d->out_len[LIB_JSONC] = n;
    g_sink += (size_t)s[0];
}

/* ---- brisk ---------------------------------------------------------------------------- */

#ifdef HAVE_BRISK_PARSE
#define ARENA_BLOCK (16u << 20) /* no malloc during a timed parse once warm */

static void bk_parse(doc *d) {
    bk_arena_reset(&d->arena);
    brisk_json_error err = {0, NULL};
    brisk_value *v = bk_json_parse_value(&d->arena, d->text.p, d->text.len, &err);
    if (!v) {
        fprintf(stderr, "codec_bench: brisk: %s at byte %zu\n", err.msg ? err.msg : "?",
                err.pos);
        die("bk_json_parse_value", d);
    }
    g_sink += (size_t)v->type;
}

static void bk_serialize(doc *d) {
    brisk_json j;
    d->out.len = 0;
    bk_json_init(&j, &d->out);
    brisk_json_value(&j, d->bv);
    d->out_len[LIB_BRISK] = d->out.len;
    g_sink += (size_t)d->out.data[0];
}
#endif

/* ---- brisk models: the Item documents' schema ----------------------------------------- */

#ifdef HAVE_BK_MODEL_DECODE
typedef struct {
    double width, height, depth;
    brisk_str unit;
} Dimensions;
BRISK_MODEL(Dimensions,
    BRISK_F64(width, BRISK_GE(0)),
    BRISK_F64(height, BRISK_GE(0)),
    BRISK_F64(depth, BRISK_GE(0)),
    BRISK_STR(unit, .max_len = 8));

typedef struct {
    brisk_str warehouse;
    int64_t count, reserved;
} Stock;
BRISK_MODEL(Stock,
    BRISK_STR(warehouse),
    BRISK_I64(count, BRISK_GE(0)),
    BRISK_I64(reserved, BRISK_GE(0)));

typedef struct {
    brisk_str sku, color;
    double price;
    bool available;
} Variant;
BRISK_MODEL(Variant,
    BRISK_STR(sku, .max_len = 32),
    BRISK_STR(color),
    BRISK_F64(price, BRISK_GE(0)),
    BRISK_BOOL(available));

typedef struct {
    brisk_str email, phone;
} Contact;
BRISK_MODEL(Contact, BRISK_STR(email, .max_len = 254), BRISK_STR(phone, .max_len = 32));

typedef struct {
    brisk_str name, country;
    double rating;
    brisk_list contacts; /* of Contact */
} Supplier;
BRISK_MODEL(Supplier,
    BRISK_STR(name, .max_len = 100),
    BRISK_STR(country, .min_len = 2, .max_len = 2),
    BRISK_F64(rating, BRISK_GE(0), BRISK_LE(5)),
    BRISK_LIST(contacts, BRISK_ITEM_OBJ(&Contact_model)));

typedef struct {
    int64_t id;
    brisk_str name;
    double price;
    bool has_tax;
    brisk_strs tags;
    brisk_str description;
    Dimensions *dimensions;
    Stock *stock;
    brisk_list variants; /* of Variant */
    Supplier *supplier;
    brisk_str created;
    double *discount;
} BenchItem;
BRISK_MODEL(BenchItem,
    BRISK_I64(id, BRISK_GE(1)),
    BRISK_STR(name, .max_len = 100),
    BRISK_F64(price, BRISK_GE(0)),
    BRISK_BOOL(has_tax, .optional = true),
    BRISK_STR_LIST(tags, .optional = true),
    BRISK_STR(description, .max_len = 1000),
    BRISK_OBJ(dimensions, &Dimensions_model),
    BRISK_OBJ(stock, &Stock_model),
    BRISK_LIST(variants, BRISK_ITEM_OBJ(&Variant_model)),
    BRISK_OBJ(supplier, &Supplier_model),
    BRISK_DATETIME(created),
    BRISK_F64(discount, .nullable = true, .optional = true, BRISK_GE(0), BRISK_LE(1)));

static bk_rmodel *g_item_rm;
static bk_rfield *g_items_rf; /* a list of BenchItem */

static void model_setup(void) {
    g_item_rm = bk_model_resolve(&BenchItem_model);
    /* The items document: a list of BenchItem, decoded as a (named) field would be. */
    const brisk_field list = {.kind = BRISK_K_LIST, .name = "items",
                              .item = &(const brisk_field)BRISK_ITEM_OBJ(&BenchItem_model)};
    g_items_rf = bk_field_resolve(&list, false);
    if (!g_item_rm || !g_items_rf) {
        fprintf(stderr, "codec_bench: the benchmark's models do not resolve\n");
        exit(1);
    }
}

static void report_verrs(const bk_verrs *e, const doc *d) {
    bk_buf b = {0};
    bk_verrs_write(e, &b, false);
    fprintf(stderr, "codec_bench: model decode of '%s': %.*s\n", d->name, (int)b.len,
            b.data ? b.data : "");
    bk_buf_free(&b);
}

/* Decodes into `a`; returns the BenchItem * or the brisk_list * of them. */
static void *model_decode_into(doc *d, bk_arena *a) {
    bk_verrs e;
    bk_verrs_init(&e, a);
    if (!d->is_array) {
        void *obj = bk_model_decode(g_item_rm, d->text.p, d->text.len, &e, "body");
        if (!obj || e.n) {
            report_verrs(&e, d);
            die("bk_model_decode", d);
        }
        return obj;
    }
    brisk_list *list = bk_arena_alloc(a, sizeof *list);
    bk_jreader r;
    bk_jr_init(&r, d->text.p, d->text.len, a);
    if (!bk_decode_value(&r, g_items_rf, list, &e) || !bk_jr_finish(&r) || e.n) {
        if (e.n) report_verrs(&e, d);
        die("bk_decode_value (list of BenchItem)", d);
    }
    return list;
}

static void model_parse(doc *d) {
    bk_arena_reset(&d->arena);
    g_sink += (size_t)model_decode_into(d, &d->arena);
}

static void model_serialize(doc *d) {
    brisk_json j;
    d->out.len = 0;
    bk_json_init(&j, &d->out);
    if (!d->is_array) {
        brisk_json_model(&j, &BenchItem_model, d->mobj);
    } else {
        const brisk_list *list = d->mobj;
        const BenchItem *items = list->items;
        brisk_json_arr(&j);
        for (size_t i = 0; i < list->len; i++) brisk_json_model(&j, &BenchItem_model, &items[i]);
        brisk_json_end_arr(&j);
    }
    d->out_len[LIB_BRISK_MODEL] = d->out.len;
    g_sink += (size_t)d->out.data[0];
}
#endif

/* ---------------------------------------------------------------------------------------
 * Setup, operations table, cross-checks
 * ------------------------------------------------------------------------------------- */

typedef void (*op_fn)(doc *d);

static bool lib_built(int lib) {
#ifndef HAVE_BRISK_PARSE
    if (lib == LIB_BRISK) return false;
#endif
#ifndef HAVE_BK_MODEL_DECODE
    if (lib == LIB_BRISK_MODEL) return false;
#endif
    (void)lib;
    return true;
}

static op_fn op_for(int lib, int serialize, const doc *d) {
    if (lib == LIB_BRISK_MODEL && !d->model) return NULL;
    if (!lib_built(lib)) return NULL;
    switch (lib) {
    case LIB_CJSON: return serialize ? cj_serialize : cj_parse;
    case LIB_JSONC: return serialize ? jc_serialize : jc_parse;
#ifdef HAVE_BRISK_PARSE
    case LIB_BRISK: return serialize ? bk_serialize : bk_parse;
#endif
#ifdef HAVE_BK_MODEL_DECODE
    case LIB_BRISK_MODEL: return serialize ? model_serialize : model_parse;
#endif
    default: return NULL;
    }
}

static void setup(doc *d) {
    generate(d);
    d->tok = json_tokener_new();
    d->cj = cJSON_ParseWithLength(d->text.p, d->text.len);
    if (!d->cj) die("cJSON_ParseWithLength", d);
    d->jc = jc_parse_keep(d);
#ifdef HAVE_BRISK_PARSE
    bk_arena_init(&d->arena, malloc(ARENA_BLOCK), ARENA_BLOCK);
    bk_arena_init(&d->keep, NULL, 0);
    brisk_json_error err = {0, NULL};
    d->bv = bk_json_parse_value(&d->keep, d->text.p, d->text.len, &err);
    if (!d->bv) {
        fprintf(stderr, "codec_bench: brisk: %s at byte %zu\n", err.msg ? err.msg : "?",
                err.pos);
        die("bk_json_parse_value", d);
    }
    d->out = (bk_buf){0};
    bk_buf_reserve(&d->out, 2 * d->text.len + 4096);
#endif
#ifdef HAVE_BK_MODEL_DECODE
    if (d->model) {
        bk_arena_init(&d->model_keep, NULL, 0);
        d->mobj = model_decode_into(d, &d->model_keep);
    }
#endif
}

static void setup_all(void) {
#ifdef HAVE_BK_MODEL_DECODE
    model_setup();
#endif
    for (size_t i = 0; i < NDOCS; i++) setup(&DOCS[i]);
}

static sbuf g_checks; /* the cross-checks' lines, repeated in the report */

static void check_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void check_line(const char *fmt, ...) {
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "[codec] check: %s\n", line);
    sb_printf(&g_checks, "- %s\n", line);
}

/* Exactly the same doubles, element by element (cJSON_Compare allows an epsilon). */
static size_t double_mismatches(const cJSON *a, const cJSON *b) {
    size_t bad = 0;
    for (a = a->child, b = b->child; a && b; a = a->next, b = b->next)
        if (a->valuedouble != b->valuedouble) bad++;
    return bad + (a != NULL) + (b != NULL);
}

/* Every library's output, read back by cJSON, must equal what cJSON read from the document
 * (the numbers exactly); brisk's parse of every number must be the double strtod gives
 * (cJSON's reading). */
static int check_all(void) {
    g_checks.len = 0;
    int bad = 0;
    for (size_t i = 0; i < NDOCS; i++) {
        doc *d = &DOCS[i];
        for (int lib = 0; lib < NLIBS; lib++) {
            op_fn ser = op_for(lib, 1, d);
            if (!ser || lib == LIB_CJSON) continue;
            ser(d);
            const char *out = NULL;
            size_t n = 0;
#ifdef HAVE_BRISK_PARSE
            if (lib == LIB_BRISK || lib == LIB_BRISK_MODEL) out = d->out.data, n = d->out.len;
#endif
            if (lib == LIB_JSONC)
                out = json_object_to_json_string_length(d->jc, JSON_C_TO_STRING_PLAIN, &n);
            cJSON *back = cJSON_ParseWithLength(out, n);
            bool same = back && cJSON_Compare(back, d->cj, 1);
            if (same && !strcmp(d->name, "numbers")) same = double_mismatches(back, d->cj) == 0;
            check_line("%s: %s's output read back by cJSON is the same document%s: %s%s",
                       d->name, LIB_LABELS[lib],
                       !strcmp(d->name, "numbers") ? " (every double exact)" : "",
                       same ? "yes" : "NO",
                       n == d->text.len && !memcmp(out, d->text.p, n)
                           ? " (byte-identical to the input)"
                           : "");
            if (!same) bad = 1;
            cJSON_Delete(back);
        }
#ifdef HAVE_BRISK_PARSE
        if (!strcmp(d->name, "numbers")) {
            size_t mism = 0, n = d->bv->as.arr.len;
            const cJSON *c = d->cj->child;
            for (size_t k = 0; k < n && c; k++, c = c->next) {
                const brisk_value *v = d->bv->as.arr.items[k];
                double x = v->type == BRISK_VALUE_INT ? (double)v->as.i : v->as.d;
                if (x != c->valuedouble) mism++;
            }
            check_line("numbers: brisk's parse gives strtod's double for %zu of %zu numbers",
                       n - mism, n);
            if (mism) bad = 1;
        }
#endif
    }
    return bad;
}

/* ---------------------------------------------------------------------------------------
 * Timing
 * ------------------------------------------------------------------------------------- */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds per operation over a batch of n. */
static double batch(op_fn fn, doc *d, long n) {
    double t0 = now();
    for (long k = 0; k < n; k++) fn(d);
    return (now() - t0) / (double)n;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define MAXRUNS 64

typedef struct result {
    bool have;
    double sec[MAXRUNS];        /* per-op seconds, each run */
    double med;                 /* median per-op seconds */
} result;

static result RES[NDOCS][2][NLIBS];

static void measure(int runs, double min_sec) {
    for (size_t i = 0; i < NDOCS; i++) {
        doc *d = &DOCS[i];
        for (int s = 0; s < 2; s++) {
            long iters[NLIBS] = {0};
            /* Calibrate: a batch of each library lasts about min_sec. */
            for (int lib = 0; lib < NLIBS; lib++) {
                op_fn fn = op_for(lib, s, d);
                if (!fn) continue;
                fn(d); /* warm */
                long n = 1;
                double t;
                while ((t = batch(fn, d, n) * (double)n) < min_sec / 4 && n < (1L << 30)) n *= 2;
                double per = t / (double)n;
                iters[lib] = (long)(min_sec / per) + 1;
            }
            /* Runs interleave the libraries, so a slow phase of the machine hits all. */
            for (int r = 0; r < runs; r++)
                for (int lib = 0; lib < NLIBS; lib++) {
                    op_fn fn = op_for(lib, s, d);
                    if (!fn) continue;
                    RES[i][s][lib].sec[r] = batch(fn, d, iters[lib]);
                    RES[i][s][lib].have = true;
                }
            for (int lib = 0; lib < NLIBS; lib++) {
                result *res = &RES[i][s][lib];
                if (!res->have) continue;
                double tmp[MAXRUNS];
                memcpy(tmp, res->sec, sizeof(double) * (size_t)runs);
                res->med = median(tmp, runs);
            }
            fprintf(stderr, "[codec] %s %s done\n", d->name, s ? "serialize" : "parse");
        }
    }
}

/* Median over runs of cJSON's time / lib's time in the same run: how many times faster. */
static double paired_speedup(size_t i, int s, int lib, int runs) {
    const result *a = &RES[i][s][lib], *c = &RES[i][s][LIB_CJSON];
    if (!a->have || !c->have) return NAN;
    double v[MAXRUNS];
    for (int r = 0; r < runs; r++) v[r] = c->sec[r] / a->sec[r];
    return median(v, runs);
}

static void report(FILE *f, int runs, double min_sec) {
    fprintf(f, "# JSON codec benchmark: brisk, cJSON, json-c\n\n");
    fprintf(f, "Median of %d runs (each a batch of about %.0f ms per library, libraries "
               "interleaved); MB/s = document bytes / time (1 MB = 10^6 bytes); "
               "\"× cJSON\" = cJSON's time / the library's time, paired per run, median.\n\n",
            runs, min_sec * 1000);
    fprintf(f, "| document | bytes | operation | brisk | brisk model | cJSON | json-c | "
               "brisk × cJSON | brisk model × cJSON | json-c × cJSON |\n");
    fprintf(f, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < NDOCS; i++) {
        doc *d = &DOCS[i];
        for (int s = 0; s < 2; s++) {
            fprintf(f, "| %s | %zu | %s |", d->name, d->text.len, s ? "serialize" : "parse");
            for (int lib = 0; lib < NLIBS; lib++) {
                const result *res = &RES[i][s][lib];
                if (res->have)
                    fprintf(f, " %.0f MB/s |", (double)d->text.len / res->med / 1e6);
                else
                    fprintf(f, " %s |", lib_built(lib) ? "–" : "not built");
            }
            const int others[] = {LIB_BRISK, LIB_BRISK_MODEL, LIB_JSONC};
            for (int k = 0; k < 3; k++) {
                double x = paired_speedup(i, s, others[k], runs);
                if (isnan(x))
                    fprintf(f, " – |");
                else
                    fprintf(f, " %.2f× |", x);
            }
            fprintf(f, "\n");
        }
    }
    fprintf(f, "\nDocuments: ");
    for (size_t i = 0; i < NDOCS; i++)
        fprintf(f, "%s`%s` %s (%zu bytes)", i ? "; " : "", DOCS[i].name, DOCS[i].what,
                DOCS[i].text.len);
    fprintf(f, ". Serialized sizes (bytes):");
    for (size_t i = 0; i < NDOCS; i++) {
        fprintf(f, "%s %s", i ? ";" : "", DOCS[i].name);
        for (int lib = 0; lib < NLIBS; lib++)
            if (RES[i][1][lib].have)
                fprintf(f, " %s %zu", LIB_LABELS[lib], DOCS[i].out_len[lib]);
    }
    fprintf(f, ".\n\n## Targets (brisk)\n\n| target | document | measured | result |\n"
               "|---|---|---:|:---:|\n");
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < NDOCS; i++) {
            double x = paired_speedup(i, s, LIB_BRISK, runs);
            if (isnan(x))
                fprintf(f, "| %s ≥ 5× cJSON | %s | not measured | – |\n",
                        s ? "serialize" : "parse", DOCS[i].name);
            else
                /* Truncated, not rounded: a 4.996× miss does not read as 5.00×. */
                fprintf(f, "| %s ≥ 5× cJSON | %s | %.2f× | %s |\n", s ? "serialize" : "parse",
                        DOCS[i].name, floor(x * 100) / 100, x >= 5 ? "PASS" : "MISS");
        }
    fprintf(f, "\n## Cross-checks\n\n%s", g_checks.len ? g_checks.p : "- none run\n");
    fprintf(f,
            "\n## What each column does\n\n"
            "- parse, brisk: bk_json_parse_value() into an arena, reset before each parse (as a "
            "request's arena is); strict RFC 8259 with UTF-8 validation.\n"
            "- parse, brisk model: bk_model_decode() of the Item documents straight into typed "
            "structs (nested models, lists), validating every constraint of the model "
            "(lengths, bounds, the datetime).\n"
            "- parse, cJSON: cJSON_ParseWithLength() + cJSON_Delete(); json-c: "
            "json_tokener_parse_ex() on a reused tokener + json_object_put(). Neither "
            "validates UTF-8.\n"
            "- serialize: brisk writes the parsed value (brisk_json_value) or the decoded "
            "structs (brisk_json_model) into a reused buffer; cJSON_PrintUnformatted() + free; "
            "json_object_to_json_string_ext(JSON_C_TO_STRING_PLAIN), whose buffer the object "
            "keeps. json-c writes a parsed number as the text it was parsed from, without "
            "formatting the double: hence its numbers column. brisk and cJSON format each "
            "double (brisk: shortest round trip; cJSON: %%1.15g, or %%1.17g when that does not "
            "round-trip).\n");
}

/* ---------------------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------------------- */

/* The one operation callgrind counts (run.sh: --toggle-collect=measured_once). */
__attribute__((noinline)) void measured_once(op_fn fn, doc *d);
__attribute__((noinline)) void measured_once(op_fn fn, doc *d) {
    fn(d);
    __asm__ volatile("" ::: "memory");
}

static doc *find_doc(const char *name) {
    for (size_t i = 0; i < NDOCS; i++)
        if (!strcmp(DOCS[i].name, name)) return &DOCS[i];
    fprintf(stderr, "codec_bench: unknown document '%s'\n", name);
    exit(2);
}

static int find_lib(const char *name) {
    for (int i = 0; i < NLIBS; i++)
        if (!strcmp(LIB_NAMES[i], name)) return i;
    fprintf(stderr, "codec_bench: unknown library '%s'\n", name);
    exit(2);
}

static void usage(void) {
    fprintf(stderr, "usage: codec_bench [--runs N] [--min-ms MS] [--md FILE]\n"
                    "       codec_bench --once DOC LIB OP | --dump DOC | --check | --libs\n");
    exit(2);
}

int main(int argc, char **argv) {
    int runs = 7;
    double min_sec = 0.2;
    const char *md = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--runs") && i + 1 < argc) {
            runs = atoi(argv[++i]);
            if (runs < 1 || runs > MAXRUNS) usage();
        } else if (!strcmp(a, "--min-ms") && i + 1 < argc) {
            min_sec = atof(argv[++i]) / 1000;
            if (!(min_sec > 0)) usage();
        } else if (!strcmp(a, "--md") && i + 1 < argc) {
            md = argv[++i];
        } else if (!strcmp(a, "--dump") && i + 1 < argc) {
            doc *d = find_doc(argv[++i]);
            generate(d);
            fwrite(d->text.p, 1, d->text.len, stdout);
            return 0;
        } else if (!strcmp(a, "--libs")) {
            /* What this binary measures, for run.sh. */
            for (int lib = 0; lib < NLIBS; lib++)
                if (lib_built(lib)) printf("%s\n", LIB_NAMES[lib]);
            return 0;
        } else if (!strcmp(a, "--check")) {
            setup_all();
            return check_all();
        } else if (!strcmp(a, "--once") && i + 3 < argc) {
            doc *d = find_doc(argv[i + 1]);
            int lib = find_lib(argv[i + 2]);
            int s = !strcmp(argv[i + 3], "serialize") ? 1
                    : !strcmp(argv[i + 3], "parse")   ? 0
                                                      : -1;
            if (s < 0) usage();
#ifdef HAVE_BK_MODEL_DECODE
            model_setup();
#endif
            setup(d);
            op_fn fn = op_for(lib, s, d);
            if (!fn) {
                fprintf(stderr, "codec_bench: %s cannot %s '%s' in this build\n", LIB_NAMES[lib],
                        argv[i + 3], d->name);
                return 3;
            }
            fn(d); /* warm-up: first-use allocations are not counted */
            measured_once(fn, d);
            return 0;
        } else {
            usage();
        }
    }
    setup_all();
    if (check_all()) fprintf(stderr, "codec_bench: warning: a cross-check failed (above)\n");
    measure(runs, min_sec);
    report(stdout, runs, min_sec);
    if (md) {
        FILE *f = fopen(md, "w");
        if (!f) {
            fprintf(stderr, "codec_bench: %s: %s\n", md, strerror(errno));
            return 1;
        }
        report(f, runs, min_sec);
        fclose(f);
    }
    return 0;
}
