/* Request ID: the client's ID when it is sane, else a random UUID v4; echoed in the
 * response and written at the end of the access log line. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "app/mw.h"
#include "runtime/arena.h"
#include "runtime/log.h"
#include "server/server.h"

#define MAX_ID_LEN 200

typedef struct request_id {
    char *header;
} request_id;

/* Printable ASCII only: the ID goes into log lines and response headers verbatim. */
static bool sane(brisk_str v) {
    if (v.len < 1 || v.len > MAX_ID_LEN) return false;
    for (size_t i = 0; i < v.len; i++)
        if ((unsigned char)v.ptr[i] < 0x20 || (unsigned char)v.ptr[i] > 0x7e) return false;
    return true;
}

/* From the kernel's generator, so IDs stay unique across workers and restarts without
 * any state shared or seeded per process; drawn 4 KiB at a time, so a request costs no
 * system call. A forked child drops what its parent drew, or two workers would hand out
 * the same IDs. */
static unsigned char pool[4096];
static size_t pool_left;

static void forget_pool(void) { pool_left = 0; }

static void random16(unsigned char b[16]) {
    if (pool_left < 16) {
        size_t got = 0;
        while (got < sizeof pool) {
            ssize_t n = getrandom(pool + got, sizeof pool - got, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                brisk_log(BRISK_LOG_CRITICAL, "getrandom failed: no request ID can be made");
                abort();
            }
            got += (size_t)n;
        }
        pool_left = sizeof pool;
    }
    memcpy(b, pool + sizeof pool - pool_left, 16);
    pool_left -= 16;
}

static void uuid4(char out[37]) {
    unsigned char b[16];
    random16(b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
}

/* At head time, so every answer carries it: an error raised anywhere, a preflight. */
static void echo_id(brisk_ctx *c, void *state) {
    request_id *o = state;
    brisk_str id = brisk_request_id(c);
    bk_response_header_put(c, o->header, id.ptr);
}

static void request_id_mw(brisk_ctx *c, void *udata) {
    request_id *o = udata;
    brisk_str in = brisk_header(c, o->header);
    char *id;
    size_t len;
    if (in.ptr && sane(in)) {
        /* Copied: the request's own bytes may be reused before the log line is written. */
        id = bk_arena_strndup(bk_ctx_arena(c), in.ptr, in.len);
        len = in.len;
    } else {
        id = brisk_alloc(c, 37);
        uuid4(id);
        len = 36;
    }
    bk_ctx_set_request_id(c, id, len);
    bk_ctx_on_head(c, echo_id, o);
    brisk_next(c);
}

void brisk_use_request_id_opts(brisk_app *app, const brisk_request_id_options *opt) {
    static bool registered;
    if (!registered && pthread_atfork(NULL, NULL, forget_pool) != 0) abort();
    registered = true;
    request_id *o = bk_mw_alloc(sizeof *o);
    o->header = bk_mw_strdup(opt->header && opt->header[0] ? opt->header : "X-Request-ID");
    brisk_app_use(app, request_id_mw, o);
}
