/* Suspending primitives on a libuv loop: sleep, and run-blocking on the thread pool.
 *
 * Both are called from inside a coroutine (see coro.h) whose thread runs `loop` from its
 * main context. They suspend only the calling coroutine; the loop keeps serving everything
 * else, and the libuv callback that completes the wait resumes the coroutine with
 * bk_coro_resume (so its on_finish runs if it then finishes). Their per-call state lives in
 * the suspended coroutine's frame: no allocation.
 *
 * The coroutine must not be resumed by anyone else while it waits; if it is, the call just
 * suspends again until its own wait is over.
 */
#ifndef BK_SCHED_H
#define BK_SCHED_H

#include <stdint.h>
#include <uv.h>

/* Suspends the calling coroutine for at least `ms` milliseconds from the call (a uv_timer on
 * `loop`, at libuv's millisecond resolution); bk_sleep(loop, 0) lets the loop run one
 * iteration. Sleepers wake in deadline order, equal deadlines in call order. (Woken sleepers
 * are queued per thread until the end of the loop iteration, so loops sharing a thread must
 * not be run from inside one another's callbacks.) Aborts if called outside a coroutine. */
void bk_sleep(uv_loop_t *loop, uint64_t ms);

/* Runs fn(arg) on libuv's thread pool (uv_queue_work) and suspends the calling coroutine
 * until it has returned. Returns 0 once fn has run; a negative libuv error if the work could
 * not be queued (fn did not run; the coroutine did not suspend) or was cancelled with
 * uv_cancel (UV_ECANCELED; fn did not run). fn == NULL gives UV_EINVAL. Aborts if called
 * outside a coroutine. */
int bk_run_blocking(uv_loop_t *loop, void (*fn)(void *arg), void *arg);

#endif
