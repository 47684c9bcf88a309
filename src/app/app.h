/* The app layer's entry points for the layers above (supervisor, api). */
#ifndef BK_APP_H
#define BK_APP_H

#include "brisk.h"

/* Runs the request pipeline (middleware, routing, handler). A bk_request_fn. */
void bk_app_handle(brisk_ctx *c, void *app);
/* Percent-decodes src into dst (room for n bytes); '+' becomes ' ' when plus_space.
 * Malformed escapes are kept as they are, as Starlette does. Returns the length. */
size_t bk_percent_decode(char *dst, const char *src, size_t n, int plus_space);

/* The next "key=value" pair of a raw query string: the key percent-decoded ('+' as
 * space), the value as sent, for bk_query_decode once the key is one the caller wants (a
 * key without '=' has an empty value). Advances *pos; false at the end. */
bool bk_query_next(brisk_ctx *c, const char **pos, const char *end, brisk_str *key,
                   brisk_str *raw_value);
brisk_str bk_query_decode(brisk_ctx *c, brisk_str raw);

/* The next cookie of a Cookie header's value, split as Starlette's cookie_parser does: at
 * ';', then at the first '=', both sides stripped as Python strips them, a "quoted" value
 * unquoted as http.cookies does; chunks with neither name nor value are skipped. Start
 * with *pos at the value; advances it (NULL at the end); false when none is left. Where
 * a name repeats, the last one wins (the caller's to apply). Starlette reads only the
 * first Cookie header. */
bool bk_cookie_next(brisk_ctx *c, const char **pos, const char *end, brisk_str *key,
                    brisk_str *value);

/* True when an If-None-Match header of the request names etag (a quoted strong tag such
 * as "\"abc\""), or is "*": the client has it, and 304 is the answer. */
bool bk_if_none_match(brisk_ctx *c, const char *etag);

#endif
