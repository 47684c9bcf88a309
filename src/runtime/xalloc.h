/* Start-up allocations that cannot fail: brisk aborts on out-of-memory while it builds
 * its tables, as it does for request arenas. */
#ifndef BK_XALLOC_H
#define BK_XALLOC_H

#include <stdlib.h>
#include <string.h>

static inline void *bk_xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) abort();
    return p;
}

/* A copy of s, or NULL for NULL. */
static inline char *bk_xstrdup(const char *s) {
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) abort();
    return d;
}

#endif
