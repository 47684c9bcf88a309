/* One worker: a libuv loop serving one listening socket until it drains. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "runtime/log.h"
#include "server/internal.h"

#define SWEEP_MS 250
#define HEARTBEAT_MS 250 /* the master's kill comes at most this late or early */

static void on_connection(uv_stream_t *server, int status) {
    bk_worker *w = server->data;
    if (status < 0) {
        brisk_log(BRISK_LOG_WARNING, "accept failed: %s", uv_strerror(status));
        return;
    }
    bk_conn_accept(w);
}

static void on_sweep(uv_timer_t *t) {
    bk_worker *w = t->data;
    bk_conn_sweep(w, uv_now(w->loop));
}

static void on_heartbeat(uv_timer_t *t) {
    bk_worker *w = t->data;
    if (w->hb) w->hb->beat_ms = uv_hrtime() / 1000000;
    /* An orphaned worker (its master died hard) would otherwise serve forever. */
    if (getppid() == 1 && !w->draining) {
        brisk_log(BRISK_LOG_WARNING, "master process is gone: shutting down");
        bk_worker_begin_drain(w);
    }
}

static void on_prepare(uv_prepare_t *p) {
    (void)p;
    bk_access_log_flush();
}

static void close_if_open(uv_handle_t *h) {
    if (h->loop && !uv_is_closing(h)) uv_close(h, NULL);
}

/* Ends the loop: closing every handle lets uv_run return by itself. */
static void stop(bk_worker *w) {
    close_if_open((uv_handle_t *)&w->sweeper);
    close_if_open((uv_handle_t *)&w->heartbeat_timer);
    close_if_open((uv_handle_t *)&w->graceful_timer);
    close_if_open((uv_handle_t *)&w->sig_term);
    close_if_open((uv_handle_t *)&w->sig_int);
    close_if_open((uv_handle_t *)&w->prepare);
    if (w->listening) close_if_open(&w->listener.handle);
    /* Requests still suspended (a sleep, a blocking job) would keep the loop alive. */
    uv_stop(w->loop);
}

/* Drained once every connection's handle is closed: w->nconns already excludes closing
 * and lingering connections, but they are still in the list until their on_close. */
void bk_worker_check_drained(bk_worker *w) {
    if (w->draining && !w->conns) stop(w);
}

static void on_graceful_timeout(uv_timer_t *t) {
    bk_worker *w = t->data;
    size_t open = 0;
    for (bk_conn *c = w->conns; c; c = c->next) open++;
    brisk_log(BRISK_LOG_WARNING, "graceful shutdown timed out with %zu connection(s) open",
              open);
    for (bk_conn *c = w->conns; c; c = c->next) bk_conn_close(c);
    stop(w);
}

void bk_worker_begin_drain(bk_worker *w) {
    if (w->draining) return;
    w->draining = true;
    if (w->listening) {
        /* Closing our copy only. When this worker is replaced, the master keeps the
         * socket, and what is queued waits for the replacement; when it retires
         * (SIGTTOU), the master has closed its copy already, so ours is the last one and
         * what is queued would be reset: take it first. New connections go to the other
         * workers' sockets once this one is closed. */
        bk_conn_accept_pending(w);
        uv_close(&w->listener.handle, NULL);
        w->listening = false;
    }
    bk_conn *next;
    for (bk_conn *c = w->conns; c; c = next) {
        next = c->next;
        bk_conn_drain(c);
    }
    uv_timer_init(w->loop, &w->graceful_timer);
    w->graceful_timer.data = w;
    uv_timer_start(&w->graceful_timer, on_graceful_timeout,
                   (uint64_t)(w->cfg->timeout_graceful_shutdown * 1000), 0);
    uv_unref((uv_handle_t *)&w->graceful_timer);
    bk_worker_check_drained(w);
}

static void on_signal(uv_signal_t *s, int signum) {
    bk_worker *w = s->data;
    brisk_log(BRISK_LOG_DEBUG, "signal %d: draining", signum);
    bk_worker_begin_drain(w);
}

void bk_worker_init(bk_worker *w, uv_loop_t *loop, const bk_config *cfg, bk_request_fn fn,
                    void *udata) {
    memset(w, 0, sizeof *w);
    w->loop = loop;
    w->cfg = cfg;
    w->fn = fn;
    w->udata = udata;
    w->limits.max_head = cfg->limit_request_head;
    w->limits.max_uri = cfg->limit_request_line;
    w->limits.max_headers = (uint32_t)cfg->limit_request_fields;
    /* Room for a maximal head plus a read's worth of body or pipelined requests. */
    w->rbuf_size = cfg->limit_request_head + 16 * 1024;
    w->rbufs.size = w->rbuf_size;
    w->wbufs.size = 16 * 1024;
    if (cfg->limit_max_requests > 0) {
        srand((unsigned)getpid());
        long jitter = cfg->limit_max_requests_jitter > 0
                          ? rand() % (cfg->limit_max_requests_jitter + 1) : 0;
        w->max_requests = (uint64_t)(cfg->limit_max_requests + jitter);
    }
}

int bk_worker_run(const bk_config *cfg, int listen_fd, bk_request_fn fn, void *udata,
                  bk_heartbeat *hb) {
    static bk_worker w;
    static uv_loop_t loop;
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (uv_loop_init(&loop) != 0) return 1;
    bk_worker_init(&w, &loop, cfg, fn, udata);
    w.hb = hb;
    bk_log_level = cfg->log_level;
    bk_coro_configure(cfg->stack_size, 1024);

    w.is_pipe = cfg->uds != NULL;
    int rc = w.is_pipe ? uv_pipe_init(&loop, &w.listener.pipe, 0)
                       : uv_tcp_init(&loop, &w.listener.tcp);
    if (rc == 0)
        rc = w.is_pipe ? uv_pipe_open(&w.listener.pipe, listen_fd)
                       : uv_tcp_open(&w.listener.tcp, listen_fd);
    w.listener.handle.data = &w;
    if (rc == 0) rc = uv_listen(&w.listener.stream, cfg->backlog, on_connection);
    if (rc != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot listen: %s", uv_strerror(rc));
        return 1;
    }
    w.listening = true;

    uv_timer_init(&loop, &w.sweeper);
    w.sweeper.data = &w;
    uv_timer_start(&w.sweeper, on_sweep, SWEEP_MS, SWEEP_MS);
    uv_timer_init(&loop, &w.heartbeat_timer);
    w.heartbeat_timer.data = &w;
    uv_timer_start(&w.heartbeat_timer, on_heartbeat, 0, HEARTBEAT_MS);
    uv_signal_init(&loop, &w.sig_term);
    w.sig_term.data = &w;
    uv_signal_start(&w.sig_term, on_signal, SIGTERM);
    uv_signal_init(&loop, &w.sig_int);
    w.sig_int.data = &w;
    uv_signal_start(&w.sig_int, on_signal, SIGINT);
    uv_prepare_init(&loop, &w.prepare);
    uv_prepare_start(&w.prepare, on_prepare);
    if (hb) {
        hb->beat_ms = uv_hrtime() / 1000000;
        hb->ready = 1;
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    bk_access_log_flush();
    return w.exit_status;
}
