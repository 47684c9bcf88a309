/* Suspending primitives on a libuv loop. See sched.h. */
#include "runtime/sched.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/coro.h"

static bk_coro *sched_self(const char *who) {
    bk_coro *co = bk_coro_current();
    if (!co) {
        fprintf(stderr, "brisk: %s called outside a coroutine\n", who);
        fflush(stderr);
        abort();
    }
    return co;
}

/* ---- sleep ----------------------------------------------------------------------------------- */

/* The timer handle lives in the sleeping coroutine's frame, so the coroutine may only go on
 * once libuv has finished closing it. The timer callback closes it; the coroutine is resumed
 * from the close callback. libuv runs close callbacks newest first, so sleepers that fire in
 * the same iteration would wake in reverse order: instead the timer callbacks queue them
 * (FIFO, through links in their frames), and a close callback resumes queued sleepers from
 * the head for as long as their handles are closed. All handles closed during the timer
 * phase finish closing in the same iteration, so everyone wakes then, in timer order. */
typedef struct bk_sleep_state {
    uv_timer_t timer;
    bk_coro *co;
    struct bk_sleep_state *next; /* in the woken queue */
    bool closed;
    bool done;
} bk_sleep_state;

/* Sleepers whose timer fired, waiting for their handle to close. One loop per thread. */
static _Thread_local struct {
    bk_sleep_state *head, *tail;
} sleep_woken;

static void sleep_on_close(uv_handle_t *handle) {
    bk_sleep_state *s = handle->data;
    s->closed = true;
    while (sleep_woken.head && sleep_woken.head->closed) {
        bk_sleep_state *w = sleep_woken.head;
        sleep_woken.head = w->next;
        if (!sleep_woken.head) sleep_woken.tail = NULL;
        w->done = true;
        bk_coro_resume(w->co); /* w is gone once this returns */
    }
}

static void sleep_on_timer(uv_timer_t *timer) {
    bk_sleep_state *s = timer->data;
    s->next = NULL;
    if (sleep_woken.tail)
        sleep_woken.tail->next = s;
    else
        sleep_woken.head = s;
    sleep_woken.tail = s;
    uv_close((uv_handle_t *)timer, sleep_on_close);
}

void bk_sleep(uv_loop_t *loop, uint64_t ms) {
    bk_sleep_state s = {.co = sched_self("bk_sleep")};
    uv_timer_init(loop, &s.timer); /* cannot fail on unix */
    s.timer.data = &s;
    uv_update_time(loop); /* measure from now, not from the start of this loop iteration */
    uv_timer_start(&s.timer, sleep_on_timer, ms, 0);
    while (!s.done) bk_coro_yield();
}

/* ---- run blocking ---------------------------------------------------------------------------- */

typedef struct {
    uv_work_t req;
    bk_coro *co;
    void (*fn)(void *arg);
    void *arg;
    int status;
    bool done;
} bk_blocking_state;

static void blocking_work(uv_work_t *req) {
    bk_blocking_state *s = req->data;
    s->fn(s->arg);
}

static void blocking_after(uv_work_t *req, int status) {
    bk_blocking_state *s = req->data;
    s->status = status;
    s->done = true;
    bk_coro_resume(s->co);
}

int bk_run_blocking(uv_loop_t *loop, void (*fn)(void *arg), void *arg) {
    bk_blocking_state s = {.co = sched_self("bk_run_blocking"), .fn = fn, .arg = arg};
    if (!fn) return UV_EINVAL;
    s.req.data = &s;
    int rc = uv_queue_work(loop, &s.req, blocking_work, blocking_after);
    if (rc < 0) return rc;
    while (!s.done) bk_coro_yield();
    return s.status;
}
