/* Growable byte buffers, used for connection input and output. */
#ifndef BK_BUF_H
#define BK_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct bk_buf {
    char *data;
    size_t len;
    size_t cap;
} bk_buf;

/* Ensures room for `extra` more bytes; aborts on out-of-memory (a server that cannot
 * allocate a few KiB has no useful way to continue serving that connection either). */
void bk_buf_reserve(bk_buf *b, size_t extra);
void bk_buf_free(bk_buf *b);

static inline void bk_buf_append(bk_buf *b, const void *p, size_t n) {
    if (b->cap - b->len < n) bk_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void bk_buf_putc(bk_buf *b, char ch) {
    if (b->cap == b->len) bk_buf_reserve(b, 1);
    b->data[b->len++] = ch;
}

#define bk_buf_lit(b, lit) bk_buf_append((b), (lit), sizeof(lit) - 1)

/* Writes the decimal form of v; returns the number of digits. */
size_t bk_fmt_u64(char *out, unsigned long long v);

static inline size_t bk_u64_digits(unsigned long long v) {
    size_t n = 1;
    while (v >= 10000) v /= 10000, n += 4;
    return n + (v >= 10) + (v >= 100) + (v >= 1000);
}
void bk_buf_u64(bk_buf *b, unsigned long long v);

#endif
