/* The JSON reader: a strict RFC 8259 pull parser over a byte span.
 *
 * The schema-directed model decoder and the generic value parser (brisk_json_parse) are
 * both built on it, so the two accept exactly the same language. The reader never
 * allocates except for the strings it returns (in the arena it is given) and never
 * recurses: nesting depth is counted, not stacked, and limited to BRISK_JSON_MAX_DEPTH.
 *
 * Use: bk_jr_peek() tells the type of the next value; then consume it with the matching
 * call (bk_jr_string, bk_jr_number, bk_jr_literal, bk_jr_obj_begin + bk_jr_obj_next...,
 * bk_jr_arr_begin + bk_jr_arr_next...) or skip it whole with bk_jr_skip(). After the top
 * value, bk_jr_finish() checks that only whitespace follows.
 *
 * Errors: the first error stops the reader (every later call returns false / BK_JT_ERROR)
 * and sets r->err_pos (byte offset) and r->err_msg, worded as Python's json module words
 * them, because FastAPI puts that text in its json_invalid error:
 *   "Expecting value", "Expecting property name enclosed in double quotes",
 *   "Expecting ':' delimiter", "Expecting ',' delimiter", "Extra data",
 *   "Unterminated string starting at", "Invalid control character at",
 *   "Invalid \\escape", "Invalid \\uXXXX escape", and brisk's own for what Python
 *   accepts but brisk refuses: "Invalid UTF-8", "Maximum nesting depth exceeded",
 *   "Invalid surrogate", and from the value parser (bk_jr_value; the reader itself
 *   hands such numbers over, see bk_jnum) "Integer out of range" for an integer literal
 *   outside int64 and "Number out of range" for a number whose magnitude rounds to
 *   infinity as a double (1e400; Python would give inf). Underflow is not an error:
 *   1e-400 is 0.0, as in Python.
 * Positions are those Python reports, in bytes instead of characters; a number's
 * range error points at its first byte. Like Python, a number is the longest valid
 * prefix: "1." is 1 followed by "." (so "[1.]" gives "Expecting ',' delimiter"). */
#ifndef BK_JSON_READ_H
#define BK_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "brisk.h"
#include "runtime/arena.h"

typedef enum bk_jtok {
    BK_JT_ERROR = 0,  /* malformed input, or the reader already failed */
    BK_JT_NULL,
    BK_JT_FALSE,
    BK_JT_TRUE,
    BK_JT_NUMBER,
    BK_JT_STRING,
    BK_JT_OBJECT,
    BK_JT_ARRAY,
} bk_jtok;

typedef struct bk_jreader {
    const char *start, *p, *end;
    bk_arena *arena;
    uint32_t depth;
    bool need_comma;        /* internal: inside a container after its first item */
    bool failed;
    size_t err_pos;
    const char *err_msg;
} bk_jreader;

typedef struct bk_jnum {
    bool is_int;            /* no fraction, no exponent, and fits int64 */
    int64_t i;              /* when is_int */
    double d;               /* always: the value, correctly rounded (±Inf on overflow) */
    bool int_overflow;      /* an integer literal outside int64 (is_int false then) */
    const char *text;       /* the literal as written */
    size_t len;
} bk_jnum;

void bk_jr_init(bk_jreader *r, const char *text, size_t len, bk_arena *arena);

/* The type of the next value, after skipping whitespace; consumes nothing. Inside a
 * container this is called only after bk_jr_obj_next / bk_jr_arr_next returned true. */
bk_jtok bk_jr_peek(bk_jreader *r);

/* Byte offset of the next value's first byte (after whitespace), or of the error. */
size_t bk_jr_offset(const bk_jreader *r);

/* Consumes null, true or false (whichever is next). */
bool bk_jr_literal(bk_jreader *r);

/* Consumes a string. *out is an unescaped, NUL-terminated copy in the arena (a view into
 * the input could not be NUL-terminated; the copy is a bump allocation and a memcpy).
 * It may hold U+0000 (from \u0000), so use out->len. UTF-8 is validated (overlongs,
 * surrogates encoded in UTF-8 and bytes above U+10FFFF refused); \uD800-\uDFFF must come
 * in valid pairs. */
bool bk_jr_string(bk_jreader *r, brisk_str *out);

/* Consumes a number. */
bool bk_jr_number(bk_jreader *r, bk_jnum *out);

/* Objects: bk_jr_obj_begin consumes '{'. Then each bk_jr_obj_next returns true with the
 * next key (unescaped like a string, ':' consumed, the value to be read next), or false
 * when '}' was consumed (r->failed tells an error apart). Arrays likewise: bk_jr_arr_next
 * returns true when another element follows (the comma is handled for you). */
bool bk_jr_obj_begin(bk_jreader *r);
bool bk_jr_obj_next(bk_jreader *r, brisk_str *key); /* key may be NULL: not copied */
bool bk_jr_arr_begin(bk_jreader *r);
bool bk_jr_arr_next(bk_jreader *r);

/* Consumes the next value whole, validating it as strictly as the calls above. */
bool bk_jr_skip(bk_jreader *r);

/* After the top-level value: true when only whitespace remains ("Extra data" if not). */
bool bk_jr_finish(bk_jreader *r);

/* Parses a number from its literal (as bk_jnum describes), for text that does not come
 * from a JSON document, e.g. a query parameter. False when `s` is not exactly one JSON
 * number. */
bool bk_json_number_parse(const char *s, size_t len, bk_jnum *out);

/* Correctly rounded decimal-to-double for a validated JSON number literal, independent
 * of the C locale. */
double bk_json_strtod(const char *s, size_t len);

/* The generic value parser (behind brisk_json_parse), usable without a request. */
brisk_value *bk_json_parse_value(bk_arena *a, const char *text, size_t len,
                                 brisk_json_error *err);
/* Parses the next value of an already started reader into a generic value. */
brisk_value *bk_jr_value(bk_jreader *r);

/* The request arena (defined by the server layer). */
bk_arena *bk_ctx_arena(brisk_ctx *c);

#endif
