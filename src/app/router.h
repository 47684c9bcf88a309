/*
 * router.h — maps (method, path) to a route value with a radix tree.
 *
 * The tree is built once at start-up with bk_router_add() and is read-only afterwards, so
 * one router may be matched from any number of threads. bk_router_match() never allocates.
 *
 * Patterns
 *   A pattern starts with '/' and is made of literal bytes and parameters:
 *
 *     {name}          one non-empty segment (no '/'); same as {name:str}
 *     {name:int}      one segment of ASCII digits                      [0-9]+
 *     {name:float}    digits with an optional fraction                 [0-9]+(\.[0-9]+)?
 *     {name:uuid}     8-4-4-4-12 hex digits, either case (Starlette takes lower case only)
 *     {name:path}     the rest of the path, slashes included, possibly empty; last only
 *
 *   Names are identifiers ([A-Za-z_][A-Za-z0-9_]*), unique within a pattern. A parameter
 *   must be a whole segment: preceded by '/' and followed by '/' or the end. Starlette
 *   also allows "/{a}.{b}"; brisk rejects it, which keeps matching free of regex-style
 *   guessing. A convertor only constrains the shape of the bytes; turning "123" into a
 *   number (and range checks) is the api layer's job. At most BK_ROUTER_MAX_PARAMS
 *   parameters, the catch-all included.
 *
 * Which route wins
 *   At every node the router tries literal children first, then parameters in the order
 *   int, float, uuid, str, then the catch-all, and backtracks when a branch dead-ends. The
 *   first path-matching node (in that order) that accepts the method wins, so "/users/me"
 *   beats "/users/{id}", yet GET "/users/me" still reaches "/users/{id}" if "/users/me" was
 *   registered for POST only (as Starlette does, trying routes in turn).
 *
 *   A node accepts a method if the method was registered on it (case-sensitive, any token)
 *   or if the method is HEAD and GET was registered there; an explicit HEAD route wins over
 *   the implied one on the same node.
 *
 * Parameter names
 *   Parameter nodes are keyed by convertor only; names belong to each registered pattern.
 *   So "/a/{id}" and "/a/{name}/x" share one str node and each reports its own name, and
 *   "/a/{id}" and "/a/{id:int}" are two sibling nodes. Two patterns that reach the same node
 *   with the same method (e.g. GET "/a/{id}" then GET "/a/{name}") are a conflict and the
 *   second bk_router_add() fails, since it could never be matched.
 *
 * Results
 *   BK_ROUTE_FOUND               route, pattern, params (names and values) are set.
 *   BK_ROUTE_NOT_FOUND           no pattern matches the path.
 *   BK_ROUTE_METHOD_NOT_ALLOWED  some pattern matches the path, none with this method.
 *                                allow lists the union of methods of every matching node,
 *                                HEAD included wherever GET is, sorted by byte value and
 *                                joined with ", " (e.g. "DELETE, GET, HEAD, POST").
 *
 *   Parameter values are views into the path given to bk_router_match(): nothing is copied
 *   or decoded; pass a decoded path to match decoded bytes. Names and patterns are owned by
 *   the router. allow points into the router, or into m->allow_buf when several nodes
 *   contributed, so it lives as long as both.
 *
 * Limits, checked by bk_router_add(): at most 64 distinct methods, and all distinct method
 * names joined with ", " (GET and HEAD always counted) must fit in BK_ROUTER_ALLOW_MAX.
 */
#ifndef BK_APP_ROUTER_H
#define BK_APP_ROUTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct bk_router bk_router;

#define BK_ROUTER_MAX_PARAMS 16
#define BK_ROUTER_ALLOW_MAX  256

typedef struct bk_route_param {
    const char *name;
    uint32_t name_len;
    const char *value;
    uint32_t value_len;
} bk_route_param;

enum { BK_ROUTE_FOUND = 0, BK_ROUTE_NOT_FOUND = 1, BK_ROUTE_METHOD_NOT_ALLOWED = 2 };

typedef struct bk_route_match {
    void *route;               /* value given to bk_router_add */
    const char *pattern;       /* the registered pattern string (owned by the router) */
    bk_route_param params[BK_ROUTER_MAX_PARAMS];
    uint32_t nparams;
    const char *allow;         /* for METHOD_NOT_ALLOWED: "GET, HEAD, POST", NUL-terminated */
    char allow_buf[BK_ROUTER_ALLOW_MAX]; /* backs allow when several nodes matched */
} bk_route_match;

bk_router *bk_router_new(void);
void bk_router_free(bk_router *r);

/* 0 on success; -1 with a message in err (NUL-terminated, truncated to errlen; err may be
 * NULL). A failed add leaves matching behaviour unchanged. */
int bk_router_add(bk_router *r, const char *method, const char *pattern, void *route,
                  char *err, size_t errlen);

/* Returns one of BK_ROUTE_*; fills m accordingly. Never allocates. */
int bk_router_match(const bk_router *r, const char *method, size_t method_len,
                    const char *path, size_t path_len, bk_route_match *m);

/* Number of routes (method + pattern pairs) registered. */
size_t bk_router_count(const bk_router *r);

#endif
