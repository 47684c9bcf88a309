/* Stackful coroutines with pooled, guard-paged stacks.
 *
 * Threading: all state is per thread. A coroutine is created, resumed and destroyed on one
 * thread, and resumed only from that thread's main context (never from inside another
 * coroutine), so every switch is main -> coroutine -> main. In a worker the main context is
 * the libuv loop: callbacks resume the coroutine that waits for them.
 *
 * Back ends: an own context switch for x86-64 (SysV) and aarch64 (AAPCS64) in
 * coro_x86_64.S / coro_aarch64.S; ucontext everywhere else, or on any arch when built with
 * -DBRISK_CORO_UCONTEXT.
 *
 * Stacks: each is one mmap with a PROT_NONE guard page below it, so an overflow is a clean
 * SIGSEGV. The bk_coro record lives at the top of its own stack mapping: creating a
 * coroutine from a warm pool costs no malloc and no syscall. Freed stacks go back to a
 * per-thread LIFO pool (bounded; the excess is munmap'd). Each stack is two VMAs, so the
 * kernel's vm.max_map_count (65530 by default) bounds live coroutines at roughly 32k per
 * process.
 *
 * Tools: built with AddressSanitizer, switches are annotated with
 * __sanitizer_{start,finish}_switch_fiber; when <valgrind/valgrind.h> is available, stacks are
 * registered with VALGRIND_STACK_REGISTER.
 */
#ifndef BK_CORO_H
#define BK_CORO_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bk_coro bk_coro;
typedef void (*bk_coro_fn)(void *arg);

#define BK_CORO_DEFAULT_STACK_SIZE ((size_t)256 * 1024)
#define BK_CORO_DEFAULT_MAX_POOLED 64

/* Sets this thread's stack size (page-rounded, at least 16 KiB; 0 = the default 256 KiB)
 * and how many free stacks its pool keeps. Best called before the first create; if called
 * later, pooled stacks are released and live coroutines keep their old size (their stacks
 * are unmapped, not pooled, when they are destroyed). */
void bk_coro_configure(size_t stack_size, size_t max_pooled_stacks);

/* A new, not yet started coroutine that will run fn(arg) on its own stack. on_finish (may
 * be NULL) is called by bk_coro_resume, on the resumer's stack, right after fn returns, as
 * on_finish(co, arg); it may destroy the coroutine. NULL on ENOMEM (errno set). */
bk_coro *bk_coro_create(bk_coro_fn fn, void *arg, void (*on_finish)(bk_coro *co, void *arg));

/* Runs co until it yields or finishes. Main context only; co must not be finished. */
void bk_coro_resume(bk_coro *co);

/* From inside a coroutine: suspends it and returns to its resumer. Returns when it is
 * resumed again. */
void bk_coro_yield(void);

bool bk_coro_finished(const bk_coro *co);

/* Frees a finished or never-started coroutine; its stack goes back to the pool. (A
 * suspended coroutine may be destroyed too, but it is abandoned without unwinding: whatever
 * its frames own leaks.) Never destroy the running coroutine. */
void bk_coro_destroy(bk_coro *co);

/* The running coroutine; NULL in the main context. */
bk_coro *bk_coro_current(void);

/* The argument co was created with. */
void *bk_coro_arg(const bk_coro *co);

/* The usable stack of co: [*lo, *lo + *size). The guard page is the page just below *lo.
 * For diagnostics and tests. */
void bk_coro_stack_bounds(const bk_coro *co, void **lo, size_t *size);

/* Number of free stacks in this thread's pool. */
size_t bk_coro_pool_count(void);

/* Unmaps every free stack in this thread's pool (e.g. when a worker thread exits). */
void bk_coro_pool_drain(void);

/* Which back end this build uses: "x86_64", "aarch64" or "ucontext". */
const char *bk_coro_backend(void);

#endif
