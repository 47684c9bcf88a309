/* GZip, as Starlette's GZipMiddleware (0.4x): compresses the responses of clients whose
 * Accept-Encoding mentions gzip. A buffered body is compressed whole with libdeflate when
 * it has at least minimum_size bytes; a streamed body always, incrementally with zlib,
 * flushed after every write so the stream stays live. Responses that already have a
 * Content-Encoding, event streams and 206 partial content are left alone. Whatever could
 * have been compressed gets Vary: Accept-Encoding, whether it was or not. */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "app/mw.h"
#include "runtime/log.h"
#include "server/server.h"

/* Larger bodies are compressed on the thread pool, as Starlette does past 128 KiB, so
 * one big response does not stall every other request of the worker. */
#define THREAD_MIN (128 * 1024)
#define STREAM_OUT 16384

typedef struct gzip_opts {
    size_t minimum_size;
    int level;
    struct libdeflate_compressor *comp; /* this process's, made on first use */
} gzip_opts;

typedef struct gzip_req {
    gzip_opts *o;
    bool accepted;               /* the client takes gzip */
} gzip_req;

typedef struct gzip_stream {
    z_stream z;
    unsigned char out[STREAM_OUT];
} gzip_stream;

/* zlib's memory comes from the request arena: nothing to free when a stream is cut off. */
static void *z_alloc(void *opaque, uInt items, uInt size) {
    return brisk_alloc(opaque, (size_t)items * size);
}
static void z_free(void *opaque, void *p) {
    (void)opaque;
    (void)p;
}

/* One piece of at most 1 GiB (zlib counts in unsigned int). */
static int deflate_piece(brisk_ctx *c, gzip_stream *s, const void *data, size_t len, int flush) {
    s->z.next_in = (Bytef *)(uintptr_t)data;
    s->z.avail_in = (uInt)len;
    for (;;) {
        s->z.next_out = s->out;
        s->z.avail_out = sizeof s->out;
        int rc = deflate(&s->z, flush);
        if (rc == Z_STREAM_ERROR) return BRISK_E_STATE;
        bk_stream_put(c, s->out, sizeof s->out - s->z.avail_out);
        /* Done when zlib had room to spare: all input taken, the flush complete. */
        if (flush == Z_FINISH ? rc == Z_STREAM_END : s->z.avail_out != 0) return 0;
    }
}

static int stream_filter(brisk_ctx *c, void *state, const void *data, size_t len, bool end) {
    const size_t max = (size_t)1 << 30;
    const char *p = data;
    while (len > max) {
        int rc = deflate_piece(c, state, p, max, Z_NO_FLUSH);
        if (rc) return rc;
        p += max;
        len -= max;
    }
    return deflate_piece(c, state, p, len, end ? Z_FINISH : Z_SYNC_FLUSH);
}

static bool start_stream(brisk_ctx *c, gzip_opts *o) {
    gzip_stream *s = brisk_alloc(c, sizeof *s);
    memset(&s->z, 0, sizeof s->z);
    s->z.zalloc = z_alloc;
    s->z.zfree = z_free;
    s->z.opaque = c;
    /* windowBits 15 + 16: the gzip wrapper rather than zlib's. */
    if (deflateInit2(&s->z, o->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    bk_ctx_set_stream_filter(c, stream_filter, s);
    return true;
}

typedef struct compress_job {
    int level;
    const void *in;
    size_t in_len;
    void *out;
    size_t out_cap, out_len;
} compress_job;

/* On a pool thread: a compressor of its own, since the process's one is the loop's. */
static void compress_blocking(void *arg) {
    compress_job *j = arg;
    struct libdeflate_compressor *comp = libdeflate_alloc_compressor(j->level);
    if (!comp) return;
    j->out_len = libdeflate_gzip_compress(comp, j->in, j->in_len, j->out, j->out_cap);
    libdeflate_free_compressor(comp);
}

/* A worker makes its compressor on first use, after the fork, and frees it at exit. */
static void free_compressor(void *p) { libdeflate_free_compressor(p); }

static void compress_body(brisk_ctx *c, gzip_opts *o, brisk_str body) {
    compress_job j = {.level = o->level, .in = body.ptr, .in_len = body.len};
    j.out_cap = libdeflate_gzip_compress_bound(NULL, body.len);
    j.out = brisk_alloc(c, j.out_cap);
    if (body.len < THREAD_MIN || brisk_run_blocking(c, compress_blocking, &j) != 0) {
        if (!o->comp) {
            o->comp = libdeflate_alloc_compressor(o->level);
            bk_mw_own(o->comp, free_compressor);
        }
        j.out_len = libdeflate_gzip_compress(o->comp, body.ptr, body.len, j.out, j.out_cap);
    }
    if (!j.out_len) return; /* cannot happen with the bound's room: send it as it is */
    bk_response_header_put(c, "Content-Encoding", "gzip");
    bk_response_set_body(c, j.out, j.out_len);
}

static bool excluded_type(brisk_ctx *c) {
    brisk_str t = brisk_response_header(c, "Content-Type");
    if (!t.ptr) return false;
    const char *semi = memchr(t.ptr, ';', t.len);
    size_t n = semi ? (size_t)(semi - t.ptr) : t.len;
    const char *p = t.ptr;
    while (n && (*p == ' ' || *p == '\t')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    return n == 17 && strncasecmp(p, "text/event-stream", 17) == 0;
}

static void on_head(brisk_ctx *c, void *state) {
    gzip_req *r = state;
    if (brisk_response_header(c, "Content-Encoding").ptr || brisk_response_status(c) == 206 ||
        excluded_type(c))
        return;
    if (brisk_response_streamed(c)) {
        bk_mw_add_vary(c, "Accept-Encoding");
        if (r->accepted && start_stream(c, r->o))
            bk_response_header_put(c, "Content-Encoding", "gzip");
        return;
    }
    brisk_str body = bk_response_body(c);
    if (body.len < r->o->minimum_size) return;
    bk_mw_add_vary(c, "Accept-Encoding");
    if (r->accepted) compress_body(c, r->o, body);
}

static void gzip_mw(brisk_ctx *c, void *udata) {
    gzip_req *r = brisk_alloc(c, sizeof *r);
    r->o = udata;
    brisk_str ae = brisk_header(c, "Accept-Encoding");
    /* Starlette's test: "gzip" anywhere in the header. */
    r->accepted = ae.ptr && memmem(ae.ptr, ae.len, "gzip", 4) != NULL;
    bk_ctx_on_head(c, on_head, r);
    brisk_next(c);
}

void brisk_use_gzip_opts(brisk_app *app, const brisk_gzip_options *opt) {
    gzip_opts *o = bk_mw_alloc(sizeof *o);
    o->minimum_size = opt->minimum_size ? opt->minimum_size : 500;
    o->level = opt->level >= 1 && opt->level <= 9 ? opt->level : 9;
    if (opt->level < 0 || opt->level > 9)
        brisk_log(BRISK_LOG_WARNING, "gzip level %d is not in 1..9: using 9", opt->level);
    brisk_app_use(app, gzip_mw, o);
}
