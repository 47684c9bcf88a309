/* Unit tests for the radix-tree router (src/app/router.c). */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "app/router.h"

/* Route values are just distinct addresses; the tests compare them by identity. */
static int rt_v[2048];
#define V(i) ((void *)&rt_v[i])

static bk_router *rt_r;

static void rt_setup(void)
{
    rt_r = bk_router_new();
    cr_assert_not_null(rt_r);
}

static void rt_teardown(void)
{
    bk_router_free(rt_r);
    rt_r = NULL;
}

static void rt_add(const char *method, const char *pattern, void *route)
{
    char err[256] = "";
    int rc = bk_router_add(rt_r, method, pattern, route, err, sizeof err);
    cr_assert_eq(rc, 0, "add %s %s failed: %s", method, pattern, err);
}

/* Expects the add to fail and the message to mention `needle`. */
static void rt_add_fails(const char *method, const char *pattern, const char *needle)
{
    char err[256] = "";
    int rc = bk_router_add(rt_r, method, pattern, V(0), err, sizeof err);
    cr_assert_eq(rc, -1, "add %s %s unexpectedly succeeded", method, pattern);
    cr_assert_not_null(strstr(err, needle), "add %s %s: message \"%s\" lacks \"%s\"", method,
                       pattern, err, needle);
}

static int rt_match(const char *method, const char *path, bk_route_match *m)
{
    return bk_router_match(rt_r, method, strlen(method), path, strlen(path), m);
}

static void rt_found(const char *method, const char *path, void *route)
{
    bk_route_match m;
    int rc = rt_match(method, path, &m);
    cr_assert_eq(rc, BK_ROUTE_FOUND, "%s %s: rc %d", method, path, rc);
    cr_assert_eq(m.route, route, "%s %s matched %s", method, path, m.pattern);
}

static void rt_not_found(const char *method, const char *path)
{
    bk_route_match m;
    int rc = rt_match(method, path, &m);
    cr_assert_eq(rc, BK_ROUTE_NOT_FOUND, "%s %s: rc %d (pattern %s)", method, path, rc,
                 m.pattern ? m.pattern : "-");
    cr_assert_null(m.allow);
}

static void rt_not_allowed(const char *method, const char *path, const char *allow)
{
    bk_route_match m;
    int rc = rt_match(method, path, &m);
    cr_assert_eq(rc, BK_ROUTE_METHOD_NOT_ALLOWED, "%s %s: rc %d", method, path, rc);
    cr_assert_str_eq(m.allow, allow);
    cr_assert_null(m.route);
}

/* Checks parameter i of a successful match by name and value. */
static void rt_param(const bk_route_match *m, uint32_t i, const char *name, const char *value)
{
    cr_assert_lt(i, m->nparams);
    cr_assert_eq(m->params[i].name_len, strlen(name));
    cr_assert_eq(memcmp(m->params[i].name, name, strlen(name)), 0, "param %u name %.*s", i,
                 (int)m->params[i].name_len, m->params[i].name);
    cr_assert_eq(m->params[i].value_len, strlen(value), "param %s is \"%.*s\"", name,
                 (int)m->params[i].value_len, m->params[i].value);
    cr_assert_eq(memcmp(m->params[i].value, value, strlen(value)), 0);
}

TestSuite(router, .init = rt_setup, .fini = rt_teardown);

Test(router, literals)
{
    rt_add("GET", "/", V(1));
    rt_add("GET", "/about", V(2));
    rt_add("GET", "/abc", V(3));
    rt_add("GET", "/a", V(4));
    rt_add("GET", "/a/b/c", V(5));
    rt_add("GET", "/usage", V(6));
    rt_add("GET", "/users", V(7));

    rt_found("GET", "/", V(1));
    rt_found("GET", "/about", V(2));
    rt_found("GET", "/abc", V(3));
    rt_found("GET", "/a", V(4));
    rt_found("GET", "/a/b/c", V(5));
    rt_found("GET", "/usage", V(6));
    rt_found("GET", "/users", V(7));

    rt_not_found("GET", "/ab");
    rt_not_found("GET", "/abcd");
    rt_not_found("GET", "/a/b");
    rt_not_found("GET", "/us");
    rt_not_found("GET", "/About");
    rt_not_found("GET", "");
    rt_not_found("GET", "about");

    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/about", &m), BK_ROUTE_FOUND);
    cr_assert_str_eq(m.pattern, "/about");
    cr_assert_eq(m.nparams, 0);
    cr_assert_eq(bk_router_count(rt_r), 7);
}

Test(router, root_only)
{
    rt_add("GET", "/", V(1));
    rt_found("GET", "/", V(1));
    rt_not_found("GET", "//");
    rt_not_found("GET", "/x");
    rt_not_found("GET", "");
}

Test(router, trailing_slash_distinct)
{
    rt_add("GET", "/a", V(1));
    rt_add("GET", "/a/", V(2));
    rt_add("GET", "/b/", V(3));
    rt_add("GET", "/u/{id}", V(4));
    rt_found("GET", "/a", V(1));
    rt_found("GET", "/a/", V(2));
    rt_found("GET", "/b/", V(3));
    rt_not_found("GET", "/b");
    rt_found("GET", "/u/1", V(4));
    rt_not_found("GET", "/u/1/");
    rt_not_found("GET", "/u/");
}

Test(router, params)
{
    rt_add("GET", "/users/{id}", V(1));
    rt_add("GET", "/users/{user_id}/posts/{post_id}", V(2));
    rt_add("GET", "/{a}/{b}/{c}/{d}", V(3));

    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/users/42", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    cr_assert_eq(m.nparams, 1);
    rt_param(&m, 0, "id", "42");

    cr_assert_eq(rt_match("GET", "/users/alice/posts/hello-world", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    cr_assert_str_eq(m.pattern, "/users/{user_id}/posts/{post_id}");
    cr_assert_eq(m.nparams, 2);
    rt_param(&m, 0, "user_id", "alice");
    rt_param(&m, 1, "post_id", "hello-world");

    /* Raw bytes: the router neither decodes nor rejects odd characters. */
    cr_assert_eq(rt_match("GET", "/users/a%2Fb.c~d", &m), BK_ROUTE_FOUND);
    rt_param(&m, 0, "id", "a%2Fb.c~d");

    cr_assert_eq(rt_match("GET", "/w/x/y/z", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(3));
    rt_param(&m, 0, "a", "w");
    rt_param(&m, 3, "d", "z");

    /* A parameter never matches an empty segment or crosses a '/'. */
    rt_not_found("GET", "/users/");
    rt_not_found("GET", "/users//posts/1");
    rt_not_found("GET", "/users/1/posts/");
    rt_not_found("GET", "/users/1/posts/2/3");
}

Test(router, params_are_views_into_path)
{
    rt_add("GET", "/a/{x}/b/{y}", V(1));
    rt_add("GET", "/f/{rest:path}", V(2));

    /* Not NUL-terminated after the path, to show nothing reads past path_len. */
    char buf[] = "/a/first/b/secondXXXX";
    size_t len = strlen("/a/first/b/second");
    bk_route_match m;
    cr_assert_eq(bk_router_match(rt_r, "GET", 3, buf, len, &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.params[0].value, buf + 3);
    cr_assert_eq(m.params[0].value_len, 5);
    cr_assert_eq(m.params[1].value, buf + 11);
    cr_assert_eq(m.params[1].value_len, 6);

    char buf2[] = "/f/x/y";
    cr_assert_eq(bk_router_match(rt_r, "GET", 3, buf2, 6, &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.params[0].value, buf2 + 3);
    cr_assert_eq(m.params[0].value_len, 3);

    /* A shorter path_len over the same bytes matches only what it covers. */
    cr_assert_eq(bk_router_match(rt_r, "GET", 3, buf, 8, &m), BK_ROUTE_NOT_FOUND);
}

Test(router, convertors)
{
    rt_add("GET", "/i/{n:int}", V(1));
    rt_add("GET", "/f/{x:float}", V(2));
    rt_add("GET", "/u/{id:uuid}", V(3));
    rt_add("GET", "/s/{s:str}", V(4));

    rt_found("GET", "/i/0", V(1));
    rt_found("GET", "/i/00123456789012345678901234567890", V(1));
    rt_not_found("GET", "/i/-1");
    rt_not_found("GET", "/i/1.5");
    rt_not_found("GET", "/i/12a");
    rt_not_found("GET", "/i/");

    rt_found("GET", "/f/3", V(2));
    rt_found("GET", "/f/3.25", V(2));
    rt_not_found("GET", "/f/3.");
    rt_not_found("GET", "/f/.5");
    rt_not_found("GET", "/f/1.2.3");
    rt_not_found("GET", "/f/1e5");
    rt_not_found("GET", "/f/-1.0");

    rt_found("GET", "/u/123e4567-e89b-12d3-a456-426614174000", V(3));
    rt_found("GET", "/u/123E4567-E89B-12D3-A456-426614174000", V(3));
    rt_not_found("GET", "/u/123e4567e89b12d3a456426614174000");
    rt_not_found("GET", "/u/123e4567-e89b-12d3-a456-42661417400");
    rt_not_found("GET", "/u/123e4567-e89b-12d3-a456-4266141740000");
    rt_not_found("GET", "/u/g23e4567-e89b-12d3-a456-426614174000");
    rt_not_found("GET", "/u/123e4567-e89b-12d3-a456_426614174000");

    rt_found("GET", "/s/anything.at-all", V(4));
    rt_not_found("GET", "/s/");
}

Test(router, convertor_priority)
{
    /* Registered widest first, to show the order comes from the convertor, not the call. */
    rt_add("GET", "/n/{s}", V(1));
    rt_add("GET", "/n/{u:uuid}", V(2));
    rt_add("GET", "/n/{f:float}", V(3));
    rt_add("GET", "/n/{i:int}", V(4));
    rt_add("GET", "/n/{p:path}", V(5));

    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/n/42", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(4));
    rt_param(&m, 0, "i", "42");
    cr_assert_eq(rt_match("GET", "/n/4.2", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(3));
    rt_param(&m, 0, "f", "4.2");
    rt_found("GET", "/n/123e4567-e89b-12d3-a456-426614174000", V(2));
    rt_found("GET", "/n/hello", V(1));
    cr_assert_eq(rt_match("GET", "/n/a/b", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(5));
    rt_param(&m, 0, "p", "a/b");
    rt_found("GET", "/n/", V(5));
}

Test(router, convertor_backtracks_to_wider)
{
    /* "/x/12/b" enters the int node first, dead-ends there, and must fall back to str. */
    rt_add("GET", "/x/{i:int}/a", V(1));
    rt_add("GET", "/x/{s}/b", V(2));
    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/x/12/b", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    rt_param(&m, 0, "s", "12");
    cr_assert_eq(rt_match("GET", "/x/12/a", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    rt_param(&m, 0, "i", "12");
    rt_not_found("GET", "/x/ab/a");
}

Test(router, catch_all)
{
    rt_add("GET", "/files/{p:path}", V(1));
    rt_add("GET", "/files/special", V(2));
    rt_add("GET", "/files/special/{name}", V(3));
    rt_add("GET", "/{all:path}", V(4));

    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/files/a/b/c.txt", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    cr_assert_eq(m.nparams, 1);
    rt_param(&m, 0, "p", "a/b/c.txt");

    cr_assert_eq(rt_match("GET", "/files/", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    rt_param(&m, 0, "p", "");

    cr_assert_eq(rt_match("GET", "/files//x/", &m), BK_ROUTE_FOUND);
    rt_param(&m, 0, "p", "/x/");

    rt_found("GET", "/files/special", V(2));
    rt_found("GET", "/files/special/x", V(3));
    cr_assert_eq(rt_match("GET", "/files/special/x/y", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    rt_param(&m, 0, "p", "special/x/y");
    cr_assert_eq(rt_match("GET", "/files/specialist", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    rt_param(&m, 0, "p", "specialist");

    /* "/files" has no trailing slash, so only the root catch-all takes it. */
    cr_assert_eq(rt_match("GET", "/files", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(4));
    rt_param(&m, 0, "all", "files");
    cr_assert_eq(rt_match("GET", "/", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(4));
    rt_param(&m, 0, "all", "");
    rt_not_found("GET", "");
}

Test(router, catch_all_after_params)
{
    rt_add("GET", "/repos/{owner}/{repo}/contents/{path:path}", V(1));
    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/repos/me/brisk/contents/src/app/router.c", &m),
                 BK_ROUTE_FOUND);
    cr_assert_eq(m.nparams, 3);
    rt_param(&m, 0, "owner", "me");
    rt_param(&m, 1, "repo", "brisk");
    rt_param(&m, 2, "path", "src/app/router.c");
    rt_not_found("GET", "/repos/me/brisk/contents");
}

Test(router, priority_and_backtracking)
{
    rt_add("GET", "/users/me", V(1));
    rt_add("GET", "/users/{id}/posts", V(2));
    rt_add("GET", "/users/{id}", V(3));
    rt_add("GET", "/users/meta/x", V(4));

    rt_found("GET", "/users/me", V(1));
    rt_found("GET", "/users/42", V(3));
    rt_found("GET", "/users/42/posts", V(2));
    rt_found("GET", "/users/meta/x", V(4));

    /* Each of these walks into the literal branch first and must back out. */
    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/users/me/posts", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    rt_param(&m, 0, "id", "me");
    cr_assert_eq(rt_match("GET", "/users/mex", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(3));
    rt_param(&m, 0, "id", "mex");
    cr_assert_eq(rt_match("GET", "/users/meta", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(3));
    cr_assert_eq(rt_match("GET", "/users/meta/posts", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    rt_param(&m, 0, "id", "meta");
    cr_assert_eq(rt_match("GET", "/users/m", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(3));
    rt_not_found("GET", "/users/meta/y");
}

Test(router, deep_backtracking_restores_params)
{
    /* The first branch binds two parameters before failing; the winner binds different
     * ones, and nparams must reflect only the winner's. */
    rt_add("GET", "/{a}/{b}/x", V(1));
    rt_add("GET", "/{a}/lit/{c}/y", V(2));
    rt_add("GET", "/p/{z}", V(3));
    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/p/lit/q/y", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    cr_assert_eq(m.nparams, 2);
    rt_param(&m, 0, "a", "p");
    rt_param(&m, 1, "c", "q");
    cr_assert_eq(rt_match("GET", "/p/lit/x", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    rt_param(&m, 1, "b", "lit");
    cr_assert_eq(rt_match("GET", "/p/q", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(3));
    cr_assert_eq(m.nparams, 1);
    rt_param(&m, 0, "z", "q");
}

Test(router, backtracking_across_methods)
{
    /* Starlette tries routes in turn, so a literal registered for POST does not hide a
     * parameter route registered for GET. */
    rt_add("POST", "/users/me", V(1));
    rt_add("GET", "/users/{id}", V(2));
    rt_found("POST", "/users/me", V(1));
    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/users/me", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    rt_param(&m, 0, "id", "me");
    rt_found("HEAD", "/users/me", V(2));
    /* Both nodes match the path; Allow is their union. */
    rt_not_allowed("PUT", "/users/me", "GET, HEAD, POST");
    rt_not_allowed("PUT", "/users/7", "GET, HEAD");
    rt_not_allowed("POST", "/users/7", "GET, HEAD");
}

Test(router, shared_param_node_keeps_each_patterns_names)
{
    rt_add("GET", "/a/{id}", V(1));
    rt_add("GET", "/a/{name}/x", V(2));
    rt_add("POST", "/a/{key}", V(3));
    rt_add("GET", "/a/{num:int}/y", V(4));
    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/a/7", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(1));
    rt_param(&m, 0, "id", "7");
    cr_assert_eq(rt_match("GET", "/a/7/x", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    rt_param(&m, 0, "name", "7");
    cr_assert_eq(rt_match("POST", "/a/7", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(3));
    rt_param(&m, 0, "key", "7");
    cr_assert_eq(rt_match("GET", "/a/7/y", &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(4));
    rt_param(&m, 0, "num", "7");
    rt_not_found("GET", "/a/z/y");
}

Test(router, not_found_vs_method_not_allowed)
{
    rt_add("GET", "/items", V(1));
    rt_add("POST", "/items", V(2));
    rt_add("DELETE", "/items/{id}", V(3));
    rt_add("PUT", "/items/{id}", V(4));
    rt_add("PATCH", "/items/{id}", V(5));

    rt_found("GET", "/items", V(1));
    rt_found("POST", "/items", V(2));
    rt_not_allowed("PUT", "/items", "GET, HEAD, POST");
    rt_not_allowed("DELETE", "/items", "GET, HEAD, POST");
    rt_not_allowed("GET", "/items/3", "DELETE, PATCH, PUT");
    rt_not_allowed("HEAD", "/items/3", "DELETE, PATCH, PUT");
    /* A method registered nowhere, and methods are case-sensitive. */
    rt_not_allowed("BREW", "/items", "GET, HEAD, POST");
    rt_not_allowed("get", "/items", "GET, HEAD, POST");
    rt_not_found("GET", "/item");
    rt_not_found("BREW", "/nothing");
    rt_not_found("GET", "/items/");

    /* A single matching node hands out its own string, the same every time. */
    bk_route_match m1, m2;
    cr_assert_eq(rt_match("PUT", "/items", &m1), BK_ROUTE_METHOD_NOT_ALLOWED);
    cr_assert_eq(rt_match("PATCH", "/items", &m2), BK_ROUTE_METHOD_NOT_ALLOWED);
    cr_assert_eq(m1.allow, m2.allow);
    cr_assert_null(m1.pattern);
}

Test(router, allow_union_over_param_and_catch_all)
{
    rt_add("GET", "/d/{x:int}", V(1));
    rt_add("PUT", "/d/{x}", V(2));
    rt_add("OPTIONS", "/d/{rest:path}", V(3));
    rt_add("DELETE", "/d/5", V(4));
    bk_route_match m;
    cr_assert_eq(rt_match("POST", "/d/5", &m), BK_ROUTE_METHOD_NOT_ALLOWED);
    cr_assert_str_eq(m.allow, "DELETE, GET, HEAD, OPTIONS, PUT");
    cr_assert_eq(m.allow, m.allow_buf);
    rt_not_allowed("POST", "/d/abc", "OPTIONS, PUT");
    rt_not_allowed("POST", "/d/a/b", "OPTIONS");
    rt_found("OPTIONS", "/d/5", V(3));
    rt_found("PUT", "/d/5", V(2));
    rt_found("GET", "/d/5", V(1));
    rt_found("DELETE", "/d/5", V(4));
}

Test(router, head_falls_back_to_get)
{
    rt_add("GET", "/g", V(1));
    rt_add("GET", "/h", V(2));
    rt_add("HEAD", "/h", V(3));
    rt_add("HEAD", "/only-head", V(4));
    rt_add("POST", "/p", V(5));

    rt_found("HEAD", "/g", V(1));
    rt_found("GET", "/g", V(1));
    rt_found("HEAD", "/h", V(3));
    rt_found("GET", "/h", V(2));
    rt_found("HEAD", "/only-head", V(4));
    rt_not_allowed("GET", "/only-head", "HEAD");
    rt_not_allowed("HEAD", "/p", "POST");
    rt_not_allowed("POST", "/g", "GET, HEAD");
    rt_not_allowed("POST", "/h", "GET, HEAD");

    bk_route_match m;
    cr_assert_eq(rt_match("HEAD", "/g", &m), BK_ROUTE_FOUND);
    cr_assert_str_eq(m.pattern, "/g");
}

Test(router, explicit_head_registered_after_get)
{
    rt_add("HEAD", "/h/{x}", V(3));
    rt_add("GET", "/h/{x}", V(2));
    rt_found("HEAD", "/h/1", V(3));
    rt_found("GET", "/h/1", V(2));
    rt_not_allowed("PUT", "/h/1", "GET, HEAD");
}

Test(router, custom_methods)
{
    rt_add("PROPFIND", "/dav/{p:path}", V(1));
    rt_add("MKCOL", "/dav/{p:path}", V(2));
    rt_add("M-SEARCH", "/dav/{p:path}", V(3));
    rt_found("PROPFIND", "/dav/a/b", V(1));
    rt_found("MKCOL", "/dav/", V(2));
    rt_found("M-SEARCH", "/dav/x", V(3));
    rt_not_allowed("GET", "/dav/x", "M-SEARCH, MKCOL, PROPFIND");
    rt_not_allowed("propfind", "/dav/x", "M-SEARCH, MKCOL, PROPFIND");
}

Test(router, duplicate_registration)
{
    rt_add("GET", "/a/{id}", V(1));
    rt_add_fails("GET", "/a/{id}", "conflicts with GET /a/{id}");
    /* Same node, different parameter name: still unreachable, so still an error. */
    rt_add_fails("GET", "/a/{name}", "conflicts");
    rt_add_fails("GET", "/a/{id:str}", "conflicts");
    rt_add("POST", "/a/{id}", V(2));
    rt_add_fails("POST", "/a/{x}", "conflicts with POST /a/{id}");
    rt_add("GET", "/a/{id:int}", V(3));
    rt_add_fails("GET", "/a/{n:int}", "conflicts");
    rt_add("GET", "/c/{p:path}", V(4));
    rt_add_fails("GET", "/c/{q:path}", "conflicts");
    rt_add("GET", "/", V(5));
    rt_add_fails("GET", "/", "conflicts");

    /* Failures left the router intact. */
    cr_assert_eq(bk_router_count(rt_r), 5);
    rt_found("GET", "/a/x", V(1));
    rt_found("POST", "/a/x", V(2));
    rt_found("GET", "/a/9", V(3));
    rt_found("GET", "/c/z", V(4));
    rt_found("GET", "/", V(5));
}

Test(router, failed_add_leaves_no_route)
{
    /* Rejected adds of fresh paths must not make those paths 405 or found. */
    rt_add("GET", "/a", V(1));
    rt_add_fails("GET", "/a", "conflicts");
    rt_add_fails("BAD METHOD", "/zzz", "not an HTTP token");
    rt_add_fails("GET", "/zzz/{a}/{a}", "duplicate");
    rt_not_found("GET", "/zzz");
    rt_not_found("GET", "/zzz/1/2");
    rt_found("GET", "/a", V(1));
}

Test(router, malformed_patterns)
{
    rt_add_fails("GET", "", "must start with '/'");
    rt_add_fails("GET", "users", "must start with '/'");
    rt_add_fails("GET", "{id}", "must start with '/'");
    rt_add_fails("GET", "/a/{id", "unbalanced '{'");
    rt_add_fails("GET", "/a/{id/b", "unbalanced '{'");
    rt_add_fails("GET", "/a/{{id}}", "unbalanced '{'");
    rt_add_fails("GET", "/a/id}", "unbalanced '}'");
    rt_add_fails("GET", "/a/{id}}", "unbalanced '}'");
    rt_add_fails("GET", "/a/{}", "empty parameter name");
    rt_add_fails("GET", "/a/{:int}", "empty parameter name");
    rt_add_fails("GET", "/a/{1abc}", "not an identifier");
    rt_add_fails("GET", "/a/{a-b}", "not an identifier");
    rt_add_fails("GET", "/a/{ id}", "not an identifier");
    rt_add_fails("GET", "/a/{id:int:x}", "unknown convertor");
    rt_add_fails("GET", "/a/{id:integer}", "unknown convertor \"integer\"");
    rt_add_fails("GET", "/a/{id:}", "unknown convertor");
    rt_add_fails("GET", "/a/{id:Int}", "unknown convertor");
    rt_add_fails("GET", "/a/{p:path}/x", "must be the last segment");
    rt_add_fails("GET", "/a/{p:path}/", "must be the last segment");
    rt_add_fails("GET", "/a/{p:path}{q}", "must be the last segment");
    rt_add_fails("GET", "/a/x{id}", "whole path segment");
    rt_add_fails("GET", "/a/{id}.json", "whole path segment");
    rt_add_fails("GET", "/a/{x}{y}", "whole path segment");
    rt_add_fails("GET", "/a{p:path}", "whole path segment");
    rt_add_fails("GET", "/a/{id}/b/{id}", "duplicate parameter \"id\"");
    rt_add_fails("GET", "/a/{id}/{id:path}", "duplicate parameter");
    cr_assert_eq(bk_router_count(rt_r), 0);

    /* Underscores and digits after the first character are fine. */
    rt_add("GET", "/a/{_x9}/{Y_1:int}", V(1));
    rt_found("GET", "/a/q/3", V(1));
}

Test(router, bad_methods)
{
    rt_add_fails("", "/a", "empty method");
    rt_add_fails("G T", "/a", "not an HTTP token");
    rt_add_fails("GET\r\n", "/a", "not an HTTP token");
    rt_add_fails("G(E)T", "/a", "not an HTTP token");
    cr_assert_eq(bk_router_add(rt_r, NULL, "/a", V(0), NULL, 0), -1);
    cr_assert_eq(bk_router_add(rt_r, "GET", NULL, V(0), NULL, 0), -1);
    rt_add("X-Custom_1.0~!", "/a", V(1));
    rt_found("X-Custom_1.0~!", "/a", V(1));
}

Test(router, error_buffer_handling)
{
    char err[8];
    memset(err, 'Z', sizeof err);
    cr_assert_eq(bk_router_add(rt_r, "GET", "nope", V(0), err, sizeof err), -1);
    cr_assert_eq(strlen(err), sizeof err - 1);
    cr_assert_eq(bk_router_add(rt_r, "GET", "nope", V(0), NULL, 0), -1);
    cr_assert_eq(bk_router_add(rt_r, "GET", "nope", V(0), err, 0), -1);
}

Test(router, max_params)
{
    char pat[512], path[512];
    size_t pl = 0, ql = 0;
    for (int i = 0; i < BK_ROUTER_MAX_PARAMS; i++) {
        pl += (size_t)snprintf(pat + pl, sizeof pat - pl, "/{p%d}", i);
        ql += (size_t)snprintf(path + ql, sizeof path - ql, "/v%d", i);
    }
    rt_add("GET", pat, V(1));

    bk_route_match m;
    cr_assert_eq(rt_match("GET", path, &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.nparams, BK_ROUTER_MAX_PARAMS);
    for (int i = 0; i < BK_ROUTER_MAX_PARAMS; i++) {
        char name[16], value[16];
        snprintf(name, sizeof name, "p%d", i);
        snprintf(value, sizeof value, "v%d", i);
        rt_param(&m, (uint32_t)i, name, value);
    }

    /* Sixteen plain parameters and a catch-all make seventeen. */
    char over[600];
    snprintf(over, sizeof over, "%s/{rest:path}", pat);
    rt_add_fails("GET", over, "more than 16 parameters");
    snprintf(over, sizeof over, "/x%s/{p16}", pat);
    rt_add_fails("GET", over, "more than 16 parameters");

    /* Fifteen parameters and a catch-all fit. */
    char *last = strrchr(pat, '/');
    snprintf(last, sizeof pat - (size_t)(last - pat), "/{rest:path}");
    rt_add("POST", pat, V(2));
    cr_assert_eq(rt_match("POST", path, &m), BK_ROUTE_FOUND);
    cr_assert_eq(m.route, V(2));
    cr_assert_eq(m.nparams, BK_ROUTER_MAX_PARAMS);
    rt_param(&m, 15, "rest", "v15");
}

Test(router, many_routes)
{
    /* A mix of literal-only, parameterised and catch-all routes over shared prefixes. */
    enum { N = 1000 };
    static char pats[N][64];
    for (int i = 0; i < N; i++) {
        switch (i % 4) {
        case 0: snprintf(pats[i], sizeof pats[i], "/api/v%d/resource%d", i % 7, i); break;
        case 1: snprintf(pats[i], sizeof pats[i], "/api/v%d/resource%d/{id}", i % 7, i); break;
        case 2: snprintf(pats[i], sizeof pats[i], "/r%d/{a:int}/sub/{b}", i); break;
        default: snprintf(pats[i], sizeof pats[i], "/static%d/{p:path}", i); break;
        }
        rt_add(i % 3 ? "GET" : "POST", pats[i], V(i));
    }
    cr_assert_eq(bk_router_count(rt_r), N);

    for (int i = 0; i < N; i++) {
        char path[96];
        const char *method = i % 3 ? "GET" : "POST";
        bk_route_match m;
        switch (i % 4) {
        case 0: snprintf(path, sizeof path, "/api/v%d/resource%d", i % 7, i); break;
        case 1: snprintf(path, sizeof path, "/api/v%d/resource%d/x%d", i % 7, i, i); break;
        case 2: snprintf(path, sizeof path, "/r%d/%d/sub/b%d", i, i * 3, i); break;
        default: snprintf(path, sizeof path, "/static%d/a/%d/c.css", i, i); break;
        }
        int rc = rt_match(method, path, &m);
        cr_assert_eq(rc, BK_ROUTE_FOUND, "%s %s: rc %d", method, path, rc);
        cr_assert_eq(m.route, V(i), "%s %s matched %s, wanted %s", method, path, m.pattern,
                     pats[i]);
        cr_assert_str_eq(m.pattern, pats[i]);
        cr_assert_eq(m.nparams, (uint32_t)(i % 4 == 0 ? 0 : i % 4 == 2 ? 2 : 1));

        const char *other = i % 3 ? "POST" : "GET";
        cr_assert_eq(rt_match(other, path, &m), BK_ROUTE_METHOD_NOT_ALLOWED, "%s %s", other,
                     path);
        cr_assert_str_eq(m.allow, i % 3 ? "GET, HEAD" : "POST");
    }
    rt_not_found("GET", "/api/v1/resource");
    rt_not_found("GET", "/api/v0/resource1");
    rt_not_found("GET", "/r2/x/sub/b");
    rt_not_found("GET", "/static3");
}

Test(router, method_limits)
{
    /* GET and HEAD are always counted; 62 one-letter methods bring the total to 64. */
    const char *alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 62; i++) {
        char method[2] = {alnum[i], 0};
        rt_add(method, "/m", V(i));
    }
    rt_add_fails("!", "/m", "more than 64 distinct methods");
    rt_add("GET", "/m", V(100)); /* a known method is still fine */
    rt_found("Z", "/m", V(25));
    bk_route_match m;
    cr_assert_eq(rt_match("POST", "/m", &m), BK_ROUTE_METHOD_NOT_ALLOWED);
    cr_assert_eq(strlen(m.allow), strlen("GET") + strlen("HEAD") + 62 + 2 * 63);
    cr_assert_eq(strncmp(m.allow, "0, 1, 2", 7), 0);
}

Test(router, allow_length_limit)
{
    char method[48];
    int i;
    for (i = 0; i < 10; i++) {
        snprintf(method, sizeof method, "METHOD%02d_%s", i, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
        char err[256];
        if (bk_router_add(rt_r, method, "/x", V(i), err, sizeof err) < 0) {
            cr_assert_not_null(strstr(err, "Allow header"), "%s", err);
            break;
        }
    }
    cr_assert_lt(i, 10);
    bk_route_match m;
    cr_assert_eq(rt_match("GET", "/x", &m), BK_ROUTE_METHOD_NOT_ALLOWED);
    cr_assert_lt(strlen(m.allow), BK_ROUTER_ALLOW_MAX);
}

Test(router, empty_router)
{
    rt_not_found("GET", "/");
    rt_not_found("GET", "");
    cr_assert_eq(bk_router_count(rt_r), 0);
}

Test(router, free_null)
{
    bk_router_free(NULL);
}

/* ---------------------------------------------------------------------------------------
 * Randomised comparison with a naive matcher that tries every route in turn
 * ------------------------------------------------------------------------------------- */

static uint32_t rt_rand_state;

static uint32_t rt_rand(uint32_t n)
{
    rt_rand_state = rt_rand_state * 1103515245u + 12345u;
    return (rt_rand_state >> 8) % n;
}

/* Does path match pattern, by direct reading of the rules in router.h? */
static bool rt_naive_match(const char *pat, const char *path, const char *end)
{
    while (*pat) {
        if (*pat != '{') {
            if (path == end || *pat != *path)
                return false;
            pat++, path++;
            continue;
        }
        const char *close = strchr(pat, '}');
        const char *colon = memchr(pat, ':', (size_t)(close - pat));
        char conv[8] = "str";
        if (colon)
            snprintf(conv, sizeof conv, "%.*s", (int)(close - colon - 1), colon + 1);
        if (strcmp(conv, "path") == 0)
            return true;
        const char *seg_end = path;
        while (seg_end < end && *seg_end != '/')
            seg_end++;
        if (seg_end == path)
            return false;
        bool digits = true, dotted = false;
        for (const char *q = path; q < seg_end; q++) {
            if (*q == '.' && !dotted && q > path && q + 1 < seg_end)
                dotted = true;
            else if (*q < '0' || *q > '9')
                digits = false;
        }
        if (strcmp(conv, "int") == 0 && !(digits && !dotted))
            return false;
        if (strcmp(conv, "float") == 0 && !digits)
            return false;
        pat = close + 1;
        path = seg_end;
    }
    return path == end;
}

static int rt_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

Test(router, randomised_against_naive_matcher)
{
    static const char *segs[] = {"a", "b", "ab", "abc", "{x}", "{n:int}", "{f:float}", "1"};
    static const char *psegs[] = {"a", "b", "ab", "abc", "1", "12", "1.5", "zz", "", "a.b"};
    static const char *methods[] = {"GET", "POST", "HEAD", "PUT"};
    enum { ROUTES = 24, PATHS = 60, ROUNDS = 150 };

    rt_rand_state = 12345;
    for (int round = 0; round < ROUNDS; round++) {
        bk_router_free(rt_r);
        rt_r = bk_router_new();
        static char pats[ROUTES][128];
        const char *meths[ROUTES];
        bool added[ROUTES];

        for (int i = 0; i < ROUTES; i++) {
            size_t o = 0;
            int nseg = (int)rt_rand(4);
            int pn = 0; /* keep names unique within a pattern */
            for (int s = 0; s < nseg; s++) {
                const char *seg = segs[rt_rand(8)];
                if (seg[0] == '{')
                    o += (size_t)snprintf(pats[i] + o, sizeof pats[i] - o, "/{%c%d%s",
                                          seg[1], pn++, strchr(seg, ':') ? strchr(seg, ':') : "}");
                else
                    o += (size_t)snprintf(pats[i] + o, sizeof pats[i] - o, "/%s", seg);
            }
            uint32_t tail = rt_rand(6);
            if (tail == 0 || o == 0)
                o += (size_t)snprintf(pats[i] + o, sizeof pats[i] - o, "/");
            else if (tail == 1)
                o += (size_t)snprintf(pats[i] + o, sizeof pats[i] - o, "/{p%d:path}", pn);
            meths[i] = methods[rt_rand(4)];
            char err[256];
            added[i] = bk_router_add(rt_r, meths[i], pats[i], V(i), err, sizeof err) == 0;
            if (!added[i])
                cr_assert_not_null(strstr(err, "conflicts"), "%s %s: %s", meths[i], pats[i], err);
        }

        for (int k = 0; k < PATHS; k++) {
            char path[128];
            size_t o = 0;
            int nseg = (int)rt_rand(5);
            for (int s = 0; s < nseg; s++)
                o += (size_t)snprintf(path + o, sizeof path - o, "/%s", psegs[rt_rand(10)]);
            if (o == 0 || rt_rand(4) == 0)
                o += (size_t)snprintf(path + o, sizeof path - o, "/");
            const char *method = methods[rt_rand(4)];

            bool any_path = false, any_method = false;
            const char *allow[8];
            int nallow = 0;
            for (int i = 0; i < ROUTES; i++) {
                if (!added[i] || !rt_naive_match(pats[i], path, path + o))
                    continue;
                any_path = true;
                if (strcmp(meths[i], method) == 0 ||
                    (strcmp(method, "HEAD") == 0 && strcmp(meths[i], "GET") == 0))
                    any_method = true;
                const char *add[2] = {meths[i], strcmp(meths[i], "GET") == 0 ? "HEAD" : NULL};
                for (int a = 0; a < 2 && add[a]; a++) {
                    bool dup = false;
                    for (int j = 0; j < nallow; j++)
                        dup |= strcmp(allow[j], add[a]) == 0;
                    if (!dup)
                        allow[nallow++] = add[a];
                }
            }

            bk_route_match m;
            int rc = rt_match(method, path, &m);
            if (any_method) {
                cr_assert_eq(rc, BK_ROUTE_FOUND, "round %d: %s %s rc %d", round, method, path, rc);
                int i = (int)((int *)m.route - rt_v);
                cr_assert(rt_naive_match(pats[i], path, path + o), "%s %s matched %s", method,
                          path, pats[i]);
                cr_assert(strcmp(meths[i], method) == 0 ||
                          (strcmp(method, "HEAD") == 0 && strcmp(meths[i], "GET") == 0));
                /* Each value is a view into path; rebuilding the pattern with the values
                 * must give the path back. */
                char rebuilt[256];
                size_t ro = 0;
                uint32_t pi = 0;
                for (const char *q = pats[i]; *q;) {
                    if (*q == '{') {
                        cr_assert_lt(pi, m.nparams);
                        cr_assert(m.params[pi].value >= path &&
                                  m.params[pi].value + m.params[pi].value_len <= path + o);
                        memcpy(rebuilt + ro, m.params[pi].value, m.params[pi].value_len);
                        ro += m.params[pi++].value_len;
                        q = strchr(q, '}') + 1;
                    } else {
                        rebuilt[ro++] = *q++;
                    }
                }
                cr_assert_eq(pi, m.nparams);
                cr_assert_eq(ro, o);
                cr_assert_eq(memcmp(rebuilt, path, o), 0, "%s via %s", path, pats[i]);
            } else if (any_path) {
                cr_assert_eq(rc, BK_ROUTE_METHOD_NOT_ALLOWED, "round %d: %s %s rc %d", round,
                             method, path, rc);
                qsort(allow, (size_t)nallow, sizeof allow[0], rt_cmp_str);
                char want[64] = "";
                for (int j = 0; j < nallow; j++) {
                    if (j)
                        strcat(want, ", ");
                    strcat(want, allow[j]);
                }
                cr_assert_str_eq(m.allow, want, "%s %s", method, path);
            } else {
                cr_assert_eq(rc, BK_ROUTE_NOT_FOUND, "round %d: %s %s rc %d (%s)", round,
                             method, path, rc, m.pattern ? m.pattern : "-");
            }
        }
    }
}
