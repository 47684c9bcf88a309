/* Conditional GET: whether the client already has the representation an entity tag names.
 * For brisk's own cached responses (the OpenAPI document, the docs pages' files). */
#include <string.h>
#include <strings.h>

#include "app/app.h"

/* Every If-None-Match header, "*" or a list of tags, compared weakly as RFC 9110 §13.1.2
 * prescribes for it: W/"x" matches "x". */
bool bk_if_none_match(brisk_ctx *c, const char *etag) {
    size_t tl = strlen(etag);
    brisk_str name, v;
    for (size_t i = 0; brisk_header_at(c, i, &name, &v); i++) {
        if (name.len != 13 || strncasecmp(name.ptr, "if-none-match", 13) != 0) continue;
        const char *p = v.ptr, *end = v.ptr + v.len;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) p++;
            if (p < end && *p == '*') return true;
            if (end - p >= 2 && p[0] == 'W' && p[1] == '/') p += 2;
            if (p >= end || *p != '"') {
                while (p < end && *p != ',') p++;
                continue;
            }
            const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
            if (!q) break;
            if ((size_t)(q + 1 - p) == tl && memcmp(p, etag, tl) == 0) return true;
            p = q + 1;
        }
    }
    return false;
}
