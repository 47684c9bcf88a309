/*
 * test_llhttp_corpus.c — drives brisk's HTTP/1.1 parser over llhttp's request corpus.
 *
 * Each corpus case is a markdown section: <!-- meta={...} -->, an ```http block (the raw
 * bytes, written with escapes) and a ```log block (llhttp's callbacks). We rebuild the bytes
 * the way llhttp's test harness does (test/md-test.ts), derive from the log what llhttp saw
 * (messages, their method, URL, fields, body, and how the stream ended), then run the same
 * bytes through bk_http_parse_head / bk_chunked_decode the way a connection would, fed in
 * one piece and split at several granularities, and require the same story.
 *
 * Cases for llhttp's lenient modes are skipped: brisk has no lenient mode. Where brisk's
 * policy (docs/http-policy.md) deliberately refuses what llhttp's strict mode accepts, the
 * case is listed in `deviations` with the reason, and the test checks that we do refuse it.
 * Any other disagreement fails the test.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/http_parser.h"

#ifndef BRISK_TESTDATA
#error "BRISK_TESTDATA must name the shared testdata directory"
#endif

#define CORPUS_DIR BRISK_TESTDATA "/llhttp/test/request"

static const struct deviation {
    const char *file, *heading, *why;
} deviations[] = {
    { "method.md", "SOURCE request with ICE",
      "brisk speaks HTTP only: ICE/1.0 (Icecast) is refused with 400" },
    { "method.md", "OPTIONS request with RTSP",
      "brisk speaks HTTP only: RTSP/1.0 is refused with 400" },
    { "method.md", "ANNOUNCE request with RTSP",
      "brisk speaks HTTP only: RTSP/1.0 is refused with 400" },
    { "sample.md", "No HTTP version",
      "HTTP/0.9 request lines (no version) are refused with 400" },
    { "transfer-encoding.md", "POST with `chunked` as last transfer-encoding",
      "codings other than chunked (here deflate) are not implemented: 501, not passed through" },
    { "transfer-encoding.md", "POST with `chunked` as last transfer-encoding (multiple headers)",
      "codings other than chunked (here deflate) are not implemented: 501, not passed through" },
};
#define NDEVIATIONS (sizeof deviations / sizeof deviations[0])

/* ---------------------------------------------------------------------------------------
 * Growable byte strings
 * ------------------------------------------------------------------------------------- */

typedef struct bytes { char *p; size_t n, cap; } bytes;

static void b_add(bytes *b, const void *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        cr_assert(b->p);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void b_addc(bytes *b, int c) { char ch = (char)c; b_add(b, &ch, 1); }
static void b_free(bytes *b) { free(b->p); *b = (bytes){ 0 }; }
static int b_eq(const bytes *b, const char *s, size_t n) {
    return b->n == n && (n == 0 || memcmp(b->p, s, n) == 0);
}

/* ---------------------------------------------------------------------------------------
 * One message, as llhttp logged it or as brisk parsed it
 * ------------------------------------------------------------------------------------- */

#define MAXF 64

typedef struct message {
    bytes method, url, names[MAXF], values[MAXF], body;
    int nfields;
    int head_done, complete;
    size_t head_end;      /* offset just past the head in the whole input */
    int minor;
    int chunked, keep_alive, upgrade;
    int64_t content_length;
} message;

enum outcome { OUT_END, OUT_PARTIAL, OUT_ERROR, OUT_UPGRADE, OUT_CLOSED };
static const char *const outcome_name[] = { "end", "partial", "error", "upgrade", "closed" };

#define MAXM 8
typedef struct story {
    message m[MAXM];
    int n;
    enum outcome out;
    int code; /* llhttp error code or brisk status */
} story;

static void story_free(story *s) {
    for (int i = 0; i < s->n; i++) {
        message *m = &s->m[i];
        b_free(&m->method), b_free(&m->url), b_free(&m->body);
        for (int j = 0; j < m->nfields; j++) b_free(&m->names[j]), b_free(&m->values[j]);
    }
    memset(s, 0, sizeof *s);
}

static message *story_new(story *s) {
    cr_assert(s->n < MAXM, "too many messages in one case");
    message *m = &s->m[s->n++];
    memset(m, 0, sizeof *m);
    m->content_length = -1;
    return m;
}

/* ---------------------------------------------------------------------------------------
 * Reading the corpus
 * ------------------------------------------------------------------------------------- */

typedef struct corpus_case {
    char file[64], heading[160];
    int line;
    char type[64];
    int skip_body;
    bytes input, log;
} corpus_case;

/* Appends the UTF-8 form of code point cp: the harness builds a JS string and hands it
   over UTF-8 encoded, so "\xff" arrives as two bytes. */
static void add_utf8(bytes *b, unsigned long cp) {
    if (cp < 0x80) {
        b_addc(b, (int)cp);
    } else if (cp < 0x800) {
        b_addc(b, (int)(0xC0 | cp >> 6)), b_addc(b, (int)(0x80 | (cp & 0x3F)));
    } else {
        cr_assert(cp < 0x10000, "escape out of range");
        b_addc(b, (int)(0xE0 | cp >> 12)), b_addc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
        b_addc(b, (int)(0x80 | (cp & 0x3F)));
    }
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
    return -1;
}

/* One replacement pass of md-test.ts: each `\<kind>` escape becomes its byte(s). The
   passes run in the harness's order, each over the previous one's output. */
static void unescape_pass(bytes *s, char kind) {
    bytes o = { 0 };
    for (size_t i = 0; i < s->n; i++) {
        char c = s->p[i], nx = i + 1 < s->n ? s->p[i + 1] : 0;
        if (c != '\\') {
            b_addc(&o, c);
            continue;
        }
        if (kind == 'x' && nx == 'x' && i + 2 < s->n && hex_digit(s->p[i + 2]) >= 0) {
            unsigned long v = 0; /* the harness's \\x([0-9a-fA-F]+) is greedy */
            size_t j = i + 2;
            while (j < s->n && hex_digit(s->p[j]) >= 0)
                v = v * 16 + (unsigned long)hex_digit(s->p[j++]);
            add_utf8(&o, v);
            i = j - 1;
        } else if (kind == '0' && nx >= '0' && nx <= '7') {
            unsigned long v = 0;
            size_t j = i + 1;
            while (j < s->n && j < i + 4 && s->p[j] >= '0' && s->p[j] <= '7')
                v = v * 8 + (unsigned long)(s->p[j] - '0'), j++;
            add_utf8(&o, v);
            i = j - 1;
        } else if (kind != 'x' && kind != '0' && nx == kind) {
            b_addc(&o, kind == 'r' ? '\r' : kind == 'n' ? '\n' : kind == 't' ? '\t' : '\f');
            i++;
        } else {
            b_addc(&o, c);
        }
    }
    b_free(s);
    *s = o;
}

/* The ```http block as llhttp's harness turns it into bytes. raw holds the block's lines,
   each followed by '\n'. */
static void build_input(const bytes *raw, bytes *out) {
    bytes s = { 0 };
    size_t n = raw->n;
    if (n > 0 && raw->p[n - 1] == '\n') n--; /* "remove trailing newline" */
    for (size_t i = 0; i < n; i++) {
        if (raw->p[i] == '\\' && i + 1 < n && raw->p[i + 1] == '\n') {
            i++; /* escaped newline: joined lines */
            continue;
        }
        if (raw->p[i] == '\n') b_add(&s, "\r\n", 2); /* every newline is CRLF */
        else b_addc(&s, raw->p[i]);
    }
    static const char passes[] = { 'r', 'n', 't', 'f', 'x', '0' };
    for (size_t k = 0; k < sizeof passes; k++) unescape_pass(&s, passes[k]);
    *out = s;
}

static void meta_string(const char *meta, const char *key, char *dst, size_t cap) {
    dst[0] = 0;
    const char *k = strstr(meta, key);
    if (!k) return;
    const char *q = strchr(k + strlen(key), '"');
    if (!q) return;
    const char *qe = strchr(q + 1, '"');
    size_t n = qe ? (size_t)(qe - q - 1) : 0;
    if (n >= cap) n = cap - 1;
    memcpy(dst, q + 1, n);
    dst[n] = 0;
}

static int meta_true(const char *meta, const char *key) {
    const char *k = strstr(meta, key);
    if (!k) return 0;
    k += strlen(key);
    while (*k == ' ' || *k == ':') k++;
    return strncmp(k, "true", 4) == 0;
}

/* Splits one markdown file into cases; returns how many. */
static int read_cases(const char *path, const char *fname, corpus_case **out) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    corpus_case *cases = NULL;
    int ncases = 0;
    char heading[160] = "", meta[512] = "";
    char line[8192];
    int lineno = 0, in = 0; /* in: 0 text, 1 http block, 2 log block */
    bytes raw = { 0 };
    corpus_case cur;
    memset(&cur, 0, sizeof cur);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (in) {
            if (strncmp(line, "```", 3) == 0) {
                if (in == 1) {
                    build_input(&raw, &cur.input);
                    b_free(&raw);
                } else {
                    cases = realloc(cases, (size_t)(ncases + 1) * sizeof *cases);
                    cr_assert(cases);
                    cases[ncases++] = cur;
                    memset(&cur, 0, sizeof cur);
                }
                in = 0;
            } else {
                b_add(in == 1 ? &raw : &cur.log, line, len);
            }
            continue;
        }
        if (line[0] == '#') {
            const char *h = line;
            while (*h == '#' || *h == ' ') h++;
            int hn = (int)strcspn(h, "\r\n");
            if (hn >= (int)sizeof heading) hn = (int)sizeof heading - 1;
            snprintf(heading, sizeof heading, "%.*s", hn, h);
        } else if (strncmp(line, "<!-- meta=", 10) == 0) {
            snprintf(meta, sizeof meta, "%.*s", (int)sizeof meta - 1, line + 10);
        } else if (strncmp(line, "```http", 7) == 0) {
            cr_assert(meta[0], "%s:%d: http block without meta", fname, lineno);
            snprintf(cur.file, sizeof cur.file, "%.*s", (int)sizeof cur.file - 1, fname);
            snprintf(cur.heading, sizeof cur.heading, "%.*s", (int)sizeof cur.heading - 1, heading);
            cur.line = lineno;
            meta_string(meta, "\"type\"", cur.type, sizeof cur.type);
            cur.skip_body = meta_true(meta, "\"skipBody\"");
            meta[0] = 0;
            in = 1;
        } else if (strncmp(line, "```log", 6) == 0) {
            cr_assert(cur.file[0], "%s:%d: log block without http block", fname, lineno);
            in = 2;
        }
    }
    fclose(f);
    cr_assert(in == 0, "%s: unterminated code block", fname);
    *out = cases;
    return ncases;
}

/* ---------------------------------------------------------------------------------------
 * llhttp's story, from the log
 * ------------------------------------------------------------------------------------- */

enum { F_KEEP_ALIVE = 0x1, F_CLOSE = 0x2, F_CONN_UPGRADE = 0x4, F_CHUNKED = 0x8,
       F_UPGRADE = 0x10, F_CONTENT_LENGTH = 0x20 };

static void read_log(const corpus_case *c, story *s) {
    memset(s, 0, sizeof *s);
    s->out = OUT_END;
    message *m = NULL;
    int last_field = 0; /* 1 after a header_field span, 2 after a header_value span */
    int finish = -1;
    const char *p = c->log.p, *end = c->log.p + c->log.n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(le - p), p);
        p = le + 1;
        if (strncmp(line, "off=", 4) != 0) continue;
        unsigned long off = strtoul(line + 4, NULL, 10);
        const char *ev = strchr(line, ' ');
        if (!ev) continue;
        ev++;
        unsigned long len;
        char kind[40];
        if (strcmp(ev, "message begin") == 0) {
            m = story_new(s);
            last_field = 0;
        } else if (sscanf(ev, "len=%lu span[%39[a-z_]]", &len, kind) == 2) {
            cr_assert(m && off + len <= c->input.n, "%s:%d: bad span", c->file, c->line);
            const char *sp = c->input.p + off;
            if (strcmp(kind, "method") == 0) {
                b_add(&m->method, sp, len);
            } else if (strcmp(kind, "url") == 0) {
                b_add(&m->url, sp, len);
            } else if (strcmp(kind, "header_field") == 0 && !m->head_done) {
                if (last_field != 1) {
                    cr_assert(m->nfields < MAXF);
                    m->nfields++;
                }
                b_add(&m->names[m->nfields - 1], sp, len);
                last_field = 1;
            } else if (strcmp(kind, "header_value") == 0 && !m->head_done) {
                b_add(&m->values[m->nfields - 1], sp, len);
                last_field = 2;
            } else if (strcmp(kind, "body") == 0) {
                b_add(&m->body, sp, len);
            }
        } else if (strncmp(ev, "headers complete", 16) == 0) {
            int major = 0, minor = 0;
            unsigned flags = 0;
            long long cl = 0;
            const char *v = strstr(ev, " v=");
            cr_assert(v && sscanf(v, " v=%d/%d flags=%x content_length=%lld", &major, &minor,
                                  &flags, &cl) == 4,
                      "%s:%d: bad log line %s", c->file, c->line, line);
            m->head_done = 1;
            m->head_end = off;
            m->minor = major == 1 ? minor : -1;
            m->chunked = !!(flags & F_CHUNKED);
            m->content_length = (flags & F_CONTENT_LENGTH) ? cl : -1;
            m->keep_alive = minor == 1 ? !(flags & F_CLOSE)
                                       : (flags & F_KEEP_ALIVE) && !(flags & F_CLOSE);
            m->upgrade = (flags & F_UPGRADE) && (flags & F_CONN_UPGRADE);
        } else if (strcmp(ev, "message complete") == 0) {
            m->complete = 1;
        } else if (sscanf(ev, "error code=%d", &s->code) == 1) {
            /* 22 is llhttp pausing at CONNECT/Upgrade: the rest is not HTTP any more.
               5 is data after a message that closes the connection. */
            s->out = s->code == 22 ? OUT_UPGRADE : s->code == 5 ? OUT_CLOSED : OUT_ERROR;
            break;
        } else if (sscanf(ev, "finish=%d", &finish) == 1) {
            /* llhttp_finish at EOF: 0 = between messages, 2 = mid-message */
        }
    }
    if (s->out == OUT_END && s->n > 0 && !s->m[s->n - 1].complete) s->out = OUT_PARTIAL;
    if (finish >= 0) cr_assert((finish == 2) == (s->out == OUT_PARTIAL), "%s:%d: finish=%d",
                               c->file, c->line, finish);
}

/* ---------------------------------------------------------------------------------------
 * brisk's story: the bytes fed as a connection would feed them
 * ------------------------------------------------------------------------------------- */

static int only_crlf(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

/* A copy of exactly the bytes received so far, so that ASan catches any read past them. */
static char *exact_copy(const char *s, size_t n) {
    char *c = malloc(n ? n : 1);
    cr_assert(c);
    memcpy(c, s, n);
    return c;
}

static void run_brisk(const bytes *input, size_t step, int skip_body, story *s) {
    static bk_http_header fields[MAXF];
    const bk_http_limits lim = { .max_head = 65536, .max_uri = 8192, .max_headers = MAXF };
    const char *in = input->p;
    size_t len = input->n, pos = 0;
    size_t avail = step < len ? step : len;
#define FEED() (avail = avail + step < len ? avail + step : len)
    memset(s, 0, sizeof *s);
    for (;;) {
        bk_http_request req = { .headers = fields };
        size_t scanned = 0;
        int r;
        for (;;) {
            char *copy = exact_copy(in + pos, avail - pos);
            r = bk_http_parse_head(copy, avail - pos, &scanned, &lim, &req);
            if (r != BK_HTTP_INCOMPLETE || avail == len) {
                if (r > 0) {
                    /* record before the copy goes; views are relative to it */
                    message *m = story_new(s);
                    b_add(&m->method, req.method, req.method_len);
                    b_add(&m->url, req.target, req.target_len);
                    for (uint32_t i = 0; i < req.nheaders; i++) {
                        b_add(&m->names[i], fields[i].name, fields[i].name_len);
                        b_add(&m->values[i], fields[i].value, fields[i].value_len);
                    }
                    m->nfields = (int)req.nheaders;
                    m->head_done = 1;
                    m->head_end = pos + (size_t)r;
                    m->minor = req.minor;
                    m->chunked = !!(req.flags & BK_REQ_CHUNKED);
                    m->keep_alive = !!(req.flags & BK_REQ_KEEP_ALIVE);
                    m->upgrade = !!(req.flags & BK_REQ_UPGRADE);
                    m->content_length = req.content_length;
                }
                free(copy);
                break;
            }
            free(copy);
            FEED();
        }
        if (r == BK_HTTP_INCOMPLETE) {
            if (only_crlf(in + pos, len - pos)) {
                s->out = OUT_END;
            } else {
                story_new(s);
                s->out = OUT_PARTIAL;
            }
            return;
        }
        if (r < 0) {
            story_new(s);
            s->out = OUT_ERROR;
            s->code = -r;
            return;
        }
        message *m = &s->m[s->n - 1];
        pos += (size_t)r;
        if (req.method_id == BK_METHOD_CONNECT) { /* a tunnel: no body, no more HTTP */
            m->complete = 1;
            s->out = OUT_UPGRADE;
            return;
        }
        if (!skip_body && (req.flags & BK_REQ_CHUNKED)) {
            bk_chunked d;
            bk_chunked_init(&d);
            for (;;) {
                if (avail == pos) {
                    if (avail == len) {
                        s->out = OUT_PARTIAL;
                        return;
                    }
                    FEED();
                    continue;
                }
                char *copy = exact_copy(in + pos, avail - pos);
                size_t used = 0, made = 0;
                int rc = bk_chunked_decode(&d, copy, avail - pos, copy, &used, &made);
                b_add(&m->body, copy, made);
                free(copy);
                pos += used;
                if (rc < 0) {
                    s->out = OUT_ERROR;
                    s->code = -rc;
                    return;
                }
                if (rc == 1) break;
                cr_assert(pos == avail, "decoder wanted more input but left some unconsumed");
            }
        } else if (!skip_body && req.content_length > 0) {
            uint64_t left = (uint64_t)req.content_length;
            while (left > 0) {
                if (avail == pos) {
                    if (avail == len) {
                        s->out = OUT_PARTIAL;
                        return;
                    }
                    FEED();
                    continue;
                }
                size_t take = avail - pos < left ? avail - pos : (size_t)left;
                b_add(&m->body, in + pos, take);
                pos += take;
                left -= take;
            }
        }
        m->complete = 1;
        if (req.flags & BK_REQ_UPGRADE) {
            s->out = OUT_UPGRADE;
            return;
        }
        /* Without keep-alive the connection reads no further (docs/http-policy.md). */
        if (!(req.flags & BK_REQ_KEEP_ALIVE) && !only_crlf(in + pos, len - pos)) {
            s->out = OUT_CLOSED;
            return;
        }
        if (pos == len) {
            s->out = OUT_END;
            return;
        }
        if (avail == pos) FEED();
    }
#undef FEED
}

/* ---------------------------------------------------------------------------------------
 * Comparing the two stories
 * ------------------------------------------------------------------------------------- */

static int trimmed_eq(const bytes *ours, const bytes *theirs) {
    /* llhttp's value span keeps trailing whitespace; RFC 9112 §5 says it is not part of the
       field value, and brisk drops it. */
    size_t n = theirs->n;
    while (n > 0 && (theirs->p[n - 1] == ' ' || theirs->p[n - 1] == '\t')) n--;
    return b_eq(ours, theirs->p, n);
}

static int same_head(const message *a, const message *e, char *why, size_t cap) {
    if (!b_eq(&a->method, e->method.p, e->method.n))
        return snprintf(why, cap, "method '%s' vs '%s'", a->method.p, e->method.p), 0;
    if (!b_eq(&a->url, e->url.p, e->url.n))
        return snprintf(why, cap, "target '%s' vs '%s'", a->url.p, e->url.p), 0;
    if (a->nfields != e->nfields)
        return snprintf(why, cap, "%d fields vs %d", a->nfields, e->nfields), 0;
    for (int i = 0; i < a->nfields; i++) {
        if (!b_eq(&a->names[i], e->names[i].p, e->names[i].n))
            return snprintf(why, cap, "field %d name '%s' vs '%s'", i, a->names[i].p,
                            e->names[i].p), 0;
        if (!trimmed_eq(&a->values[i], &e->values[i]))
            return snprintf(why, cap, "field %d value '%s' vs '%s'", i, a->values[i].p,
                            e->values[i].p), 0;
    }
    if (a->head_end != e->head_end)
        return snprintf(why, cap, "head ends at %zu vs %zu", a->head_end, e->head_end), 0;
    if (a->minor != e->minor) return snprintf(why, cap, "minor %d vs %d", a->minor, e->minor), 0;
    if (a->chunked != e->chunked)
        return snprintf(why, cap, "chunked %d vs %d", a->chunked, e->chunked), 0;
    if (a->content_length != e->content_length)
        return snprintf(why, cap, "content-length %lld vs %lld", (long long)a->content_length,
                        (long long)e->content_length), 0;
    if (a->keep_alive != e->keep_alive)
        return snprintf(why, cap, "keep-alive %d vs %d", a->keep_alive, e->keep_alive), 0;
    if (a->upgrade != e->upgrade)
        return snprintf(why, cap, "upgrade %d vs %d", a->upgrade, e->upgrade), 0;
    return 1;
}

/* 1 when brisk's story is llhttp's; otherwise 0 with the first difference in why. */
static int same_story(const story *a, const story *e, char *why, size_t cap) {
    if (a->out != e->out)
        return snprintf(why, cap, "brisk: %s (%d), llhttp: %s (code %d)", outcome_name[a->out],
                        a->code, outcome_name[e->out], e->code), 0;
    if (a->n != e->n) return snprintf(why, cap, "%d messages vs %d", a->n, e->n), 0;
    for (int i = 0; i < a->n; i++) {
        const message *am = &a->m[i], *em = &e->m[i];
        char sub[400];
        /* The message an error stops may have failed in its head for us and in its body
           for llhttp (e.g. an unknown coding is judged after the head): only rejection
           itself is compared there. */
        if (a->out == OUT_ERROR && i == a->n - 1) break;
        if (am->head_done != em->head_done)
            return snprintf(why, cap, "message %d: head done %d vs %d", i, am->head_done,
                            em->head_done), 0;
        if (am->head_done && !same_head(am, em, sub, sizeof sub))
            return snprintf(why, cap, "message %d: %s", i, sub), 0;
        if (!b_eq(&am->body, em->body.p, em->body.n))
            return snprintf(why, cap, "message %d: body '%s' vs '%s'", i, am->body.p,
                            em->body.p), 0;
        if (am->complete != em->complete)
            return snprintf(why, cap, "message %d: complete %d vs %d", i, am->complete,
                            em->complete), 0;
    }
    return 1;
}

/* ---------------------------------------------------------------------------------------
 * The test
 * ------------------------------------------------------------------------------------- */

static int md_filter(const struct dirent *d) {
    size_t n = strlen(d->d_name);
    return n > 3 && strcmp(d->d_name + n - 3, ".md") == 0;
}

Test(llhttp_corpus, every_strict_request_case) {
    struct dirent **files;
    int nfiles = scandir(CORPUS_DIR, &files, md_filter, alphasort);
    cr_assert(nfiles > 0, "llhttp request corpus missing at %s", CORPUS_DIR);

    int total = 0, agreed = 0, deviated = 0, failed = 0;
    int used_deviation[NDEVIATIONS] = { 0 };
    struct { char type[64]; int n; } skipped[32];
    int nskip_types = 0, nskipped = 0;
    static const size_t steps[] = { 0 /* whole */, 1, 2, 3, 7, 16 };

    for (int fi = 0; fi < nfiles; fi++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, files[fi]->d_name);
        corpus_case *cases;
        int ncases = read_cases(path, files[fi]->d_name, &cases);
        for (int ci = 0; ci < ncases; ci++) {
            corpus_case *c = &cases[ci];
            total++;
            if (strcmp(c->type, "request") != 0 && strcmp(c->type, "request-only") != 0 &&
                strcmp(c->type, "request-finish") != 0) {
                int k = 0;
                while (k < nskip_types && strcmp(skipped[k].type, c->type) != 0) k++;
                if (k == nskip_types) {
                    cr_assert(nskip_types < 32);
                    snprintf(skipped[k].type, sizeof skipped[k].type, "%.*s",
                             (int)sizeof skipped[k].type - 1, c->type);
                    skipped[k].n = 0;
                    nskip_types++;
                }
                skipped[k].n++;
                nskipped++;
                b_free(&c->input), b_free(&c->log);
                continue;
            }
            const struct deviation *dev = NULL;
            for (size_t k = 0; k < NDEVIATIONS; k++)
                if (strcmp(deviations[k].file, c->file) == 0 &&
                    strcmp(deviations[k].heading, c->heading) == 0)
                    dev = &deviations[k], used_deviation[k]++;

            story theirs, ours;
            read_log(c, &theirs);
            int ok = 1;
            for (size_t si = 0; si < sizeof steps / sizeof steps[0] && ok; si++) {
                size_t step = steps[si] ? steps[si] : c->input.n;
                char why[600];
                run_brisk(&c->input, step ? step : 1, c->skip_body, &ours);
                if (dev) {
                    if (ours.out != OUT_ERROR || theirs.out == OUT_ERROR) {
                        printf("llhttp_corpus: %s:%d \"%s\": listed deviation no longer "
                               "holds (brisk %s, llhttp %s)\n", c->file, c->line, c->heading,
                               outcome_name[ours.out], outcome_name[theirs.out]);
                        ok = 0;
                    }
                } else if (!same_story(&ours, &theirs, why, sizeof why)) {
                    printf("llhttp_corpus: DISAGREE %s:%d \"%s\" (split every %zu bytes): %s\n",
                           c->file, c->line, c->heading, step, why);
                    ok = 0;
                }
                story_free(&ours);
            }
            story_free(&theirs);
            if (!ok) failed++;
            else if (dev) deviated++;
            else agreed++;
            b_free(&c->input), b_free(&c->log);
        }
        free(cases);
        free(files[fi]);
    }
    free(files);

    printf("llhttp_corpus: %d cases: %d agreed, %d deviations, %d skipped, %d failed\n", total,
           agreed, deviated, nskipped, failed);
    for (int k = 0; k < nskip_types; k++)
        printf("llhttp_corpus:   skipped %d x type \"%s\" (lenient mode; brisk has none)\n",
               skipped[k].n, skipped[k].type);
    for (size_t k = 0; k < NDEVIATIONS; k++) {
        printf("llhttp_corpus:   deviation %s \"%s\": %s\n", deviations[k].file,
               deviations[k].heading, deviations[k].why);
        cr_expect(used_deviation[k] > 0, "deviation %s \"%s\" matches no corpus case",
                  deviations[k].file, deviations[k].heading);
    }
    fflush(stdout);
    cr_assert(agreed > 100, "suspiciously few cases agreed: %d", agreed);
    cr_assert_eq(failed, 0, "%d corpus cases disagree with brisk (see above)", failed);
}
