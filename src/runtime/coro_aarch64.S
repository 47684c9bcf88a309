/* Context switch for aarch64, AAPCS64 (see coro.c for the frame layout).
 *
 *   void bk_coro_switch_asm(void **save_sp, void *load_sp);
 *
 * Stores the callee-saved state (x19-x28, x29 frame pointer, x30 link register, d8-d15:
 * 160 bytes, so sp stays 16-aligned) below sp, stores sp in *save_sp, switches to load_sp,
 * loads the same frame from there and returns to the loaded x30. (`ret`, not `br x30`: with
 * branch protection a `br` must land on a BTI pad, and return addresses in C code are not.)
 *
 *   bk_coro_start_asm
 *
 * Not a function: where a new coroutine's first switch returns to. Calls x20(x19), i.e.
 * coro_main(co), which never returns.
 */
#if defined(__aarch64__) && defined(__ELF__)

    .text

    .globl  bk_coro_switch_asm
    .hidden bk_coro_switch_asm
    .type   bk_coro_switch_asm, %function
    .p2align 4
bk_coro_switch_asm:
    .cfi_startproc
    hint    #34                 /* bti c: a landing pad when branch protection is on */
    sub     sp, sp, #160
    .cfi_def_cfa_offset 160
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    .cfi_offset x19, -160
    .cfi_offset x20, -152
    .cfi_offset x21, -144
    .cfi_offset x22, -136
    .cfi_offset x23, -128
    .cfi_offset x24, -120
    .cfi_offset x25, -112
    .cfi_offset x26, -104
    .cfi_offset x27, -96
    .cfi_offset x28, -88
    .cfi_offset x29, -80
    .cfi_offset x30, -72
    stp     d8,  d9,  [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]

    mov     x9, sp
    str     x9, [x0]
    mov     sp, x1
    /* The frame just loaded has the same layout, so the CFI above still describes it. */

    ldp     d8,  d9,  [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #160
    .cfi_def_cfa_offset 0
    .cfi_restore x19
    .cfi_restore x20
    .cfi_restore x21
    .cfi_restore x22
    .cfi_restore x23
    .cfi_restore x24
    .cfi_restore x25
    .cfi_restore x26
    .cfi_restore x27
    .cfi_restore x28
    .cfi_restore x29
    .cfi_restore x30
    ret
    .cfi_endproc
    .size   bk_coro_switch_asm, .-bk_coro_switch_asm

    .globl  bk_coro_start_asm
    .hidden bk_coro_start_asm
    .type   bk_coro_start_asm, %function
    .p2align 4
bk_coro_start_asm:
    .cfi_startproc
    .cfi_undefined x30          /* outermost frame: unwinders and debuggers stop here */
    mov     x0, x19
    blr     x20
    brk     #1                  /* coro_main never returns */
    .cfi_endproc
    .size   bk_coro_start_asm, .-bk_coro_start_asm

#endif

#if defined(__ELF__)
/* Emitted on every target (this file is compiled on all of them) so that an object with no
 * code still does not ask for an executable stack. */
#if defined(__x86_64__) || defined(__i386__)
    .section .note.GNU-stack,"",@progbits
#else
    .section .note.GNU-stack,"",%progbits
#endif
#endif
