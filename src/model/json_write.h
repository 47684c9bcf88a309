/* The JSON writer: appends JSON text to a byte buffer, managing commas and escaping.
 * This is the struct behind the public brisk_json; the model codec builds on it. */
#ifndef BK_JSON_WRITE_H
#define BK_JSON_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "brisk.h"
#include "runtime/buf.h"

#define BK_JSON_MAX_DEPTH 128

struct brisk_json {
    bk_buf *out;
    uint32_t depth;
    bool after_key;                         /* next value follows "key": */
    bool overflow;                          /* nesting deeper than BK_JSON_MAX_DEPTH */
    unsigned char has_items[BK_JSON_MAX_DEPTH + 1];
};

void bk_json_init(brisk_json *j, bk_buf *out);
/* Appends s as a JSON string literal (quotes included). */
void bk_json_escape(bk_buf *out, const char *s, size_t len);
/* Shortest decimal form that parses back to the same double; "null" for NaN/Inf. */
size_t bk_json_fmt_double(char out[32], double v);

#endif
