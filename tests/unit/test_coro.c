/* Coroutines: switching, register and FPU state, stacks and their pool, guard pages.
 *
 * Every test runs twice: suite `coro` against the build's own back end (the assembly switch
 * on x86-64 and aarch64), suite `coro_ucontext` against a second copy of coro.c compiled
 * into this file with BRISK_CORO_UCONTEXT and renamed, static entry points. The tests reach
 * either through a table of function pointers.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "runtime/coro.h"

typedef struct {
    void (*configure)(size_t stack_size, size_t max_pooled);
    bk_coro *(*create)(bk_coro_fn fn, void *arg, void (*on_finish)(bk_coro *, void *));
    void (*resume)(bk_coro *co);
    void (*yield)(void);
    bool (*finished)(const bk_coro *co);
    void (*destroy)(bk_coro *co);
    bk_coro *(*current)(void);
    void *(*arg)(const bk_coro *co);
    void (*stack_bounds)(const bk_coro *co, void **lo, size_t *size);
    size_t (*pool_count)(void);
    void (*pool_drain)(void);
    const char *(*backend)(void);
} tc_api;

static const tc_api tc_native = {
    bk_coro_configure, bk_coro_create,   bk_coro_resume,       bk_coro_yield,
    bk_coro_finished,  bk_coro_destroy,  bk_coro_current,      bk_coro_arg,
    bk_coro_stack_bounds, bk_coro_pool_count, bk_coro_pool_drain, bk_coro_backend,
};

/* ---- the ucontext copy ----------------------------------------------------------------------- */

#ifdef BRISK_CORO_UCONTEXT
#define TC_NATIVE_IS_UCONTEXT 1 /* the whole build was forced onto ucontext */
#else
#define BRISK_CORO_UCONTEXT 1
#endif
#define BK_CORO_API static __attribute__((unused))
#define bk_coro_configure tcu_configure
#define bk_coro_create tcu_create
#define bk_coro_resume tcu_resume
#define bk_coro_yield tcu_yield
#define bk_coro_finished tcu_finished
#define bk_coro_destroy tcu_destroy
#define bk_coro_current tcu_current
#define bk_coro_arg tcu_arg
#define bk_coro_stack_bounds tcu_stack_bounds
#define bk_coro_pool_count tcu_pool_count
#define bk_coro_pool_drain tcu_pool_drain
#define bk_coro_backend tcu_backend
#include "runtime/coro.c"
#undef bk_coro_configure
#undef bk_coro_create
#undef bk_coro_resume
#undef bk_coro_yield
#undef bk_coro_finished
#undef bk_coro_destroy
#undef bk_coro_current
#undef bk_coro_arg
#undef bk_coro_stack_bounds
#undef bk_coro_pool_count
#undef bk_coro_pool_drain
#undef bk_coro_backend

static const tc_api tc_ucontext = {
    tcu_configure, tcu_create,       tcu_resume,       tcu_yield,
    tcu_finished,  tcu_destroy,      tcu_current,      tcu_arg,
    tcu_stack_bounds, tcu_pool_count, tcu_pool_drain, tcu_backend,
};

/* Declares body(api) and registers it in both suites. Pass at least one test option.
 * (No .timeout: in this Criterion version it leaks a runner allocation per test when tests
 * run in parallel, which fails ASan builds of the whole test binary.) */
#define TC_TEST(name, ...)                                                    \
    static void tc_##name(const tc_api *api);                                 \
    Test(coro, name, __VA_ARGS__) { tc_##name(&tc_native); }                  \
    Test(coro_ucontext, name, __VA_ARGS__) { tc_##name(&tc_ucontext); }       \
    static void tc_##name(const tc_api *api)

#define TC_NOINLINE __attribute__((noinline))

/* ---- ping-pong ------------------------------------------------------------------------------- */

typedef struct {
    const tc_api *api;
    bk_coro *self;
    long in, out;
    int rounds;
    bool current_ok;
} tc_pingpong_ctx;

static void tc_pingpong_fn(void *p) {
    tc_pingpong_ctx *c = p;
    c->current_ok = c->api->current() == c->self && c->api->arg(c->self) == c;
    for (int i = 0; i < c->rounds; i++) {
        c->out = c->in * 2 + 1; /* answer the value main just sent */
        c->api->yield();
    }
    c->out = -1;
}

TC_TEST(pingpong, .description = "values go back and forth across 1000 yields") {
    tc_pingpong_ctx c = {.api = api, .rounds = 1000};
    bk_coro *co = api->create(tc_pingpong_fn, &c, NULL);
    cr_assert_not_null(co);
    c.self = co;
    cr_assert_null(api->current());
    cr_assert_not(api->finished(co));
    for (int i = 0; i < c.rounds; i++) {
        c.in = i;
        api->resume(co);
        cr_assert_eq(c.out, 2L * i + 1, "round %d: got %ld", i, c.out);
        cr_assert_not(api->finished(co));
        cr_assert_null(api->current());
    }
    api->resume(co);
    cr_assert_eq(c.out, -1);
    cr_assert(api->finished(co));
    cr_assert(c.current_ok);
    api->destroy(co);
}

/* ---- many interleaved ------------------------------------------------------------------------ */

enum { TC_MANY = 1000, TC_MANY_STEPS = 20 };

typedef struct {
    const tc_api *api;
    int *log;
    int log_len;
    int finished;
} tc_many_shared;

typedef struct {
    tc_many_shared *sh;
    int id;
    int local_steps;
} tc_many_ctx;

static void tc_many_fn(void *p) {
    tc_many_ctx *c = p;
    int id = c->id; /* lives on this coroutine's stack across yields */
    for (int s = 0; s < TC_MANY_STEPS; s++) {
        c->sh->log[c->sh->log_len++] = id;
        c->local_steps++;
        c->sh->api->yield();
    }
}

static void tc_many_done(bk_coro *co, void *p) {
    tc_many_ctx *c = p;
    c->sh->finished++;
    c->sh->api->destroy(co);
}

TC_TEST(many_interleaved, .description = "1000 live coroutines, resumed round-robin") {
    static tc_many_ctx ctx[TC_MANY];
    static bk_coro *cos[TC_MANY];
    tc_many_shared sh = {.api = api, .log = calloc(TC_MANY * TC_MANY_STEPS, sizeof(int))};
    cr_assert_not_null(sh.log);
    for (int i = 0; i < TC_MANY; i++) {
        ctx[i] = (tc_many_ctx){.sh = &sh, .id = i};
        cos[i] = api->create(tc_many_fn, &ctx[i], tc_many_done);
        cr_assert_not_null(cos[i], "create %d", i);
    }
    /* Round-robin: step s of every coroutine before step s+1 of any. The last resume of
     * each finishes it, and on_finish destroys it. */
    for (int s = 0; s <= TC_MANY_STEPS; s++)
        for (int i = 0; i < TC_MANY; i++) api->resume(cos[i]);
    cr_assert_eq(sh.finished, TC_MANY);
    cr_assert_eq(sh.log_len, TC_MANY * TC_MANY_STEPS);
    for (int k = 0; k < sh.log_len; k++) cr_assert_eq(sh.log[k], k % TC_MANY, "log[%d]", k);
    for (int i = 0; i < TC_MANY; i++) cr_assert_eq(ctx[i].local_steps, TC_MANY_STEPS);
    free(sh.log);
    api->pool_drain();
}

/* ---- deep recursion -------------------------------------------------------------------------- */

static TC_NOINLINE uintptr_t tc_recurse(int depth) {
    volatile char buf[1024];
    buf[0] = (char)depth;
    buf[sizeof buf - 1] = (char)depth;
    __asm__ volatile("" : : "r"(buf) : "memory"); /* escapes: the whole 1 KiB stays */
    /* The frame address, not &buf: with ASan's detect_stack_use_after_return, locals live on
     * a heap "fake stack". */
    uintptr_t lowest = (uintptr_t)__builtin_frame_address(0);
    if (depth > 0) {
        uintptr_t deeper = tc_recurse(depth - 1);
        if (deeper < lowest) lowest = deeper;
    }
    /* Touch the frame after the call, so there is no tail call. */
    if (buf[0] != (char)depth || buf[sizeof buf - 1] != (char)depth) return 0;
    return lowest;
}

typedef struct {
    int depth;
    uintptr_t lowest;
} tc_recurse_ctx;

static void tc_recurse_fn(void *p) {
    tc_recurse_ctx *c = p;
    c->lowest = tc_recurse(c->depth);
}

TC_TEST(deep_recursion, .description = "recursion through half the stack works") {
    api->configure(512 * 1024, 4);
    tc_recurse_ctx c = {0};
    bk_coro *co = api->create(tc_recurse_fn, &c, NULL);
    cr_assert_not_null(co);
    void *lo;
    size_t size;
    api->stack_bounds(co, &lo, &size);
    cr_assert_geq(size, 500 * 1024);
    cr_assert_leq(size, 512 * 1024);
    c.depth = (int)(size / 2 / 1024); /* half the stack in 1 KiB frames */
    api->resume(co);
    cr_assert(api->finished(co));
    cr_assert_neq(c.lowest, 0, "a frame was corrupted");
    uintptr_t top = (uintptr_t)lo + size;
    cr_assert_geq(c.lowest, (uintptr_t)lo);
    cr_assert_lt(c.lowest, top - size * 2 / 5, "used %zu of %zu bytes", (size_t)(top - c.lowest),
                 size);
    api->destroy(co);
}

/* ---- registers across switches --------------------------------------------------------------- */

static void tc_noop_yield(void) {}

/* Twelve live integers and eight doubles, carried across calls to `step`: with optimisation
 * they sit in callee-saved registers, which a switch inside `step` has to preserve. Main runs
 * this too, with `step` resuming the coroutine, so both sides of every switch hold live
 * values (different ones: `seed`) in every register the compiler can give them. */
static TC_NOINLINE void tc_regs_compute(void (*step)(void), uint64_t seed, int rounds,
                                        uint64_t out[12], double fout[8]) {
    uint64_t a = 1 + seed, b = 2, c = 3 * seed, d = 4, e = 5 ^ seed, f = 6, g = 7, h = 8 + seed,
             i = 9, j = 10, k = 11 * seed, l = 12;
    double x0 = 0.5, x1 = 1.25 * (double)seed, x2 = -3.0, x3 = 7.75, x4 = 0.1 + (double)seed,
           x5 = 2.0, x6 = -0.3, x7 = 9.0;
    for (int r = 0; r < rounds; r++) {
        a = a * 6364136223846793005u + l;
        b ^= a >> 7;
        c += b * 3;
        d = (d << 5 | d >> 59) ^ c;
        e += d;
        f ^= e * 0x9e3779b97f4a7c15u;
        g += f >> 3;
        h ^= g;
        i = i * 31 + h;
        j += i ^ (i >> 11);
        k ^= j * 5;
        l += k;
        step();
        x0 = x0 * 1.0000001 + x7 * 1e-3;
        x1 = x1 - x0 * 0.25;
        x2 = x2 * 0.999 + x1;
        x3 = x3 / 1.5 + x2 * 0.01;
        step();
        x4 = x4 + x3 * 0.5;
        x5 = x5 * 0.75 - x4 * 0.001;
        x6 = x6 + x5 / 3.0;
        x7 = x7 * 0.5 + x6;
    }
    uint64_t o[12] = {a, b, c, d, e, f, g, h, i, j, k, l};
    double fo[8] = {x0, x1, x2, x3, x4, x5, x6, x7};
    memcpy(out, o, sizeof o);
    memcpy(fout, fo, sizeof fo);
}

typedef struct {
    const tc_api *api;
    int rounds;
    uint64_t out[12];
    double fout[8];
} tc_regs_ctx;

static void tc_regs_fn(void *p) {
    tc_regs_ctx *c = p;
    tc_regs_compute(c->api->yield, 1, c->rounds, c->out, c->fout);
}

/* Main's `step`: resume the coroutine (globals, as `step` takes no argument). */
static const tc_api *tc_regs_api;
static bk_coro *tc_regs_co;

static void tc_regs_resume(void) {
    if (!tc_regs_api->finished(tc_regs_co)) tc_regs_api->resume(tc_regs_co);
}

TC_TEST(registers_preserved, .description = "callee-saved registers survive switches") {
    tc_regs_ctx c = {.api = api, .rounds = 500};
    uint64_t want[12], main_want[12], main_got[12];
    double fwant[8], main_fwant[8], main_fgot[8];
    tc_regs_compute(tc_noop_yield, 1, c.rounds, want, fwant);
    tc_regs_compute(tc_noop_yield, 2, c.rounds, main_want, main_fwant);
    tc_regs_api = api;
    tc_regs_co = api->create(tc_regs_fn, &c, NULL);
    cr_assert_not_null(tc_regs_co);
    /* The coroutine steps twice per round, as main does: the last resume finishes it. */
    tc_regs_compute(tc_regs_resume, 2, c.rounds, main_got, main_fgot);
    tc_regs_resume();
    cr_assert(api->finished(tc_regs_co));
    for (int n = 0; n < 12; n++) cr_assert_eq(c.out[n], want[n], "coroutine integer %d", n);
    for (int n = 0; n < 8; n++) cr_assert_eq(c.fout[n], fwant[n], "coroutine double %d", n);
    for (int n = 0; n < 12; n++) cr_assert_eq(main_got[n], main_want[n], "main integer %d", n);
    for (int n = 0; n < 8; n++) cr_assert_eq(main_fgot[n], main_fwant[n], "main double %d", n);
    api->destroy(tc_regs_co);
}

/* ---- stack alignment ------------------------------------------------------------------------- */

/* The compiler lays out a 16-aligned local relative to the stack pointer it assumes is
 * 16-aligned at every call; if the first entry or a switch broke that, the address shows
 * it. (The address is laundered, or the compiler folds the test to true.) */
static TC_NOINLINE bool tc_is_aligned16(volatile char *p) {
    uintptr_t a = (uintptr_t)p;
    __asm__ volatile("" : "+r"(a));
    return (a & 15) == 0;
}

static TC_NOINLINE bool tc_aligned_here(void) {
    _Alignas(16) volatile char buf[16];
    buf[0] = 1;
    return tc_is_aligned16(buf) && buf[0] == 1;
}

typedef struct {
    const tc_api *api;
    bool at_entry, after_yield;
} tc_align_ctx;

static void tc_align_fn(void *p) {
    tc_align_ctx *c = p;
    _Alignas(16) volatile char here[16];
    here[0] = 0;
    c->at_entry = tc_aligned_here() && tc_is_aligned16(here);
    c->api->yield();
    c->after_yield = tc_aligned_here();
}

TC_TEST(stack_aligned, .description = "16-byte aligned stack, first entry and after") {
    tc_align_ctx c = {.api = api};
    bk_coro *co = api->create(tc_align_fn, &c, NULL);
    api->resume(co);
    api->resume(co);
    cr_assert(api->finished(co));
    cr_assert(c.at_entry, "misaligned stack on first entry");
    cr_assert(c.after_yield, "misaligned stack after a switch");
    api->destroy(co);
}

/* ---- floating-point control state ------------------------------------------------------------ */

/* The rounding-control field, read and written directly (no libm): x86-64 has one in MXCSR
 * and one in the x87 control word, and both must follow their context; aarch64 has FPCR. */
#if defined(__x86_64__)
#define TC_HAVE_FP_RC 1
static unsigned tc_fp_rc(void) {
    uint32_t mxcsr;
    uint16_t cw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return ((mxcsr >> 13) & 3u) | ((cw >> 10) & 3u) << 2;
}
static void tc_fp_set_rc(unsigned rc) {
    uint32_t mxcsr;
    uint16_t cw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    mxcsr = (mxcsr & ~(3u << 13)) | rc << 13;
    cw = (uint16_t)((cw & ~(3u << 10)) | rc << 10);
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    __asm__ volatile("fldcw %0" : : "m"(cw));
}
static unsigned tc_fp_rc_expect(unsigned rc) {
    return rc | rc << 2; /* both fields */
}
#elif defined(__aarch64__)
#define TC_HAVE_FP_RC 1
static unsigned tc_fp_rc(void) {
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return (unsigned)(fpcr >> 22) & 3u;
}
static void tc_fp_set_rc(unsigned rc) {
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr = (fpcr & ~((uint64_t)3 << 22)) | (uint64_t)rc << 22;
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
}
static unsigned tc_fp_rc_expect(unsigned rc) {
    return rc;
}
#endif

#ifdef TC_HAVE_FP_RC
typedef struct {
    const tc_api *api;
    unsigned rc_at_entry, rc_after_yield;
} tc_fenv_ctx;

static void tc_fenv_fn(void *p) {
    tc_fenv_ctx *c = p;
    c->rc_at_entry = tc_fp_rc();
    tc_fp_set_rc(3);
    c->api->yield();
    c->rc_after_yield = tc_fp_rc();
    tc_fp_set_rc(0);
}
#endif

TC_TEST(rounding_mode_per_context, .description = "FP control state is per context") {
#ifndef TC_HAVE_FP_RC
    (void)api;
    cr_skip_test("no rounding-control access on this architecture");
#else
#if defined(__aarch64__)
    /* The aarch64 switch saves the AAPCS64 callee-saved set only; FPCR is not in it. */
    if (strcmp(api->backend(), "ucontext") != 0) cr_skip_test("FPCR is not switched on aarch64");
#endif
    tc_fenv_ctx c = {.api = api};
    cr_assert_eq(tc_fp_rc(), tc_fp_rc_expect(0));
    bk_coro *co = api->create(tc_fenv_fn, &c, NULL);
    api->resume(co);
    unsigned main_rc = tc_fp_rc();
    tc_fp_set_rc(2);
    api->resume(co);
    cr_assert(api->finished(co));
    unsigned main_rc2 = tc_fp_rc();
    tc_fp_set_rc(0);
    cr_assert_eq(c.rc_at_entry, tc_fp_rc_expect(0), "a new coroutine starts with the creator's");
    cr_assert_eq(main_rc, tc_fp_rc_expect(0), "the coroutine's mode leaked into main");
    cr_assert_eq(c.rc_after_yield, tc_fp_rc_expect(3), "main's mode leaked into the coroutine");
    cr_assert_eq(main_rc2, tc_fp_rc_expect(2), "the coroutine's mode leaked into main");
    api->destroy(co);
#endif
}

/* ---- stacks and the pool --------------------------------------------------------------------- */

static void tc_empty_fn(void *p) {
    (void)p;
}

TC_TEST(pool_reuse_and_cap, .description = "freed stacks are reused LIFO; the pool is capped") {
    api->configure(64 * 1024, 3);
    cr_assert_eq(api->pool_count(), 0);

    bk_coro *a = api->create(tc_empty_fn, NULL, NULL);
    void *a_lo;
    size_t a_size;
    api->stack_bounds(a, &a_lo, &a_size);
    cr_assert_eq((uintptr_t)a_lo % (uintptr_t)sysconf(_SC_PAGESIZE), 0);
    api->resume(a);
    cr_assert(api->finished(a));
    api->destroy(a);
    cr_assert_eq(api->pool_count(), 1);

    /* The same stack comes back, and the record is reset. */
    bk_coro *b = api->create(tc_empty_fn, NULL, NULL);
    void *b_lo;
    size_t b_size;
    api->stack_bounds(b, &b_lo, &b_size);
    cr_assert_eq(b_lo, a_lo);
    cr_assert_eq(b_size, a_size);
    cr_assert_eq(api->pool_count(), 0);
    cr_assert_not(api->finished(b));
    api->resume(b);
    cr_assert(api->finished(b));
    api->destroy(b);

    /* Never-started coroutines can be destroyed; the pool keeps at most 3. */
    bk_coro *cs[8];
    for (int i = 0; i < 8; i++) cs[i] = api->create(tc_empty_fn, NULL, NULL);
    cr_assert_eq(api->pool_count(), 0);
    for (int i = 0; i < 8; i++) api->destroy(cs[i]);
    cr_assert_eq(api->pool_count(), 3);
    api->pool_drain();
    cr_assert_eq(api->pool_count(), 0);

    /* Reconfiguring releases the pool; a live stack of the old size is unmapped, not pooled. */
    bk_coro *old = api->create(tc_empty_fn, NULL, NULL);
    api->destroy(api->create(tc_empty_fn, NULL, NULL));
    cr_assert_eq(api->pool_count(), 1);
    api->configure(128 * 1024, 3);
    cr_assert_eq(api->pool_count(), 0);
    api->destroy(old);
    cr_assert_eq(api->pool_count(), 0);
    bk_coro *n = api->create(tc_empty_fn, NULL, NULL);
    void *n_lo;
    size_t n_size;
    api->stack_bounds(n, &n_lo, &n_size);
    cr_assert_gt(n_size, 64 * 1024);
    api->destroy(n);
    cr_assert_eq(api->pool_count(), 1);
}

TC_TEST(stack_size_rounding, .description = "stack sizes are page-rounded") {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    api->configure(100000, 1);
    bk_coro *co = api->create(tc_empty_fn, NULL, NULL);
    void *lo;
    size_t size;
    api->stack_bounds(co, &lo, &size);
    size_t rounded = (100000 + page - 1) / page * page;
    cr_assert_leq(size, rounded);
    cr_assert_geq(size, rounded - 4096, "record takes too much: %zu of %zu", size, rounded);
    api->destroy(co);

    api->configure(0, 1); /* default */
    co = api->create(tc_empty_fn, NULL, NULL);
    api->stack_bounds(co, &lo, &size);
    cr_assert_leq(size, BK_CORO_DEFAULT_STACK_SIZE);
    cr_assert_geq(size, BK_CORO_DEFAULT_STACK_SIZE - 4096);
    api->destroy(co);
}

/* ---- guard page ------------------------------------------------------------------------------ */

static volatile int tc_overflow_stop = -1;
static char *volatile tc_guard_lo;
static char *volatile tc_guard_hi;

static TC_NOINLINE int tc_overflow(int n) {
    volatile char buf[256];
    buf[0] = (char)n;
    __asm__ volatile("" : : "r"(buf) : "memory");
    if (n == tc_overflow_stop) return 0;
    return tc_overflow(n + 1) + buf[0];
}

static void tc_overflow_fn(void *p) {
    (void)p;
    tc_overflow(0);
}

/* On the alternate stack: a fault in the guard page is passed on as a plain SIGSEGV (the
 * handler resets itself and the faulting instruction runs again); any other fault exits
 * with status 3, which fails the test. */
static void tc_segv(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    char *addr = si->si_addr;
    if (addr >= tc_guard_lo && addr < tc_guard_hi) return;
    _exit(3);
}

TC_TEST(overflow_hits_guard_page, .signal = SIGSEGV) {
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    cr_assert_eq(sigaltstack(&ss, NULL), 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = tc_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    cr_assert_eq(sigaction(SIGSEGV, &sa, NULL), 0);

    api->configure(64 * 1024, 1);
    bk_coro *co = api->create(tc_overflow_fn, NULL, NULL);
    void *lo;
    size_t size;
    api->stack_bounds(co, &lo, &size);
    tc_guard_hi = lo;
    tc_guard_lo = (char *)lo - sysconf(_SC_PAGESIZE);
    api->resume(co);
    _exit(4); /* unreachable: the overflow must kill us */
}

/* ---- on_finish ------------------------------------------------------------------------------- */

typedef struct {
    const tc_api *api;
    bk_coro *co;
    void *lo;
    size_t size;
    int calls;
    bool arg_ok, co_ok, in_main, on_main_stack;
} tc_finish_ctx;

static void tc_finish_fn(void *p) {
    tc_finish_ctx *c = p;
    c->api->yield();
}

static void tc_on_finish(bk_coro *co, void *p) {
    tc_finish_ctx *c = p;
    char *here = __builtin_frame_address(0);
    c->calls++;
    c->arg_ok = true;
    c->co_ok = co == c->co;
    c->in_main = c->api->current() == NULL;
    c->on_main_stack = !(here >= (char *)c->lo && here < (char *)c->lo + c->size);
    cr_assert(c->api->finished(co));
    c->api->destroy(co);
}

TC_TEST(on_finish_destroys, .description = "on_finish runs on main, may destroy") {
    api->configure(0, 8);
    tc_finish_ctx c = {.api = api};
    c.co = api->create(tc_finish_fn, &c, tc_on_finish);
    api->stack_bounds(c.co, &c.lo, &c.size);
    api->resume(c.co);
    cr_assert_eq(c.calls, 0);
    api->resume(c.co);
    cr_assert_eq(c.calls, 1);
    cr_assert(c.arg_ok && c.co_ok);
    cr_assert(c.in_main, "on_finish must run in the main context");
    cr_assert(c.on_main_stack, "on_finish must run on the resumer's stack");
    cr_assert_eq(api->pool_count(), 1);
    /* The destroyed coroutine's stack is the next one handed out. */
    bk_coro *next = api->create(tc_empty_fn, NULL, NULL);
    void *lo;
    size_t size;
    api->stack_bounds(next, &lo, &size);
    cr_assert_eq(lo, c.lo);
    api->resume(next);
    api->destroy(next);
}

/* ---- misuse aborts --------------------------------------------------------------------------- */

TC_TEST(yield_outside_aborts, .signal = SIGABRT) {
    api->yield();
}

typedef struct {
    const tc_api *api;
    bk_coro *other;
} tc_nested_ctx;

static void tc_nested_fn(void *p) {
    tc_nested_ctx *c = p;
    c->api->resume(c->other);
}

TC_TEST(resume_inside_coroutine_aborts, .signal = SIGABRT) {
    tc_nested_ctx c = {.api = api};
    c.other = api->create(tc_empty_fn, NULL, NULL);
    bk_coro *co = api->create(tc_nested_fn, &c, NULL);
    api->resume(co);
}

TC_TEST(resume_finished_aborts, .signal = SIGABRT) {
    bk_coro *co = api->create(tc_empty_fn, NULL, NULL);
    api->resume(co);
    api->resume(co);
}

/* ---- back end -------------------------------------------------------------------------------- */

Test(coro, backend_name) {
#if defined(TC_NATIVE_IS_UCONTEXT)
    cr_assert_str_eq(bk_coro_backend(), "ucontext");
#elif defined(__x86_64__) && defined(__ELF__)
    cr_assert_str_eq(bk_coro_backend(), "x86_64");
#elif defined(__aarch64__) && defined(__ELF__)
    cr_assert_str_eq(bk_coro_backend(), "aarch64");
#else
    cr_assert_str_eq(bk_coro_backend(), "ucontext");
#endif
}

Test(coro_ucontext, backend_name) {
    cr_assert_str_eq(tcu_backend(), "ucontext");
}
