/* bk_sleep and bk_run_blocking on a real libuv loop. Timing bounds are loose on purpose. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>
#include <uv.h>

#include "runtime/coro.h"
#include "runtime/sched.h"

static uint64_t ts_now_ms(void) {
    return uv_hrtime() / 1000000u;
}

/* Starts fn(arg) as a coroutine (destroyed by on_finish) and runs it to its first suspend. */
static void ts_finished(bk_coro *co, void *arg) {
    (void)arg;
    bk_coro_destroy(co);
}

static void ts_spawn(bk_coro_fn fn, void *arg) {
    bk_coro *co = bk_coro_create(fn, arg, ts_finished);
    cr_assert_not_null(co);
    bk_coro_resume(co);
}

static void ts_close_loop(uv_loop_t *loop) {
    cr_assert_eq(uv_loop_close(loop), 0, "a handle was left open");
}

/* ---- concurrent sleeps ----------------------------------------------------------------------- */

enum { TS_SLEEPERS = 1000 };

typedef struct {
    uv_loop_t *loop;
    int done;
    uint64_t min_slept;
} ts_sleepers;

typedef struct {
    ts_sleepers *sh;
    uint64_t ms;
} ts_sleeper;

static void ts_sleeper_fn(void *p) {
    ts_sleeper *s = p;
    uint64_t t0 = ts_now_ms();
    bk_sleep(s->sh->loop, s->ms);
    uint64_t slept = ts_now_ms() - t0;
    if (slept < s->sh->min_slept) s->sh->min_slept = slept;
    s->sh->done++;
}

Test(sched, thousand_sleeps_overlap) {
    static ts_sleeper sl[TS_SLEEPERS];
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_sleepers sh = {.loop = &loop, .min_slept = UINT64_MAX};
    uint64_t t0 = ts_now_ms();
    for (int i = 0; i < TS_SLEEPERS; i++) {
        sl[i] = (ts_sleeper){.sh = &sh, .ms = 100};
        ts_spawn(ts_sleeper_fn, &sl[i]);
    }
    cr_assert_eq(sh.done, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    uint64_t elapsed = ts_now_ms() - t0;
    cr_assert_eq(sh.done, TS_SLEEPERS);
    cr_assert_geq(sh.min_slept, 95, "a sleep ended early: %llu ms",
                  (unsigned long long)sh.min_slept);
    cr_assert_lt(elapsed, 2000, "1000 x 100 ms took %llu ms: sleeps did not overlap",
                 (unsigned long long)elapsed);
    ts_close_loop(&loop);
    bk_coro_pool_drain();
}

/* ---- wake-up order --------------------------------------------------------------------------- */

typedef struct {
    uv_loop_t *loop;
    int order[16];
    int n;
} ts_order;

typedef struct {
    ts_order *sh;
    int id;
    uint64_t ms;
} ts_order_item;

static void ts_order_fn(void *p) {
    ts_order_item *it = p;
    bk_sleep(it->sh->loop, it->ms);
    it->sh->order[it->sh->n++] = it->id;
}

Test(sched, wake_order_follows_deadlines) {
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_order sh = {.loop = &loop};
    /* id = expected rank. Equal lengths (ids 3 and 4) wake in call order. Deadlines are
     * 20 ms apart, far more than spawning takes, even under valgrind. */
    ts_order_item items[] = {
        {&sh, 6, 120}, {&sh, 1, 20}, {&sh, 5, 100}, {&sh, 3, 60}, {&sh, 4, 60},
        {&sh, 0, 0},   {&sh, 2, 40}, {&sh, 7, 140},
    };
    int n = (int)(sizeof items / sizeof items[0]);
    for (int i = 0; i < n; i++) ts_spawn(ts_order_fn, &items[i]);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(sh.n, n);
    for (int i = 0; i < n; i++)
        cr_assert_eq(sh.order[i], i, "wake %d was sleeper %d", i, sh.order[i]);
    ts_close_loop(&loop);
}

/* Sleepers that fire in the same loop iteration still wake in deadline order (libuv runs
 * close callbacks newest first; bk_sleep must not let that reorder wake-ups). Block the
 * loop past all deadlines, then let it run. Spawned in deadline order, so slow spawning
 * cannot reorder the deadlines themselves. */
Test(sched, wake_order_when_due_together) {
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_order sh = {.loop = &loop};
    ts_order_item items[] = {
        {&sh, 0, 1}, {&sh, 1, 5}, {&sh, 2, 5}, {&sh, 3, 10}, {&sh, 4, 20},
    };
    int n = (int)(sizeof items / sizeof items[0]);
    for (int i = 0; i < n; i++) ts_spawn(ts_order_fn, &items[i]);
    usleep(100 * 1000);
    uv_run(&loop, UV_RUN_ONCE); /* one iteration: all of them are due */
    cr_assert_eq(sh.n, n, "not all woke in one iteration");
    for (int i = 0; i < n; i++)
        cr_assert_eq(sh.order[i], i, "wake %d was sleeper %d", i, sh.order[i]);
    uv_run(&loop, UV_RUN_DEFAULT);
    ts_close_loop(&loop);
}

/* ---- sleep(0) and spurious resumes ----------------------------------------------------------- */

typedef struct {
    uv_loop_t *loop;
    char log[16];
    int n;
} ts_zero;

typedef struct {
    ts_zero *sh;
    char name;
} ts_zero_item;

static void ts_zero_fn(void *p) {
    ts_zero_item *it = p;
    for (int i = 0; i < 3; i++) {
        bk_sleep(it->sh->loop, 0);
        it->sh->log[it->sh->n++] = it->name;
    }
}

Test(sched, sleep_zero_lets_others_run) {
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_zero sh = {.loop = &loop};
    ts_zero_item a = {&sh, 'a'}, b = {&sh, 'b'};
    ts_spawn(ts_zero_fn, &a);
    ts_spawn(ts_zero_fn, &b);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(sh.n, 6);
    cr_assert_str_eq(sh.log, "ababab");
    ts_close_loop(&loop);
}

typedef struct {
    uv_loop_t *loop;
    bool done;
} ts_spurious;

static void ts_spurious_fn(void *p) {
    ts_spurious *s = p;
    bk_sleep(s->loop, 50);
    s->done = true;
}

Test(sched, spurious_resume_keeps_sleeping) {
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_spurious s = {.loop = &loop};
    bk_coro *co = bk_coro_create(ts_spurious_fn, &s, NULL);
    uint64_t t0 = ts_now_ms();
    bk_coro_resume(co);
    bk_coro_resume(co); /* not the timer: must go straight back to sleep */
    cr_assert_not(s.done);
    cr_assert_not(bk_coro_finished(co));
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert(s.done);
    cr_assert(bk_coro_finished(co));
    cr_assert_geq(ts_now_ms() - t0, 49);
    bk_coro_destroy(co);
    ts_close_loop(&loop);
}

/* ---- run blocking ---------------------------------------------------------------------------- */

typedef struct {
    uv_loop_t *loop;
    pthread_t loop_thread, work_thread;
    atomic_int ticks;
    atomic_bool stop;
    bool saw_ticks;
    int rc;
    bk_coro *blocker;
    bool still_in_blocker;
} ts_blocking;

/* On a pool thread: wait (bounded) until the loop has served five timer ticks. */
static void ts_blocking_work(void *p) {
    ts_blocking *b = p;
    b->work_thread = pthread_self();
    for (int i = 0; i < 5000 && atomic_load(&b->ticks) < 5; i++) usleep(1000);
    b->saw_ticks = atomic_load(&b->ticks) >= 5;
}

static void ts_blocker_fn(void *p) {
    ts_blocking *b = p;
    b->rc = bk_run_blocking(b->loop, ts_blocking_work, b);
    b->still_in_blocker = bk_coro_current() == b->blocker;
    atomic_store(&b->stop, true);
}

static void ts_ticker_fn(void *p) {
    ts_blocking *b = p;
    while (!atomic_load(&b->stop)) {
        bk_sleep(b->loop, 2);
        atomic_fetch_add(&b->ticks, 1);
    }
}

Test(sched, run_blocking_on_pool_while_loop_serves_timers) {
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_blocking b = {.loop = &loop, .loop_thread = pthread_self(), .rc = 1};
    atomic_init(&b.ticks, 0);
    atomic_init(&b.stop, false);
    b.blocker = bk_coro_create(ts_blocker_fn, &b, ts_finished);
    cr_assert_not_null(b.blocker);
    bk_coro_resume(b.blocker);
    ts_spawn(ts_ticker_fn, &b);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(b.rc, 0);
    cr_assert(b.still_in_blocker);
    cr_assert_not(pthread_equal(b.work_thread, b.loop_thread), "fn ran on the loop thread");
    cr_assert(b.saw_ticks, "timers did not fire while fn was blocking");
    ts_close_loop(&loop);
}

enum { TS_WORKERS = 32 };

typedef struct {
    uv_loop_t *loop;
    int id;
    uint64_t sum;
    int rc;
    int *finished;
} ts_work;

static void ts_sum_work(void *p) {
    ts_work *w = p;
    uint64_t s = 0;
    for (uint64_t i = 1; i <= (uint64_t)w->id * 1000; i++) s += i;
    w->sum = s;
    usleep(2000);
}

static void ts_sum_fn(void *p) {
    ts_work *w = p;
    w->rc = bk_run_blocking(w->loop, ts_sum_work, w);
    (*w->finished)++;
}

Test(sched, run_blocking_many) {
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_work w[TS_WORKERS];
    int finished = 0;
    for (int i = 0; i < TS_WORKERS; i++) {
        w[i] = (ts_work){.loop = &loop, .id = i + 1, .rc = 1, .finished = &finished};
        ts_spawn(ts_sum_fn, &w[i]);
    }
    cr_assert_eq(finished, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(finished, TS_WORKERS);
    for (int i = 0; i < TS_WORKERS; i++) {
        uint64_t n = (uint64_t)(i + 1) * 1000;
        cr_assert_eq(w[i].rc, 0);
        cr_assert_eq(w[i].sum, n * (n + 1) / 2, "worker %d", i);
    }
    ts_close_loop(&loop);
}

typedef struct {
    uv_loop_t *loop;
    int rc;
} ts_einval;

static void ts_einval_fn(void *p) {
    ts_einval *e = p;
    e->rc = bk_run_blocking(e->loop, NULL, NULL);
}

Test(sched, run_blocking_queue_failure_returns_error) {
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    ts_einval e = {.loop = &loop, .rc = 1};
    bk_coro *co = bk_coro_create(ts_einval_fn, &e, NULL);
    bk_coro_resume(co); /* no suspension: the error comes back at once */
    cr_assert(bk_coro_finished(co));
    cr_assert_eq(e.rc, UV_EINVAL);
    bk_coro_destroy(co);
    ts_close_loop(&loop);
}

static void ts_nop(void *p) {
    (void)p;
}

Test(sched, outside_coroutine_aborts, .signal = SIGABRT) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    bk_run_blocking(&loop, ts_nop, NULL);
}

Test(sched, sleep_outside_coroutine_aborts, .signal = SIGABRT) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    bk_sleep(&loop, 1);
}
