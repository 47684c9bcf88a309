#include "model/json_write.h"

#include "model/dtoa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bk_json_init(brisk_json *j, bk_buf *out) {
    j->out = out;
    j->depth = 0;
    j->after_key = false;
    j->overflow = false;
    j->has_items[0] = 0;
}

/* Called before every value or key: writes the separating comma when one is due. */
static void sep(brisk_json *j) {
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->has_items[j->depth]) bk_buf_putc(j->out, ',');
    j->has_items[j->depth] = 1;
}

static void open(brisk_json *j, char ch) {
    sep(j);
    bk_buf_putc(j->out, ch);
    if (j->depth == BK_JSON_MAX_DEPTH) {
        j->overflow = true; /* the output is still balanced; the caller checks overflow */
        return;
    }
    j->has_items[++j->depth] = 0;
}

static void close_(brisk_json *j, char ch) {
    if (j->depth > 0) j->depth--;
    bk_buf_putc(j->out, ch);
}

void brisk_json_obj(brisk_json *j) { open(j, '{'); }
void brisk_json_end_obj(brisk_json *j) { close_(j, '}'); }
void brisk_json_arr(brisk_json *j) { open(j, '['); }
void brisk_json_end_arr(brisk_json *j) { close_(j, ']'); }

void brisk_json_key_n(brisk_json *j, const char *key, size_t len) {
    sep(j);
    bk_json_escape(j->out, key, len);
    bk_buf_putc(j->out, ':');
    j->after_key = true;
}

void brisk_json_key(brisk_json *j, const char *key) { brisk_json_key_n(j, key, strlen(key)); }

void brisk_json_string_n(brisk_json *j, const char *s, size_t len) {
    sep(j);
    if (!s) {
        bk_buf_lit(j->out, "null");
        return;
    }
    bk_json_escape(j->out, s, len);
}

void brisk_json_string(brisk_json *j, const char *s) {
    brisk_json_string_n(j, s, s ? strlen(s) : 0);
}

void brisk_json_int(brisk_json *j, int64_t v) {
    sep(j);
    if (v < 0) {
        bk_buf_putc(j->out, '-');
        bk_buf_u64(j->out, (unsigned long long)0 - (unsigned long long)v);
    } else {
        bk_buf_u64(j->out, (unsigned long long)v);
    }
}

void brisk_json_double(brisk_json *j, double v) {
    sep(j);
    char tmp[32];
    size_t n = bk_json_fmt_double(tmp, v);
    bk_buf_append(j->out, tmp, n);
}

void brisk_json_bool(brisk_json *j, bool v) {
    sep(j);
    if (v)
        bk_buf_lit(j->out, "true");
    else
        bk_buf_lit(j->out, "false");
}

void brisk_json_null(brisk_json *j) {
    sep(j);
    bk_buf_lit(j->out, "null");
}

void brisk_json_raw(brisk_json *j, const char *text, size_t len) {
    sep(j);
    bk_buf_append(j->out, text, len);
}

size_t bk_json_fmt_double(char out[32], double v) {
    if (!isfinite(v)) {
        memcpy(out, "null", 4);
        return 4;
    }
    return bk_dtoa(v, out);
}

/* Bytes that need work: '"', '\\', controls, and non-ASCII (validated as UTF-8). */
static const unsigned char needs_work[256] = {
    [0 ... 31] = 1, ['"'] = 1, ['\\'] = 1, [128 ... 255] = 1,
};

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    if (c >= 0xC2 && c <= 0xDF) {
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
        if (c == 0xED && s[1] > 0x9F) return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
        if (c == 0xF4 && s[1] > 0x8F) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

/* Eight bytes at a time: true when any is a control, '"', '\\' or non-ASCII (SWAR: a
 * borrow may flag a byte above a flagged one, never a word with none). */
static inline bool word_needs_work(const unsigned char *p) {
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t m = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | x;
    return (m & high) != 0;
}

static const char hex_digits[] = "0123456789abcdef";

/* Writes the escape of one ASCII byte that needs one; returns the bytes written. */
static inline size_t escape_ascii(char *o, unsigned char c) {
    static const char short_esc[32] = {['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
                                       ['\r'] = 'r'};
    o[0] = '\\';
    if (c == '"' || c == '\\') {
        o[1] = (char)c;
        return 2;
    }
    if (short_esc[c]) {
        o[1] = short_esc[c];
        return 2;
    }
    memcpy(o + 1, "u00", 3);
    o[4] = hex_digits[c >> 4];
    o[5] = hex_digits[c & 15];
    return 6;
}

/* Strings up to this long are written with room reserved for the worst case (every byte
 * six bytes long) and no call per run: most keys and values are short. */
#define SHORT_STRING 4096

static void escape_short(bk_buf *out, const unsigned char *s, size_t len) {
    size_t need = len * 6 + 2 + 8;
    if (out->cap - out->len < need) bk_buf_reserve(out, need);
    char *o = out->data + out->len;
    *o++ = '"';
    size_t i = 0;
    while (i < len) {
        while (i + 8 <= len && !word_needs_work(s + i)) {
            memcpy(o, s + i, 8);
            o += 8;
            i += 8;
        }
        /* A plain tail shorter than a word: the string's last eight bytes, overlapping
         * bytes already copied verbatim (they are plain too, so the output matches). */
        if (i < len && i + 8 > len && len >= 8 && !word_needs_work(s + len - 8)) {
            size_t back = i + 8 - len;
            memcpy(o - back, s + len - 8, 8);
            o += 8 - back;
            break;
        }
        while (i < len && !needs_work[s[i]]) *o++ = (char)s[i++];
        if (i == len) break;
        unsigned char c = s[i];
        if (c < 0x80) {
            o += escape_ascii(o, c);
            i++;
            continue;
        }
        /* Non-ASCII text: copy valid UTF-8 and the plain bytes between as one run. */
        size_t start = i;
        for (;;) {
            size_t n = utf8_len(s + i, len - i);
            if (!n) break;
            i += n;
            while (i < len && !needs_work[s[i]]) i++;
            if (i == len || s[i] < 0x80) break;
        }
        if (i > start) {
            memcpy(o, s + start, i - start);
            o += i - start;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3); /* U+FFFD: keep the output valid JSON */
            o += 3;
            i++;
        }
    }
    *o++ = '"';
    out->len = (size_t)(o - out->data);
}

void bk_json_escape(bk_buf *out, const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    if (len <= SHORT_STRING) {
        escape_short(out, s, len);
        return;
    }
    bk_buf_reserve(out, len + 2);
    bk_buf_putc(out, '"');
    size_t i = 0;
    while (i < len) {
        /* One copy per run of bytes that go out as they are, valid UTF-8 included. */
        size_t start = i;
        for (;;) {
            while (i + 8 <= len && !word_needs_work(s + i)) i += 8;
            while (i < len && !needs_work[s[i]]) i++;
            if (i == len || s[i] < 0x80) break;
            size_t n = utf8_len(s + i, len - i);
            if (!n) break;
            i += n;
        }
        if (i > start) bk_buf_append(out, s + start, i - start);
        if (i == len) break;
        unsigned char c = s[i];
        if (c >= 0x80) {
            bk_buf_lit(out, "\xEF\xBF\xBD"); /* U+FFFD: keep the output valid JSON */
            i++;
            continue;
        }
        char esc[6];
        bk_buf_append(out, esc, escape_ascii(esc, c));
        i++;
    }
    bk_buf_putc(out, '"');
}
