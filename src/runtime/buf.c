#include "runtime/buf.h"

#include <stdio.h>
#include <stdlib.h>

void bk_buf_reserve(bk_buf *b, size_t extra) {
    if (b->cap - b->len >= extra) return;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->len < extra) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        fputs("brisk: out of memory\n", stderr);
        abort();
    }
    b->data = p;
    b->cap = cap;
}

void bk_buf_free(bk_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

size_t bk_fmt_u64(char *out, unsigned long long v) {
    size_t n = bk_u64_digits(v);
    char *p = out + n;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return n;
}

void bk_buf_u64(bk_buf *b, unsigned long long v) {
    bk_buf_reserve(b, 24);
    b->len += bk_fmt_u64(b->data + b->len, v);
}
