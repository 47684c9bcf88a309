#include "runtime/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bk_arena_chunk {
    bk_arena_chunk *next;
    size_t size;
    _Alignas(16) char data[];
};

void bk_arena_init(bk_arena *a, void *block, size_t size) {
    a->first = block;
    a->first_end = block ? (char *)block + size : NULL;
    a->ptr = a->first;
    a->end = a->first_end;
    a->chunks = NULL;
}

static char *align16(char *p) {
    return (char *)(((uintptr_t)p + 15) & ~(uintptr_t)15);
}

void *bk_arena_alloc(bk_arena *a, size_t size) {
    if (size == 0) size = 1;
    char *p = a->ptr ? align16(a->ptr) : NULL;
    if (p && p <= a->end && (size_t)(a->end - p) >= size) {
        a->ptr = p + size;
        return p;
    }
    /* Grow geometrically so a request building a large body makes O(log n) mallocs. */
    size_t last = a->chunks ? a->chunks->size : 4096;
    size_t csize = last * 2 > size ? last * 2 : size;
    bk_arena_chunk *c = malloc(sizeof *c + csize);
    if (!c) {
        fputs("brisk: out of memory\n", stderr);
        abort();
    }
    c->next = a->chunks;
    c->size = csize;
    a->chunks = c;
    a->ptr = c->data + size;
    a->end = c->data + csize;
    return c->data;
}

char *bk_arena_strndup(bk_arena *a, const char *s, size_t n) {
    char *p = bk_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void bk_arena_reset(bk_arena *a) {
    bk_arena_chunk *c = a->chunks;
    while (c) {
        bk_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->chunks = NULL;
    a->ptr = a->first;
    a->end = a->first_end;
}
