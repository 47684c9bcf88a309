/* Models inside brisk: the resolved field tables, the decoder, validation errors, the
 * encoder and JSON Schema. The public declarations (BRISK_MODEL and the field macros)
 * are in brisk.h; this is what they turn into once brisk has copied and checked them. */
#ifndef BK_MODEL_H
#define BK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "brisk.h"
#include "model/json_read.h"
#include "runtime/arena.h"
#include "runtime/buf.h"

typedef struct bk_rmodel bk_rmodel;

/* A field (or a list/map element, or a parameter) after resolution. */
typedef struct bk_rfield {
    brisk_field f;               /* the declaration; f.item / f.model are not used */
    struct bk_rfield *item;      /* LIST, MAP: the element */
    bk_rmodel *model;            /* OBJ */
    const char *key;             /* the JSON key / parameter name as matched */
    size_t key_len;
    char *key_json;              /* "\"key\":", ready to append */
    size_t key_json_len;
    size_t csize;                /* bytes of the C representation */
    bool inline_obj;             /* OBJ element of a list or map: the struct itself */
    void *re;                    /* compiled .pattern (pcre2_code *) */
    void *re_match;              /* pcre2_match_data *, reused: workers are single-threaded */
    size_t nvalues;              /* ENUM */
    size_t *value_lens;
    char *enum_expected;         /* "'a', 'b' or 'c'" */
    char *default_compact;       /* .default_json, re-encoded compactly */
    void *default_value;         /* decoded default (csize bytes), or NULL */
} bk_rfield;

struct bk_rmodel {
    brisk_model *m;
    bk_rfield *fields;
    size_t n;
    bool forbid_extra;
    const char *title, *description;
    void *image;                 /* a struct with every default applied */
    bool resolving;              /* guards against a model containing itself by value */
    bool failed;                 /* the declaration is invalid (logged once) */
};

/* Resolves a model on first use and caches it in m->resolved_. Returns NULL with the
 * reason logged when the declaration is invalid (bad default, bad pattern, ...). */
bk_rmodel *bk_model_resolve(brisk_model *m);
/* Resolves one declaration (a parameter's), copying what it points to. NULL on error. */
bk_rfield *bk_field_resolve(const brisk_field *f, bool is_param);
/* Resolves a BRISK_PARAMS list (terminated by BRISK_K_END_). *n receives the count. */
bk_rfield *bk_params_resolve(const brisk_field *params, size_t *n);

/* ---- validation errors ------------------------------------------------------------ */

/* One entry of FastAPI's {"detail": [...]} list, already encoded piecewise. */
typedef struct bk_verr {
    struct bk_verr *next;
    bool dropped;                /* replaced by a later duplicate key: not written */
    const char *type;
    char *loc;                   /* JSON array body without brackets: "\"body\",\"price\"" */
    char *msg;
    char *input;                 /* JSON text */
    char *ctx;                   /* JSON object text, or NULL */
} bk_verr;

#define BK_LOC_MAX (BRISK_JSON_MAX_DEPTH + 8)
#define BK_VERR_MAX 1000         /* later errors are dropped: the client has enough */

typedef struct bk_loc_seg {
    const char *key;             /* NULL: an index */
    size_t len;
    size_t index;
} bk_loc_seg;

typedef struct bk_verrs {
    bk_arena *arena;
    bk_verr *head, **tail;
    size_t n;                    /* live errors, listed or not */
    bool capped;                 /* errors past BK_VERR_MAX were not listed */
    bk_loc_seg loc[BK_LOC_MAX];
    size_t depth;
} bk_verrs;

void bk_verrs_init(bk_verrs *e, bk_arena *a);
void bk_loc_push_key(bk_verrs *e, const char *key, size_t len);
void bk_loc_push_index(bk_verrs *e, size_t i);
void bk_loc_pop(bk_verrs *e);
/* Adds an error at the current location. msg and ctx are copied; input is JSON text. */
void bk_verr_add(bk_verrs *e, const char *type, const char *msg, const char *input,
                 size_t input_len, const char *ctx);
/* {"key":"value"} (both escaped), for an error's ctx. */
char *bk_ctx_string(bk_arena *a, const char *key, const char *value);
/* FastAPI's json_invalid for text that is not JSON from byte err_pos on (msg: the
 * reader's, in Python's json module wording), at the current location. */
void bk_verr_json_invalid(bk_verrs *e, const char *text, size_t err_pos, const char *msg);
/* Removes every error whose location starts with the current location (a duplicate key
 * replaces the earlier value, errors included). */
void bk_verr_drop_here(bk_verrs *e);
/* Writes {"detail":[...]} (or the problem+json form). */
void bk_verrs_write(const bk_verrs *e, bk_buf *out, bool problem);

/* ---- values: checks shared by the JSON decoder and parameter coercion ---------------- */

/* Copies `text` (a JSON value span) compactly: whitespace outside strings dropped. */
char *bk_json_compact(bk_arena *a, const char *text, size_t len, size_t *out_len);
/* A value span re-written as Python's json.dumps writes the decoded value (what FastAPI
 * echoes as "input"); falls back to bk_json_compact for what the value parser refuses. */
char *bk_json_pydump(bk_arena *a, const char *text, size_t len, size_t *out_len);
/* A string as JSON text ("..."), in the arena. */
char *bk_json_quote(bk_arena *a, const char *s, size_t len, size_t *out_len);

/* Checks a decoded string against kind STR/DATETIME/UUID/ENUM constraints and stores it
 * at dst. For UUID it stores the canonical form. Adds errors and returns false when the
 * value is invalid; input/input_len is its JSON text for the error. */
bool bk_check_string(const bk_rfield *rf, brisk_str s, void *dst, bk_verrs *e,
                     bk_arena *a, const char *input, size_t input_len);
/* Checks a number against an I32/I64/F64 field and stores it at dst. */
bool bk_check_number(const bk_rfield *rf, const bk_jnum *num, void *dst, bk_verrs *e,
                     bk_arena *a, const char *input, size_t input_len);
/* Text (a parameter, or a JSON string given for a number or bool) to the field's kind, as
 * Pydantic's lax mode converts it: "42" is 42, "yes" is true. */
bool bk_coerce_text(const bk_rfield *rf, brisk_str s, void *dst, bk_verrs *e, bk_arena *a,
                    const char *input, size_t input_len);
/* Stores v (a bool) at dst. */
void bk_store_bool(const bk_rfield *rf, bool v, void *dst, bk_arena *a);
/* Length checks for lists and maps (too_short / too_long). */
bool bk_check_count(const bk_rfield *rf, size_t n, bool is_map, bk_verrs *e,
                    const char *input, size_t input_len);
/* bk_check_count with pydantic-core's precedence over the items' own errors, which were
 * added after *mark (e->n was n0 then). */
void bk_count_errors(const bk_rfield *rf, size_t n, bool is_map, bk_verrs *e, bk_verr **mark,
                     size_t n0, const char *input, size_t input_len);
/* Type error for a value of the wrong JSON type, with the kind's Pydantic type/msg. */
void bk_type_error(const bk_rfield *rf, bk_verrs *e, const char *input, size_t input_len,
                   bool input_is_string);
/* Writes a bound for ctx as Python holds it for this field's kind (0.0 on a float). */
size_t bk_fmt_bound(const bk_rfield *rf, double v, char out[40]);
/* Writes a bound as the user wrote it, for messages and the schema ("0", "0.5"). */
size_t bk_fmt_bound_written(double v, char out[40]);

/* Where a scalar of this field goes: nullable scalars are pointers to a fresh value. */
void *bk_scalar_slot(const bk_rfield *rf, void *dst, bk_arena *a);

/* ---- decoding and encoding -------------------------------------------------------- */

/* dst holds a copy of rf's shared default: replaces whatever a handler could change in
 * place (lists, maps, nested structs, nullable scalars) with copies in the arena, as
 * Pydantic copies mutable defaults per instance. */
void bk_own_default(const bk_rfield *rf, void *dst, bk_arena *a);
/* Decodes the reader's next value into dst (rf->csize bytes) with validation; errors go
 * to e at its current location. Returns false when the JSON itself is malformed (the
 * reader failed); validation errors alone return true with e->n > 0. */
bool bk_decode_value(bk_jreader *r, const bk_rfield *rf, void *dst, bk_verrs *e);
/* Decodes one object of model rm into a new struct (returned through *out). */
bool bk_decode_model(bk_jreader *r, bk_rmodel *rm, void **out, bk_verrs *e);
/* A whole document: JSON text → struct. Returns NULL with errors in e (a malformed
 * document gives one json_invalid error, as FastAPI reports it). loc_root, when not
 * NULL, is the first location segment ("body"). */
void *bk_model_decode(bk_rmodel *rm, const char *text, size_t len, bk_verrs *e,
                      const char *loc_root);

void bk_encode_value(brisk_json *j, const bk_rfield *rf, const void *src,
                     const brisk_dump_options *o);
void bk_encode_model(brisk_json *j, bk_rmodel *rm, const void *obj,
                     const brisk_dump_options *o);

/* ---- JSON Schema ------------------------------------------------------------------ */

/* Appends the schema of rm; nested models become {"$ref": ref_prefix + name} and are
 * added to *defs (an array of models to emit, deduplicated; the caller frees it). */
void bk_schema_model(bk_buf *out, bk_rmodel *rm, const char *ref_prefix,
                     bk_rmodel ***defs, size_t *ndefs);
/* The schema of one field or parameter, as above. */
void bk_schema_field(bk_buf *out, const bk_rfield *rf, const char *ref_prefix,
                     bk_rmodel ***defs, size_t *ndefs);

#endif
