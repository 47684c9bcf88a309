/*
 * router.c — a byte-level radix tree with whole-segment parameter nodes.
 *
 * Literal bytes (slashes included) are stored on compressed edges, so "/users/me" and
 * "/usage" share the node for "/us". A node whose bytes so far end in '/' may also have
 * parameter children (one per convertor) and a catch-all; those are tried only after the
 * literal child fails, which gives the priority order documented in router.h. Matching is
 * a depth-first search that writes parameter values straight into the caller's match
 * struct and unwinds them simply by returning, so it needs no allocation. Where a node is
 * entered depends only on its parent's position, so backtracking visits each node at most
 * once: the worst case is linear in the tree, never exponential in the path.
 */
#include "app/router.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values double as the try order among parameter siblings: the narrower shapes first,
 * so "/n/{x:int}" gets "42" even if "/n/{x}" was registered before it. */
enum { CONV_INT, CONV_FLOAT, CONV_UUID, CONV_STR, CONV_PATH };
#define SEGMENT_CONVS CONV_PATH /* the convertors before path match one segment */

enum { METHOD_GET = 0, METHOD_HEAD = 1, MAX_METHODS = 64 };

typedef struct name_view {
    const char *p;
    uint32_t len;
} name_view;

typedef struct handler {
    uint32_t method;
    void *route;
    char *pattern;     /* owned copy; names point into it */
    name_view *names;  /* one per parameter, in path order */
} handler;

typedef struct node {
    char *prefix;             /* literal bytes consumed on entry; empty for parameters */
    uint32_t prefix_len;
    uint8_t conv;             /* parameter and catch-all nodes */
    uint8_t nparams;
    uint16_t nchildren;
    char *indices;            /* first byte of each literal child, parallel to children */
    struct node **children;
    uint8_t *lut;             /* byte -> slot + 1, once there are too many to scan */
    struct node *params[SEGMENT_CONVS]; /* at most one per convertor, sorted by it */
    struct node *catchall;
    uint32_t nhandlers;
    uint64_t registered;      /* methods with a handler here */
    uint64_t allowed;         /* registered, plus HEAD when GET is there */
    handler *handlers;
    char *allow;              /* allowed, spelled out for a 405 */
} node;

typedef struct method_name {
    char *name;
    uint32_t len;
} method_name;

struct bk_router {
    node root;
    method_name methods[MAX_METHODS];
    uint8_t sorted[MAX_METHODS];  /* method indices in Allow order */
    uint32_t nmethods;
    size_t allow_all_len;         /* every method joined with ", " */
    size_t nroutes;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void node_free(node *n)
{
    for (uint32_t i = 0; i < n->nchildren; i++) {
        node_free(n->children[i]);
        free(n->children[i]);
    }
    for (uint32_t i = 0; i < n->nparams; i++) {
        node_free(n->params[i]);
        free(n->params[i]);
    }
    if (n->catchall) {
        node_free(n->catchall);
        free(n->catchall);
    }
    for (uint32_t i = 0; i < n->nhandlers; i++) {
        free(n->handlers[i].pattern);
        free(n->handlers[i].names);
    }
    free(n->handlers);
    free(n->allow);
    free(n->children);
    free(n->indices);
    free(n->lut);
    free(n->prefix);
}

static int method_intern(bk_router *r, const char *name, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';

    uint32_t idx = r->nmethods++;
    r->methods[idx].name = copy;
    r->methods[idx].len = (uint32_t)len;

    uint32_t at = idx;
    while (at > 0 && strcmp(r->methods[r->sorted[at - 1]].name, copy) > 0) {
        r->sorted[at] = r->sorted[at - 1];
        at--;
    }
    r->sorted[at] = (uint8_t)idx;
    r->allow_all_len += len + (idx ? 2 : 0);
    return (int)idx;
}

/* Inline because the typical edge is a few bytes, where a libc call costs more than the
 * compare; eight bytes at a time covers the long shared prefixes of big APIs. */
static inline bool bytes_equal(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    while (n--)
        if (*a++ != *b++)
            return false;
    return true;
}

static int method_find(const bk_router *r, const char *name, size_t len)
{
    /* Most requests are GETs; spare them the table walk. */
    if (len == 3 && name[0] == 'G' && name[1] == 'E' && name[2] == 'T')
        return METHOD_GET;
    for (uint32_t i = 0; i < r->nmethods; i++)
        if (r->methods[i].len == len && bytes_equal(r->methods[i].name, name, len))
            return (int)i;
    return -1;
}

/* Writes the methods in mask, in Allow order, into buf (which the caller sized from
 * allow_all_len, so it cannot overflow). */
static void allow_format(const bk_router *r, uint64_t mask, char *buf)
{
    char *p = buf;
    for (uint32_t i = 0; i < r->nmethods; i++) {
        uint32_t idx = r->sorted[i];
        if (!(mask & ((uint64_t)1 << idx)))
            continue;
        if (p != buf) {
            *p++ = ',';
            *p++ = ' ';
        }
        memcpy(p, r->methods[idx].name, r->methods[idx].len);
        p += r->methods[idx].len;
    }
    *p = '\0';
}

bk_router *bk_router_new(void)
{
    bk_router *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    /* GET and HEAD get fixed indices because HEAD falls back to GET on every match. */
    if (method_intern(r, "GET", 3) != METHOD_GET || method_intern(r, "HEAD", 4) != METHOD_HEAD) {
        bk_router_free(r);
        return NULL;
    }
    return r;
}

void bk_router_free(bk_router *r)
{
    if (!r)
        return;
    node_free(&r->root);
    for (uint32_t i = 0; i < r->nmethods; i++)
        free(r->methods[i].name);
    free(r);
}

size_t bk_router_count(const bk_router *r)
{
    return r->nroutes;
}

/* ---------------------------------------------------------------------------------------
 * Pattern parsing
 * ------------------------------------------------------------------------------------- */

enum { PIECE_LITERAL, PIECE_PARAM };

typedef struct piece {
    uint8_t kind;
    uint8_t conv;
    const char *s;   /* literal bytes */
    uint32_t len;
} piece;

/* Literals and parameters alternate and the pattern starts with a literal '/'. */
#define MAX_PIECES (2 * BK_ROUTER_MAX_PARAMS + 1)

typedef struct parsed {
    piece pieces[MAX_PIECES];
    uint32_t npieces;
    name_view names[BK_ROUTER_MAX_PARAMS];
    uint32_t nnames;
} parsed;

static bool is_ident_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_ident(const char *s, size_t len)
{
    if (len == 0 || !is_ident_start(s[0]))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!is_ident_start(s[i]) && !(s[i] >= '0' && s[i] <= '9'))
            return false;
    return true;
}

static int conv_lookup(const char *s, size_t len)
{
    static const struct { const char *name; int conv; } table[] = {
        {"str", CONV_STR}, {"int", CONV_INT}, {"float", CONV_FLOAT},
        {"uuid", CONV_UUID}, {"path", CONV_PATH},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strlen(table[i].name) == len && memcmp(table[i].name, s, len) == 0)
            return table[i].conv;
    return -1;
}

/* Parses pat (the router's own copy, so names may point into it). */
static int pattern_parse(const char *pat, parsed *out, char *err, size_t errlen)
{
    out->npieces = 0;
    out->nnames = 0;
    if (pat[0] != '/')
        return fail(err, errlen, "route pattern \"%s\": must start with '/'", pat);

    /* Braces first, so "/a/{id}}" is reported as the typo it is rather than as a
     * parameter that does not end its segment. */
    size_t open = 0;
    bool inside = false;
    for (size_t i = 0; pat[i]; i++) {
        if (pat[i] == '{') {
            if (inside)
                break;
            inside = true;
            open = i;
        } else if (pat[i] == '}') {
            if (!inside)
                return fail(err, errlen, "route pattern \"%s\": unbalanced '}' at offset %zu",
                            pat, i);
            inside = false;
        }
    }
    if (inside)
        return fail(err, errlen, "route pattern \"%s\": unbalanced '{' at offset %zu", pat, open);

    size_t lit = 0, i = 0;
    while (pat[i]) {
        if (pat[i] != '{') {
            i++;
            continue;
        }
        size_t close = i + 1;
        open = i;
        while (pat[close] != '}')
            close++;

        const char *name = pat + open + 1;
        const char *colon = memchr(name, ':', close - open - 1);
        size_t name_len = colon ? (size_t)(colon - name) : close - open - 1;
        int conv = CONV_STR;
        if (name_len == 0)
            return fail(err, errlen, "route pattern \"%s\": empty parameter name at offset %zu",
                        pat, open);
        if (!is_ident(name, name_len))
            return fail(err, errlen, "route pattern \"%s\": parameter name \"%.*s\" is not an "
                        "identifier", pat, (int)name_len, name);
        if (colon) {
            size_t conv_len = (size_t)(pat + close - colon - 1);
            conv = conv_lookup(colon + 1, conv_len);
            if (conv < 0)
                return fail(err, errlen, "route pattern \"%s\": unknown convertor \"%.*s\" "
                            "(expected str, int, float, uuid or path)", pat, (int)conv_len,
                            colon + 1);
        }
        for (uint32_t k = 0; k < out->nnames; k++)
            if (out->names[k].len == name_len && memcmp(out->names[k].p, name, name_len) == 0)
                return fail(err, errlen, "route pattern \"%s\": duplicate parameter \"%.*s\"",
                            pat, (int)name_len, name);
        if (out->nnames == BK_ROUTER_MAX_PARAMS)
            return fail(err, errlen, "route pattern \"%s\": more than %d parameters", pat,
                        BK_ROUTER_MAX_PARAMS);
        if (conv == CONV_PATH && pat[close + 1] != '\0')
            return fail(err, errlen, "route pattern \"%s\": {%.*s:path} must be the last "
                        "segment", pat, (int)name_len, name);
        /* open > 0 because pat[0] is '/'. */
        if (pat[open - 1] != '/' || (pat[close + 1] != '/' && pat[close + 1] != '\0'))
            return fail(err, errlen, "route pattern \"%s\": parameter \"%.*s\" must be a whole "
                        "path segment", pat, (int)name_len, name);

        out->pieces[out->npieces++] = (piece){PIECE_LITERAL, 0, pat + lit, (uint32_t)(open - lit)};
        out->pieces[out->npieces++] = (piece){PIECE_PARAM, (uint8_t)conv, NULL, 0};
        out->names[out->nnames++] = (name_view){name, (uint32_t)name_len};
        i = lit = close + 1;
    }
    if (i > lit)
        out->pieces[out->npieces++] = (piece){PIECE_LITERAL, 0, pat + lit, (uint32_t)(i - lit)};
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Tree building
 * ------------------------------------------------------------------------------------- */

static node *node_new_literal(const char *s, size_t len)
{
    node *n = calloc(1, sizeof *n);
    char *prefix = malloc(len);
    if (!n || !prefix) {
        free(n);
        free(prefix);
        return NULL;
    }
    memcpy(prefix, s, len);
    n->prefix = prefix;
    n->prefix_len = (uint32_t)len;
    return n;
}

/* Past this many children a lookup table beats scanning indices. Patterns are C strings,
 * so no edge starts with NUL and at most 255 children exist: slot + 1 fits a byte. */
#define LUT_MIN_CHILDREN 5

static int node_add_child(node *n, node *child)
{
    if (n->nchildren + 1u >= LUT_MIN_CHILDREN && !n->lut) {
        if (!(n->lut = calloc(256, 1)))
            return -1;
        for (uint32_t i = 0; i < n->nchildren; i++)
            n->lut[(unsigned char)n->indices[i]] = (uint8_t)(i + 1);
    }
    char *indices = realloc(n->indices, n->nchildren + 1u);
    if (!indices)
        return -1;
    n->indices = indices;
    node **children = realloc(n->children, (n->nchildren + 1u) * sizeof *children);
    if (!children)
        return -1;
    n->children = children;
    n->indices[n->nchildren] = child->prefix[0];
    n->children[n->nchildren++] = child;
    if (n->lut)
        n->lut[(unsigned char)child->prefix[0]] = (uint8_t)n->nchildren;
    return 0;
}

/* Cuts child's edge after k bytes, putting a new node in its place that holds the first k
 * bytes and has child (with the remaining bytes) as its only literal child. */
static node *node_split(node *parent, uint32_t slot, uint32_t k)
{
    node *child = parent->children[slot];
    node *mid = node_new_literal(child->prefix, k);
    char *tail = malloc(child->prefix_len - k);
    if (!mid || !tail)
        goto fail;
    memcpy(tail, child->prefix + k, child->prefix_len - k);

    char *whole = child->prefix;
    child->prefix = tail;
    child->prefix_len -= k;
    if (node_add_child(mid, child) < 0) {
        child->prefix = whole;
        child->prefix_len += k;
        goto fail;
    }
    free(whole);
    parent->children[slot] = mid;
    return mid;

fail:
    if (mid)
        node_free(mid);
    free(mid);
    free(tail);
    return NULL;
}

static node *insert_literal(node *n, const char *s, size_t len)
{
    while (len > 0) {
        const char *hit = n->nchildren ? memchr(n->indices, s[0], n->nchildren) : NULL;
        if (!hit) {
            node *child = node_new_literal(s, len);
            if (!child)
                return NULL;
            if (node_add_child(n, child) < 0) {
                node_free(child);
                free(child);
                return NULL;
            }
            return child;
        }
        uint32_t slot = (uint32_t)(hit - n->indices);
        node *child = n->children[slot];
        uint32_t common = 1;
        while (common < child->prefix_len && common < len && child->prefix[common] == s[common])
            common++;
        if (common < child->prefix_len && !(child = node_split(n, slot, common)))
            return NULL;
        n = child;
        s += common;
        len -= common;
    }
    return n;
}

static node *insert_param(node *n, uint8_t conv)
{
    if (conv == CONV_PATH) {
        if (!n->catchall && !(n->catchall = calloc(1, sizeof *n->catchall)))
            return NULL;
        n->catchall->conv = conv;
        return n->catchall;
    }
    uint32_t at = 0;
    while (at < n->nparams && n->params[at]->conv < conv)
        at++;
    if (at < n->nparams && n->params[at]->conv == conv)
        return n->params[at];
    node *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->conv = conv;
    memmove(&n->params[at + 1], &n->params[at], (n->nparams - at) * sizeof n->params[0]);
    n->params[at] = p;
    n->nparams++;
    return p;
}

static bool is_tchar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

int bk_router_add(bk_router *r, const char *method, const char *pattern, void *route,
                  char *err, size_t errlen)
{
    if (!r || !method || !pattern)
        return fail(err, errlen, "bk_router_add: NULL argument");
    size_t method_len = strlen(method);
    if (method_len == 0)
        return fail(err, errlen, "route \"%s\": empty method", pattern);
    for (size_t i = 0; i < method_len; i++)
        if (!is_tchar(method[i]))
            return fail(err, errlen, "route \"%s\": method \"%s\" is not an HTTP token",
                        pattern, method);

    /* Checked before the tree changes so a rejected method leaves no trace. */
    int midx = method_find(r, method, method_len);
    if (midx < 0 && r->nmethods == MAX_METHODS)
        return fail(err, errlen, "route %s %s: more than %d distinct methods", method, pattern,
                    MAX_METHODS);
    if (midx < 0 && r->allow_all_len + 2 + method_len >= BK_ROUTER_ALLOW_MAX)
        return fail(err, errlen, "route %s %s: the distinct method names no longer fit an "
                    "Allow header of %d bytes", method, pattern, BK_ROUTER_ALLOW_MAX);

    handler h = {0};
    parsed ps;
    if (!(h.pattern = strdup(pattern)))
        return fail(err, errlen, "out of memory");
    if (pattern_parse(h.pattern, &ps, err, errlen) < 0)
        goto fail_quietly;
    if (ps.nnames) {
        if (!(h.names = malloc(ps.nnames * sizeof *h.names)))
            goto oom;
        memcpy(h.names, ps.names, ps.nnames * sizeof *h.names);
    }

    /* Nodes created here survive a later failure; they carry no handlers, so they cannot
     * change what any path matches. */
    node *n = &r->root;
    for (uint32_t i = 0; i < ps.npieces && n; i++) {
        const piece *pc = &ps.pieces[i];
        n = pc->kind == PIECE_LITERAL ? insert_literal(n, pc->s, pc->len) : insert_param(n, pc->conv);
    }
    if (!n)
        goto oom;

    for (uint32_t i = 0; midx >= 0 && i < n->nhandlers; i++)
        if (n->handlers[i].method == (uint32_t)midx) {
            fail(err, errlen, "route %s %s conflicts with %s %s, registered before", method,
                 pattern, method, n->handlers[i].pattern);
            goto fail_quietly;
        }

    handler *hs = realloc(n->handlers, (n->nhandlers + 1u) * sizeof *hs);
    if (!hs)
        goto oom;
    n->handlers = hs;
    char *allow = malloc(r->allow_all_len + method_len + 3);
    if (!allow)
        goto oom;
    if (midx < 0 && (midx = method_intern(r, method, method_len)) < 0) {
        free(allow);
        goto oom;
    }

    h.method = (uint32_t)midx;
    h.route = route;
    n->handlers[n->nhandlers++] = h;
    n->registered |= (uint64_t)1 << midx;
    n->allowed = n->registered;
    if (n->registered & ((uint64_t)1 << METHOD_GET))
        n->allowed |= (uint64_t)1 << METHOD_HEAD;
    allow_format(r, n->allowed, allow);
    free(n->allow);
    n->allow = allow;
    r->nroutes++;
    return 0;

oom:
    fail(err, errlen, "out of memory");
fail_quietly:
    free(h.pattern);
    free(h.names);
    return -1;
}

/* ---------------------------------------------------------------------------------------
 * Matching
 * ------------------------------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Shapes follow Starlette's convertor regexes; s is a non-empty segment without '/'. */
static bool conv_accepts(uint8_t conv, const char *s, size_t len)
{
    size_t i = 0;
    switch (conv) {
    case CONV_INT:
        while (i < len && is_digit(s[i]))
            i++;
        return i == len;
    case CONV_FLOAT: {
        while (i < len && is_digit(s[i]))
            i++;
        if (i == 0 || i == len)
            return i > 0;
        if (s[i] != '.')
            return false;
        size_t frac = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        return i > frac && i == len;
    }
    case CONV_UUID:
        if (len != 36)
            return false;
        for (; i < len; i++) {
            bool dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? s[i] != '-' : !is_hex(s[i]))
                return false;
        }
        return true;
    default:
        return true;
    }
}

typedef struct walk {
    const char *path;
    size_t len;
    int method;              /* -1: registered nowhere, so only a 404/405 is possible */
    bk_route_match *m;
    const handler *found;
    const node *first_seen;  /* first path-matching node that refused the method */
    uint64_t seen;           /* union of allowed methods over such nodes */
} walk;

static bool walk_end(walk *w, const node *n, uint32_t np)
{
    if (!n->nhandlers)
        return false;
    uint64_t want = w->method >= 0 ? (uint64_t)1 << w->method : 0;
    if (!(n->registered & want)) {
        if (w->method == METHOD_HEAD && (n->registered & ((uint64_t)1 << METHOD_GET))) {
            want = (uint64_t)1 << METHOD_GET;
        } else {
            if (!w->first_seen)
                w->first_seen = n;
            w->seen |= n->allowed;
            return false;
        }
    }
    uint32_t method = want == ((uint64_t)1 << METHOD_GET) ? METHOD_GET : (uint32_t)w->method;
    for (uint32_t i = 0; i < n->nhandlers; i++)
        if (n->handlers[i].method == method) {
            w->found = &n->handlers[i];
            w->m->nparams = np;
            return true;
        }
    return false; /* unreachable: registered says the handler exists */
}

/* The literal child whose edge s starts with, if s holds the whole edge. */
static inline const node *literal_child(const node *n, const char *s, size_t rest)
{
    const node *c = NULL;
    if (n->lut) {
        uint8_t slot = n->lut[(unsigned char)s[0]];
        if (slot)
            c = n->children[slot - 1];
    } else {
        for (uint32_t i = 0; i < n->nchildren; i++)
            if (n->indices[i] == s[0]) {
                c = n->children[i];
                break;
            }
    }
    if (!c || c->prefix_len > rest || !bytes_equal(c->prefix + 1, s + 1, c->prefix_len - 1))
        return NULL;
    return c;
}

static bool walk_node(walk *w, const node *n, size_t pos, uint32_t np)
{
    const char *path = w->path;
    size_t len = w->len;

    /* Descending into a literal child from a node with nothing else to try leaves nothing
     * to come back for, so those steps loop instead of recursing. */
    for (;;) {
        if (pos == len) {
            if (walk_end(w, n, np))
                return true;
            goto catchall;
        }
        const node *c = literal_child(n, path + pos, len - pos);
        if (!c)
            break;
        if (n->nparams || n->catchall) {
            if (walk_node(w, c, pos + c->prefix_len, np))
                return true;
            break;
        }
        n = c;
        pos += c->prefix_len;
    }

    if (n->nparams) {
        size_t end = pos;
        while (end < len && path[end] != '/')
            end++;
        if (end > pos) {
            for (uint32_t i = 0; i < n->nparams; i++) {
                const node *p = n->params[i];
                if (!conv_accepts(p->conv, path + pos, end - pos))
                    continue;
                w->m->params[np].value = path + pos;
                w->m->params[np].value_len = (uint32_t)(end - pos);
                if (walk_node(w, p, end, np + 1))
                    return true;
            }
        }
    }

catchall:
    if (n->catchall) {
        w->m->params[np].value = path + pos;
        w->m->params[np].value_len = (uint32_t)(len - pos);
        if (walk_end(w, n->catchall, np + 1))
            return true;
    }
    return false;
}

int bk_router_match(const bk_router *r, const char *method, size_t method_len,
                    const char *path, size_t path_len, bk_route_match *m)
{
    walk w = {path, path_len, method_find(r, method, method_len), m, NULL, NULL, 0};

    m->route = NULL;
    m->pattern = NULL;
    m->nparams = 0;
    m->allow = NULL;
    /* Parameter values are uint32_t lengths; longer paths are no request we serve. */
    if (path_len > UINT32_MAX)
        return BK_ROUTE_NOT_FOUND;

    if (walk_node(&w, &r->root, 0, 0)) {
        const handler *h = w.found;
        for (uint32_t i = 0; i < m->nparams; i++) {
            m->params[i].name = h->names[i].p;
            m->params[i].name_len = h->names[i].len;
        }
        m->route = h->route;
        m->pattern = h->pattern;
        return BK_ROUTE_FOUND;
    }
    if (!w.first_seen)
        return BK_ROUTE_NOT_FOUND;
    if (w.seen == w.first_seen->allowed) {
        m->allow = w.first_seen->allow;
    } else {
        allow_format(r, w.seen, m->allow_buf);
        m->allow = m->allow_buf;
    }
    return BK_ROUTE_METHOD_NOT_ALLOWED;
}
