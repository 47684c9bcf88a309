/* Request arenas: bump allocation, everything freed in one go when the request ends. */
#ifndef BK_ARENA_H
#define BK_ARENA_H

#include <stddef.h>

typedef struct bk_arena_chunk bk_arena_chunk;

typedef struct bk_arena {
    char *ptr, *end;          /* free space in the current chunk */
    bk_arena_chunk *chunks;   /* overflow chunks, malloc'd, freed on reset */
    char *first, *first_end;  /* the initial block, owned by the caller */
} bk_arena;

/* `block` (may be NULL) is the caller's memory the arena starts in, so a warm request
 * allocates nothing from malloc for its first `size` bytes. */
void bk_arena_init(bk_arena *a, void *block, size_t size);
void *bk_arena_alloc(bk_arena *a, size_t size);  /* 16-byte aligned; aborts on OOM */
char *bk_arena_strndup(bk_arena *a, const char *s, size_t n);
/* Frees overflow chunks and rewinds to the initial block. */
void bk_arena_reset(bk_arena *a);

#endif
