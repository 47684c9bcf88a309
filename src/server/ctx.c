/* The request as the handler sees it, and the suspending helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "runtime/sched.h"
#include "server/internal.h"

bool brisk_str_eq(brisk_str a, const char *s) {
    size_t n = strlen(s);
    return a.ptr && a.len == n && memcmp(a.ptr, s, n) == 0;
}

brisk_str brisk_method(const brisk_ctx *c) { return (brisk_str){c->req.method, c->req.method_len}; }
brisk_str brisk_path(const brisk_ctx *c) { return (brisk_str){c->req.path, c->req.path_len}; }
brisk_str brisk_target(const brisk_ctx *c) { return (brisk_str){c->req.target, c->req.target_len}; }
int brisk_http_minor(const brisk_ctx *c) { return c->req.minor; }

brisk_str brisk_query(const brisk_ctx *c) {
    return c->req.query ? (brisk_str){c->req.query, c->req.query_len} : (brisk_str){"", 0};
}

brisk_str brisk_header(const brisk_ctx *c, const char *name) {
    size_t n = strlen(name);
    for (uint32_t i = 0; i < c->req.nheaders; i++) {
        const bk_http_header *h = &c->req.headers[i];
        if (h->name_len == n && strncasecmp(h->name, name, n) == 0)
            return (brisk_str){h->value, h->value_len};
    }
    return (brisk_str){NULL, 0};
}

size_t brisk_header_count(const brisk_ctx *c) { return c->req.nheaders; }

bool brisk_header_at(const brisk_ctx *c, size_t i, brisk_str *name, brisk_str *value) {
    if (i >= c->req.nheaders) return false;
    const bk_http_header *h = &c->req.headers[i];
    *name = (brisk_str){h->name, h->name_len};
    *value = (brisk_str){h->value, h->value_len};
    return true;
}

void *brisk_alloc(brisk_ctx *c, size_t size) { return bk_arena_alloc(&c->arena, size); }

bk_arena *bk_ctx_arena(brisk_ctx *c) { return &c->arena; }

void bk_ctx_on_sent(brisk_ctx *c, void (*fn)(brisk_ctx *c, void *arg), void *arg) {
    c->on_sent = fn;
    c->on_sent_arg = arg;
}

char *brisk_sprintf(brisk_ctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = bk_arena_alloc(&c->arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void brisk_sleep(brisk_ctx *c, uint64_t ms) { bk_sleep(c->w->loop, ms); }

int brisk_run_blocking(brisk_ctx *c, void (*fn)(void *arg), void *arg) {
    return bk_run_blocking(c->w->loop, fn, arg) == 0 ? 0 : BRISK_E_NOMEM;
}

brisk_str brisk_root_path(const brisk_ctx *c) {
    const char *r = c->w->cfg->root_path ? c->w->cfg->root_path : "";
    return (brisk_str){r, strlen(r)};
}

void *bk_ctx_app(const brisk_ctx *c) { return c->app; }
void bk_ctx_set_app(brisk_ctx *c, void *app_state) { c->app = app_state; }
const bk_config *bk_ctx_config(const brisk_ctx *c) { return c->w->cfg; }

/* ---- proxy headers ---------------------------------------------------------------- */

/* The host part of "ip:port" / "[ip6]:port". */
static brisk_str peer_host(const char *peer) {
    if (peer[0] == '[') {
        const char *e = strchr(peer, ']');
        return (brisk_str){peer + 1, e ? (size_t)(e - peer - 1) : strlen(peer + 1)};
    }
    const char *colon = strrchr(peer, ':');
    return (brisk_str){peer, colon ? (size_t)(colon - peer) : strlen(peer)};
}

static brisk_str trim(const char *p, size_t n) {
    while (n && (*p == ' ' || *p == '\t')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    return (brisk_str){p, n};
}

/* --forwarded-allow-ips: a comma list of addresses, or "*". */
static bool trusted(const bk_config *cfg, brisk_str host) {
    const char *list = cfg->forwarded_allow_ips ? cfg->forwarded_allow_ips : "127.0.0.1";
    while (*list) {
        const char *end = strchr(list, ',');
        size_t n = end ? (size_t)(end - list) : strlen(list);
        brisk_str item = trim(list, n);
        if ((item.len == 1 && item.ptr[0] == '*') ||
            (item.len == host.len && memcmp(item.ptr, host.ptr, item.len) == 0))
            return true;
        if (!end) break;
        list = end + 1;
    }
    return false;
}

static bool use_proxy_headers(brisk_ctx *c) {
    const bk_config *cfg = c->w->cfg;
    return cfg->proxy_headers && trusted(cfg, peer_host(bk_conn_peer(c->conn)));
}

brisk_str brisk_client(brisk_ctx *c) {
    if (c->client[0]) return (brisk_str){c->client, strlen(c->client)};
    const char *peer = bk_conn_peer(c->conn);
    snprintf(c->client, sizeof c->client, "%s", peer);
    brisk_str xff = use_proxy_headers(c) ? brisk_header(c, "X-Forwarded-For") : (brisk_str){0};
    if (xff.ptr) {
        /* Walk from the nearest hop outwards; the first address we do not trust is the
         * client (as Uvicorn does): earlier entries could have been forged by it. */
        size_t end = xff.len;
        brisk_str pick = {0};
        while (end > 0) {
            size_t start = end;
            while (start > 0 && xff.ptr[start - 1] != ',') start--;
            brisk_str item = trim(xff.ptr + start, end - start);
            if (item.len) {
                pick = item;
                if (!trusted(c->w->cfg, item)) break;
            }
            end = start ? start - 1 : 0;
        }
        if (pick.len && pick.len < sizeof c->client - 3)
            snprintf(c->client, sizeof c->client, "%.*s:0", (int)pick.len, pick.ptr);
    }
    return (brisk_str){c->client, strlen(c->client)};
}

brisk_str brisk_scheme(brisk_ctx *c) {
    if (use_proxy_headers(c)) {
        brisk_str p = brisk_header(c, "X-Forwarded-Proto");
        if (p.ptr) {
            brisk_str t = trim(p.ptr, p.len);
            if (t.len == 5 && strncasecmp(t.ptr, "https", 5) == 0) return BRISK_LIT("https");
            if (t.len == 4 && strncasecmp(t.ptr, "http", 4) == 0) return BRISK_LIT("http");
        }
    }
    return BRISK_LIT("http");
}
