/* Keeping connections when a worker's socket closes. With SO_REUSEPORT every worker has a
 * listening socket of its own, and the kernel resets what is still queued on one when it
 * closes — connections not yet accepted and handshakes still under way — unless it may
 * move them to another socket of the group. net.ipv4.tcp_migrate_req allows that for the
 * whole machine (off by default); a program of type SK_REUSEPORT attached as
 * SELECT_OR_MIGRATE allows it for this group alone. Ours selects nothing (it returns
 * SK_PASS), so the kernel keeps choosing by hash, for new connections and moved ones
 * alike. Loading a BPF program needs CAP_BPF: without it brisk does without, and a
 * retiring worker still takes what is queued before it closes (bk_conn_accept_pending). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "server/server.h"

#if defined(__linux__)
#include <linux/bpf.h>
#include <sys/syscall.h>

static int load_program(void) {
    struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = SK_PASS},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_SK_REUSEPORT;
    attr.expected_attach_type = BPF_SK_REUSEPORT_SELECT_OR_MIGRATE;
    attr.insns = (__u64)(uintptr_t)insns;
    attr.insn_cnt = sizeof insns / sizeof insns[0];
    attr.license = (__u64)(uintptr_t)"Dual BSD/GPL";
    return (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
}

void bk_reuseport_migrate(int fd) {
    static int prog = -2; /* -2: not tried yet; -1: not available */
    if (prog == -2) {
        prog = load_program();
        if (prog < 0)
            brisk_log(BRISK_LOG_DEBUG, "no reuseport migration program (%s): a retiring "
                      "worker's half-open connections may be reset", strerror(errno));
    }
    if (prog >= 0 && setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, &prog, sizeof prog))
        brisk_log(BRISK_LOG_DEBUG, "cannot attach the reuseport program: %s", strerror(errno));
}
#else
void bk_reuseport_migrate(int fd) { (void)fd; }
#endif
