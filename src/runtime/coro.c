/* Stackful coroutines: context switch, stack pool, sanitizer and valgrind annotations.
 *
 * Every switch goes main -> coroutine or coroutine -> main (coroutines never resume each
 * other), so one saved main context per coroutine is all the bookkeeping needed.
 *
 * Stack mapping of one coroutine (addresses grow upwards):
 *
 *     map                 stack_lo                              (bk_coro *)co    map + map_len
 *     | guard (PROT_NONE) | usable stack, grows down <--------- | struct bk_coro |
 *
 * The record sits at the top of its own mapping, so a pooled stack is a pooled coroutine.
 *
 * Test hook: a translation unit may #define BK_CORO_API (e.g. to `static`) and rename the
 * public functions with macros before including this file, to build a second copy of the
 * implementation, e.g. one forced onto the ucontext back end (see tests/unit/test_coro.c).
 */
#include "runtime/coro.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef BK_CORO_API
#define BK_CORO_API
#endif

/* ---- back end selection ---------------------------------------------------------------------- */

#if !defined(BRISK_CORO_UCONTEXT) && \
    !(defined(__ELF__) && (defined(__x86_64__) || defined(__aarch64__)))
#define BRISK_CORO_UCONTEXT 1
#endif

#ifdef BRISK_CORO_UCONTEXT
#include <ucontext.h>
#endif

/* ---- tools ----------------------------------------------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define BK_CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BK_CORO_ASAN 1
#endif
#endif

#ifdef BK_CORO_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define BK_CORO_VALGRIND 1
#endif
#endif

#if defined(__GNUC__)
#define BK_CORO_TLS_IE __attribute__((tls_model("initial-exec")))
#define BK_CORO_NOINLINE __attribute__((noinline))
#else
#define BK_CORO_TLS_IE
#define BK_CORO_NOINLINE
#endif

/* ---- the coroutine record -------------------------------------------------------------------- */

enum { BK_CORO_NEW, BK_CORO_STARTED, BK_CORO_FINISHED };

struct bk_coro {
#ifndef BRISK_CORO_UCONTEXT
    void *sp;        /* saved stack pointer of the coroutine while it is suspended */
    void *caller_sp; /* saved stack pointer of the resumer while the coroutine runs */
#endif
    bk_coro_fn fn;
    void *arg;
    void (*on_finish)(bk_coro *co, void *arg);
    int state;
    bk_coro *next_free; /* pool link */
    char *map;          /* whole mapping, guard page included */
    size_t map_len;
    char *stack_lo; /* lowest usable byte; the stack top is the record itself */
    size_t stack_size;
#ifdef BK_CORO_VALGRIND
    unsigned vg_stack_id;
#endif
#ifdef BK_CORO_ASAN
    void *asan_fake_stack; /* the coroutine's fake stack while it is suspended */
#endif
#ifdef BRISK_CORO_UCONTEXT
    ucontext_t uc;
#endif
};

/* ---- per-thread state ------------------------------------------------------------------------ */

/* Kept small: initial-exec TLS comes out of the static TLS block. */
static _Thread_local struct {
    bk_coro *current;
    bk_coro *free_list;
    size_t free_count;
    size_t map_len;     /* mapping length of new stacks, guard included; 0 = not configured */
    size_t max_pooled;
#ifdef BK_CORO_ASAN
    const void *main_stack_bottom; /* learnt from __sanitizer_finish_switch_fiber */
    size_t main_stack_size;
#endif
} coro_tls BK_CORO_TLS_IE;

#ifdef BRISK_CORO_UCONTEXT
static _Thread_local ucontext_t t_main_uc; /* the resumer's context while a coroutine runs */
#endif

static _Noreturn void coro_die(const char *msg) {
    fprintf(stderr, "brisk: coroutine: %s\n", msg);
    fflush(stderr);
    abort();
}

static size_t coro_page_size(void) {
    static size_t cached;
    size_t p = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (p == 0) {
        long v = sysconf(_SC_PAGESIZE);
        p = v > 0 ? (size_t)v : 4096;
        __atomic_store_n(&cached, p, __ATOMIC_RELAXED);
    }
    return p;
}

/* Mapping length for a requested stack size: page-rounded, at least 16 KiB, plus a guard. */
static size_t coro_map_len_for(size_t stack_size) {
    size_t page = coro_page_size();
    if (stack_size == 0) stack_size = BK_CORO_DEFAULT_STACK_SIZE;
    if (stack_size < 16 * 1024) stack_size = 16 * 1024;
    if (stack_size > SIZE_MAX / 2) stack_size = SIZE_MAX / 2; /* mmap will fail cleanly */
    stack_size = (stack_size + page - 1) & ~(page - 1);
    return stack_size + page;
}

static void coro_ensure_configured(void) {
    if (coro_tls.map_len == 0) {
        coro_tls.map_len = coro_map_len_for(BK_CORO_DEFAULT_STACK_SIZE);
        coro_tls.max_pooled = BK_CORO_DEFAULT_MAX_POOLED;
    }
}

/* ---- stacks ---------------------------------------------------------------------------------- */

static bk_coro *coro_stack_map(size_t map_len) {
    size_t page = coro_page_size();
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_NORESERVE
    flags |= MAP_NORESERVE;
#endif
#ifdef MAP_STACK
    flags |= MAP_STACK;
#endif
    char *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (map == MAP_FAILED) return NULL;
    if (mprotect(map, page, PROT_NONE) != 0) {
        int e = errno;
        munmap(map, map_len);
        errno = e;
        return NULL;
    }
    uintptr_t top = (uintptr_t)(map + map_len);
    bk_coro *co = (bk_coro *)((top - sizeof(bk_coro)) & ~(uintptr_t)63);
    co->map = map;
    co->map_len = map_len;
    co->stack_lo = map + page;
    co->stack_size = (size_t)((char *)co - co->stack_lo);
#ifdef BK_CORO_VALGRIND
    co->vg_stack_id = VALGRIND_STACK_REGISTER(co->stack_lo, (char *)co - 1);
#endif
    return co;
}

static void coro_stack_unmap(bk_coro *co) {
#ifdef BK_CORO_VALGRIND
    VALGRIND_STACK_DEREGISTER(co->vg_stack_id);
#endif
    munmap(co->map, co->map_len);
}

static void coro_stack_release(bk_coro *co) {
#ifdef BK_CORO_ASAN
    /* Frames that never returned (the entry frame, or every frame of an abandoned coroutine)
     * leave poisoned redzones behind; the next user of this stack must not inherit them. */
    __asan_unpoison_memory_region(co->stack_lo, co->stack_size);
#endif
    if (co->map_len == coro_tls.map_len && coro_tls.free_count < coro_tls.max_pooled) {
        co->next_free = coro_tls.free_list;
        coro_tls.free_list = co;
        coro_tls.free_count++;
    } else {
        coro_stack_unmap(co);
    }
}

BK_CORO_API size_t bk_coro_pool_count(void) {
    return coro_tls.free_count;
}

BK_CORO_API void bk_coro_pool_drain(void) {
    while (coro_tls.free_list) {
        bk_coro *co = coro_tls.free_list;
        coro_tls.free_list = co->next_free;
        coro_stack_unmap(co);
    }
    coro_tls.free_count = 0;
}

BK_CORO_API void bk_coro_configure(size_t stack_size, size_t max_pooled_stacks) {
    bk_coro_pool_drain();
    coro_tls.map_len = coro_map_len_for(stack_size);
    coro_tls.max_pooled = max_pooled_stacks;
}

/* ---- switching ------------------------------------------------------------------------------- */

#ifdef BK_CORO_ASAN
/* Called on the coroutine's stack right after it gained control. */
static inline void asan_enter_coro(bk_coro *co) {
    __sanitizer_finish_switch_fiber(co->asan_fake_stack, &coro_tls.main_stack_bottom,
                                    &coro_tls.main_stack_size);
}
#endif

static _Noreturn void coro_main(bk_coro *co);

#ifndef BRISK_CORO_UCONTEXT
/* coro_x86_64.S / coro_aarch64.S. The switch pushes the callee-saved registers on the
 * current stack, stores the stack pointer in *save_sp, loads load_sp and pops the same frame
 * from there. bk_coro_start_asm is where a new coroutine's first switch "returns" to: it
 * calls the function in rbx / x20 with the record in r12 / x19. */
__attribute__((visibility("hidden"))) void bk_coro_switch_asm(void **save_sp, void *load_sp);
__attribute__((visibility("hidden"))) void bk_coro_start_asm(void);

static void coro_ctx_init(bk_coro *co) {
    uintptr_t top = (uintptr_t)co & ~(uintptr_t)15; /* the record is 64-aligned already */
    void **sp = (void **)top;
#if defined(__x86_64__)
    /* The frame bk_coro_switch_asm pops, lowest address first: MXCSR and x87 control word,
     * r15 r14 r13 r12 rbx rbp, return address. The return address sits 8 below a 16-aligned
     * top, so once the switch has popped it rsp is 16-aligned, and the `call` in the start
     * stub enters coro_main exactly like a normal call. */
    uint32_t mxcsr;
    uint16_t fpucw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fpucw));
    *--sp = (void *)(uintptr_t)bk_coro_start_asm; /* return address */
    *--sp = NULL;                                 /* rbp: ends the frame-pointer chain */
    *--sp = (void *)(uintptr_t)coro_main;         /* rbx: what the start stub calls */
    *--sp = co;                                   /* r12: its argument */
    *--sp = NULL;                                 /* r13 */
    *--sp = NULL;                                 /* r14 */
    *--sp = NULL;                                 /* r15 */
    *--sp = (void *)(uintptr_t)((uint64_t)mxcsr | (uint64_t)fpucw << 32);
#elif defined(__aarch64__)
    /* x19..x28, x29, x30, d8..d15: 20 slots, 160 bytes, sp stays 16-aligned. */
    sp -= 20;
    memset(sp, 0, 20 * sizeof(void *));
    sp[0] = co;                                   /* x19: the argument */
    sp[1] = (void *)(uintptr_t)coro_main;         /* x20: what the start stub calls */
    sp[10] = NULL;                                /* x29: ends the frame-pointer chain */
    sp[11] = (void *)(uintptr_t)bk_coro_start_asm; /* x30: where the switch returns to */
#else
#error "no assembly context switch for this architecture; build with BRISK_CORO_UCONTEXT"
#endif
    co->sp = sp;
}
#else
/* makecontext passes int arguments only: the record goes through as two halves. */
static void coro_uc_entry(unsigned int hi, unsigned int lo) {
    uintptr_t p = ((uintptr_t)hi << 16 << 16) | (uintptr_t)lo;
    coro_main((bk_coro *)p);
}

static void coro_ctx_init(bk_coro *co) {
    if (getcontext(&co->uc) != 0) coro_die("getcontext failed");
    co->uc.uc_link = NULL;
    co->uc.uc_stack.ss_sp = co->stack_lo;
    co->uc.uc_stack.ss_size = co->stack_size;
    co->uc.uc_stack.ss_flags = 0;
    uintptr_t p = (uintptr_t)co;
    makecontext(&co->uc, (void (*)(void))coro_uc_entry, 2, (unsigned int)(p >> 16 >> 16),
                (unsigned int)(p & 0xffffffffu));
}
#endif

/* main -> co. */
static inline void coro_switch_in(bk_coro *co) {
#ifdef BK_CORO_ASAN
    void *main_fake_stack = NULL;
    __sanitizer_start_switch_fiber(&main_fake_stack, co->stack_lo, co->stack_size);
#endif
#ifndef BRISK_CORO_UCONTEXT
    bk_coro_switch_asm(&co->caller_sp, co->sp);
#else
    if (swapcontext(&t_main_uc, &co->uc) != 0) coro_die("swapcontext failed");
#endif
#ifdef BK_CORO_ASAN
    __sanitizer_finish_switch_fiber(main_fake_stack, NULL, NULL);
#endif
}

/* co -> main. `final`: co has finished and will never run again. */
static inline void coro_switch_out(bk_coro *co, int final) {
#ifdef BK_CORO_ASAN
    __sanitizer_start_switch_fiber(final ? NULL : &co->asan_fake_stack,
                                   coro_tls.main_stack_bottom, coro_tls.main_stack_size);
#else
    (void)final;
#endif
#ifndef BRISK_CORO_UCONTEXT
    bk_coro_switch_asm(&co->sp, co->caller_sp);
#else
    if (swapcontext(&co->uc, &t_main_uc) != 0) coro_die("swapcontext failed");
#endif
#ifdef BK_CORO_ASAN
    asan_enter_coro(co);
#endif
}

static _Noreturn BK_CORO_NOINLINE void coro_main(bk_coro *co) {
#ifdef BK_CORO_ASAN
    co->asan_fake_stack = NULL;
    asan_enter_coro(co);
#endif
    co->fn(co->arg);
    co->state = BK_CORO_FINISHED;
    coro_switch_out(co, 1);
    coro_die("a finished coroutine was resumed");
}

/* ---- public interface ------------------------------------------------------------------------ */

BK_CORO_API bk_coro *bk_coro_create(bk_coro_fn fn, void *arg,
                                    void (*on_finish)(bk_coro *co, void *arg)) {
    coro_ensure_configured();
    bk_coro *co = coro_tls.free_list;
    if (co) {
        coro_tls.free_list = co->next_free;
        coro_tls.free_count--;
    } else {
        co = coro_stack_map(coro_tls.map_len);
        if (!co) return NULL;
    }
    co->fn = fn;
    co->arg = arg;
    co->on_finish = on_finish;
    co->state = BK_CORO_NEW;
    co->next_free = NULL;
#ifdef BK_CORO_ASAN
    co->asan_fake_stack = NULL;
#endif
    coro_ctx_init(co);
    return co;
}

BK_CORO_API void bk_coro_resume(bk_coro *co) {
    if (coro_tls.current) coro_die("bk_coro_resume called inside a coroutine");
    if (co->state == BK_CORO_FINISHED) coro_die("bk_coro_resume on a finished coroutine");
    co->state = BK_CORO_STARTED;
    coro_tls.current = co;
    coro_switch_in(co);
    coro_tls.current = NULL;
    if (co->state == BK_CORO_FINISHED && co->on_finish) co->on_finish(co, co->arg);
}

BK_CORO_API void bk_coro_yield(void) {
    bk_coro *co = coro_tls.current;
    if (!co) coro_die("bk_coro_yield called outside a coroutine");
    coro_switch_out(co, 0);
}

BK_CORO_API bool bk_coro_finished(const bk_coro *co) {
    return co->state == BK_CORO_FINISHED;
}

BK_CORO_API void bk_coro_destroy(bk_coro *co) {
    if (!co) return;
    if (co == coro_tls.current) coro_die("bk_coro_destroy on the running coroutine");
    coro_stack_release(co);
}

BK_CORO_API bk_coro *bk_coro_current(void) {
    return coro_tls.current;
}

BK_CORO_API void *bk_coro_arg(const bk_coro *co) {
    return co->arg;
}

BK_CORO_API void bk_coro_stack_bounds(const bk_coro *co, void **lo, size_t *size) {
    *lo = co->stack_lo;
    *size = co->stack_size;
}

BK_CORO_API const char *bk_coro_backend(void) {
#if defined(BRISK_CORO_UCONTEXT)
    return "ucontext";
#elif defined(__x86_64__)
    return "x86_64";
#else
    return "aarch64";
#endif
}
