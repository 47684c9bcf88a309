/* Cookies as Starlette reads them (starlette.requests.cookie_parser), for every part of
 * brisk that reads one: cookie parameters and API keys in a cookie. */
#include <string.h>

#include "app/app.h"

/* Python's str.strip() on a header decoded as Latin-1. */
static bool py_space(unsigned char ch) {
    return ch == ' ' || (ch >= '\t' && ch <= '\r') || (ch >= 0x1c && ch <= 0x1f) ||
           ch == 0x85 || ch == 0xa0;
}

static void strip(const char **p, const char **e) {
    while (*p < *e && py_space((unsigned char)**p)) (*p)++;
    while (*e > *p && py_space((unsigned char)(*e)[-1])) (*e)--;
}

/* http.cookies._unquote: a "quoted" value loses its quotes and backslash escapes
 * (\ooo octal for a character up to \377, \X for X). Characters past ASCII are written
 * as UTF-8, as the string FastAPI hands out would be encoded. */
static brisk_str unquote(brisk_ctx *c, const char *p, const char *e) {
    if (e - p < 2 || *p != '"' || e[-1] != '"') return (brisk_str){p, (size_t)(e - p)};
    p++, e--;
    char *d = brisk_alloc(c, (size_t)(e - p) * 2 + 1), *o = d;
    while (p < e) {
        if (*p != '\\' || p + 1 >= e) {
            *o++ = *p++;
            continue;
        }
        if (e - p >= 4 && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            unsigned v = (unsigned)(p[1] - '0') << 6 | (unsigned)(p[2] - '0') << 3 |
                         (unsigned)(p[3] - '0');
            if (v < 0x80) {
                *o++ = (char)v;
            } else {
                *o++ = (char)(0xc0 | v >> 6);
                *o++ = (char)(0x80 | (v & 0x3f));
            }
            p += 4;
        } else {
            *o++ = p[1];
            p += 2;
        }
    }
    return (brisk_str){d, (size_t)(o - d)};
}

bool bk_cookie_next(brisk_ctx *c, const char **pos, const char *end, brisk_str *key,
                    brisk_str *value) {
    for (const char *p = *pos; p && p <= end;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *ce = semi ? semi : end;
        const char *eq = memchr(p, '=', (size_t)(ce - p));
        /* "a=1" splits at its first '='; a chunk without one is a value with no name. */
        const char *ks = p, *ke = eq ? eq : p, *vs = eq ? eq + 1 : p, *ve = ce;
        strip(&ks, &ke);
        strip(&vs, &ve);
        p = semi ? semi + 1 : NULL;
        if (ke == ks && ve == vs) continue;
        *pos = p;
        *key = (brisk_str){ks, (size_t)(ke - ks)};
        *value = unquote(c, vs, ve);
        return true;
    }
    *pos = NULL;
    return false;
}
