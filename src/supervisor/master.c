/* The master process: forks workers, restarts crashed or stuck ones, rolls them on SIGHUP,
 * adds or removes one on SIGTTIN/SIGTTOU, and drains them all on SIGTERM/SIGINT.
 *
 * The master owns one listening socket per worker slot (SO_REUSEPORT) and never closes it
 * while the slot lives. A worker that exits or is replaced closes only its own copy, so
 * connections the kernel queued on that socket wait for the next worker of the slot
 * instead of being reset: this is what makes SIGHUP and crash recovery lose nothing. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervisor/supervisor.h"

#define MAX_SLOTS 256
#define MAX_HB (MAX_SLOTS * 4)
#define MAX_RETIRED 512
#define BACKOFF_MAX_MS 10000
#define TICK_MS 100

typedef struct slot {
    bool used;
    bool retiring;        /* SIGTTOU: its worker drains and the slot goes away */
    int fd;
    pid_t pid;            /* current worker, 0 while none */
    int hb;               /* heartbeat index of the current worker */
    uint64_t started_ms;
    uint64_t respawn_at;  /* when pid == 0: when to fork the next worker */
    uint64_t backoff_ms;
    pid_t rolling_old;    /* SIGHUP: the worker the current one replaces, until it is ready */
    bool rolled;          /* SIGHUP: the replacement was forked */
} slot;

typedef struct retired {
    pid_t pid;
    int hb;
    uint64_t kill_at;     /* SIGKILL if it has not drained by then */
} retired;

static struct {
    bk_config *cfg;
    bk_request_fn fn;
    void *udata;
    slot slots[MAX_SLOTS];
    int nslots;
    bk_heartbeat *hbs;
    bool hb_used[MAX_HB];
    retired retired[MAX_RETIRED];
    int nretired;
    int sigpipe[2];
    int shared_fd;        /* --uds: all slots share one socket */
    bool stopping;
    uint64_t stop_deadline;
    int roll_next;        /* next slot to roll; -1 when no reload is running */
} M;

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_signal(int signo) {
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    ssize_t w = write(M.sigpipe[1], &b, 1);
    (void)w;
    errno = saved;
}

static const int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU};

static void install_signals(void) {
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof handled / sizeof *handled; i++) sigaction(handled[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int hb_alloc(void) {
    for (int i = 0; i < MAX_HB; i++)
        if (!M.hb_used[i]) {
            M.hb_used[i] = true;
            M.hbs[i].beat_ms = 0;
            M.hbs[i].ready = 0;
            return i;
        }
    return -1;
}

static int slot_socket(void) {
    if (M.cfg->uds) return M.shared_fd;
    int fd = bk_listen_socket(M.cfg);
    if (fd >= 0 && M.cfg->port == 0) {
        /* Port 0: the kernel chose one; every other slot must join the same port. */
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        getsockname(fd, (struct sockaddr *)&ss, &len);
        M.cfg->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                     : ((struct sockaddr_in *)&ss)->sin_port);
    }
    return fd;
}

static void child_main(int si, int hb) {
    /* The child starts from a clean signal state; its loop installs its own handlers. */
    struct sigaction sa = {.sa_handler = SIG_DFL};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof handled / sizeof *handled; i++) sigaction(handled[i], &sa, NULL);
    signal(SIGHUP, SIG_IGN); /* the master decides about reloads */
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    close(M.sigpipe[0]);
    close(M.sigpipe[1]);
    /* Holding other slots' sockets would keep a retired slot's socket alive, and
     * connections queued there would wait forever. */
    for (int i = 0; i < M.nslots; i++)
        if (i != si && M.slots[i].used && M.slots[i].fd >= 0 && M.slots[i].fd != M.slots[si].fd)
            close(M.slots[i].fd);
    int rc = bk_worker_run(M.cfg, M.slots[si].fd, M.fn, M.udata, &M.hbs[hb]);
    _exit(rc);
}

static bool spawn(int si) {
    slot *s = &M.slots[si];
    int hb = hb_alloc();
    if (hb < 0) return false;
    pid_t pid = fork();
    if (pid < 0) {
        brisk_log(BRISK_LOG_ERROR, "fork: %s", strerror(errno));
        M.hb_used[hb] = false;
        s->respawn_at = now_ms() + 1000;
        return false;
    }
    if (pid == 0) child_main(si, hb);
    s->pid = pid;
    s->hb = hb;
    s->started_ms = now_ms();
    brisk_log(BRISK_LOG_INFO, "started worker %d [%d]", si + 1, (int)pid);
    return true;
}

static int add_slot(void) {
    int si = -1;
    for (int i = 0; i < M.nslots; i++)
        if (!M.slots[i].used) si = i;
    if (si < 0) {
        if (M.nslots == MAX_SLOTS) return -1;
        si = M.nslots++;
    }
    int fd = slot_socket();
    if (fd < 0) return -1;
    M.slots[si] = (slot){.used = true, .fd = fd};
    return spawn(si) ? si : -1;
}

static int live_workers(void) {
    int n = 0;
    for (int i = 0; i < M.nslots; i++)
        if (M.slots[i].used && !M.slots[i].retiring) n++;
    return n;
}

static void describe_exit(pid_t pid, int status, char *out, size_t cap) {
    if (WIFSIGNALED(status))
        snprintf(out, cap, "worker [%d] was killed by signal %d", (int)pid, WTERMSIG(status));
    else
        snprintf(out, cap, "worker [%d] exited with status %d", (int)pid, WEXITSTATUS(status));
}

static void reap(void) {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        bool found = false;
        for (int i = 0; i < M.nretired; i++) {
            if (M.retired[i].pid != pid) continue;
            M.hb_used[M.retired[i].hb] = false;
            M.retired[i] = M.retired[--M.nretired];
            found = true;
            /* A worker being replaced that went away early must not be signalled later:
             * its pid may belong to someone else by then. */
            for (int k = 0; k < M.nslots; k++)
                if (M.slots[k].rolling_old == pid) M.slots[k].rolling_old = 0;
            break;
        }
        for (int i = 0; i < M.nslots && !found; i++) {
            slot *s = &M.slots[i];
            if (!s->used || s->pid != pid) continue;
            found = true;
            M.hb_used[s->hb] = false;
            s->pid = 0;
            if (s->retiring) {
                if (s->fd >= 0 && s->fd != M.shared_fd) close(s->fd);
                s->used = false;
                break;
            }
            if (M.stopping) break;
            char why[96];
            describe_exit(pid, status, why, sizeof why);
            bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            uint64_t now = now_ms();
            /* Crash loops back off (100 ms doubling to 10 s); a worker that ran a while
             * before dying is replaced at once. */
            if (now - s->started_ms < 1000 && !clean)
                s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : 100;
            else
                s->backoff_ms = 0;
            if (s->backoff_ms > BACKOFF_MAX_MS) s->backoff_ms = BACKOFF_MAX_MS;
            s->respawn_at = now + s->backoff_ms;
            brisk_log(clean ? BRISK_LOG_INFO : BRISK_LOG_ERROR, "%s; restarting it%s", why,
                      s->backoff_ms ? " after a back-off" : "");
        }
    }
}

static void begin_stop(int signo) {
    if (M.stopping) {
        if (signo == SIGINT || signo == SIGQUIT) { /* a second Ctrl-C: no more waiting */
            brisk_log(BRISK_LOG_WARNING, "forced shutdown");
            M.stop_deadline = 0;
        }
        return;
    }
    M.stopping = true;
    M.roll_next = -1;
    M.stop_deadline = now_ms() + (uint64_t)(M.cfg->timeout_graceful_shutdown * 1000) + 2000;
    brisk_log(BRISK_LOG_INFO, "shutting down (signal %d): draining workers", signo);
    for (int i = 0; i < M.nslots; i++)
        if (M.slots[i].used && M.slots[i].pid > 0) kill(M.slots[i].pid, SIGTERM);
    for (int i = 0; i < M.nretired; i++) kill(M.retired[i].pid, SIGTERM);
}

static void handle_signal(int signo) {
    switch (signo) {
    case SIGCHLD: reap(); break;
    case SIGTERM:
    case SIGINT:
    case SIGQUIT: begin_stop(signo); break;
    case SIGHUP:
        if (M.stopping) break;
        brisk_log(BRISK_LOG_INFO, "SIGHUP: restarting workers one at a time");
        M.roll_next = 0;
        break;
    case SIGTTIN:
        if (M.stopping) break;
        if (add_slot() < 0)
            brisk_log(BRISK_LOG_ERROR, "SIGTTIN: cannot add a worker");
        else
            brisk_log(BRISK_LOG_INFO, "SIGTTIN: now %d workers", live_workers());
        break;
    case SIGTTOU:
        if (M.stopping || live_workers() <= 1) break;
        for (int i = M.nslots - 1; i >= 0; i--) {
            slot *s = &M.slots[i];
            if (!s->used || s->retiring) continue;
            s->retiring = true;
            /* The worker's copy is now the socket's last: the kernel keeps routing new
             * connections to it until the worker, draining, has taken what is queued and
             * closed it. Kept here, it would go on queueing connections no one accepts. */
            if (s->fd != M.shared_fd) close(s->fd);
            s->fd = -1;
            if (s->pid > 0)
                kill(s->pid, SIGTERM);
            else
                s->used = false;
            brisk_log(BRISK_LOG_INFO, "SIGTTOU: now %d workers", live_workers());
            break;
        }
        break;
    }
}

/* SIGHUP: one slot at a time, start the new worker, and only when it is serving, tell the
 * old one to drain. Both accept from the same socket meanwhile. */
static void roll_step(void) {
    while (M.roll_next >= 0 && M.roll_next < M.nslots) {
        slot *s = &M.slots[M.roll_next];
        if (!s->used || s->retiring || (s->pid == 0 && !s->rolled)) {
            M.roll_next++;
            continue;
        }
        if (!s->rolling_old && !s->rolled) {
            pid_t old = s->pid;
            int old_hb = s->hb;
            if (!spawn(M.roll_next)) return;
            s->rolling_old = old;
            s->rolled = true;
            /* The old worker is tracked as retired from now on (its heartbeat slot too). */
            if (M.nretired < MAX_RETIRED)
                M.retired[M.nretired++] = (retired){old, old_hb, UINT64_MAX};
            return;
        }
        if (s->pid == 0 || !M.hbs[s->hb].ready) return; /* a crashed new one respawns */
        if (s->rolling_old) {
            for (int i = 0; i < M.nretired; i++)
                if (M.retired[i].pid == s->rolling_old)
                    M.retired[i].kill_at =
                        now_ms() + (uint64_t)(M.cfg->timeout_graceful_shutdown * 1000) + 5000;
            kill(s->rolling_old, SIGTERM);
        }
        s->rolling_old = 0;
        s->rolled = false;
        M.roll_next++;
    }
    if (M.roll_next >= M.nslots) {
        brisk_log(BRISK_LOG_INFO, "reload complete");
        M.roll_next = -1;
    }
}

static void tick(void) {
    uint64_t now = now_ms();
    if (M.stopping) {
        bool any = M.nretired > 0;
        for (int i = 0; i < M.nslots; i++) any |= M.slots[i].used && M.slots[i].pid > 0;
        if (any && now >= M.stop_deadline) {
            for (int i = 0; i < M.nslots; i++)
                if (M.slots[i].used && M.slots[i].pid > 0) kill(M.slots[i].pid, SIGKILL);
            for (int i = 0; i < M.nretired; i++) kill(M.retired[i].pid, SIGKILL);
        }
        return;
    }
    for (int i = 0; i < M.nslots; i++) {
        slot *s = &M.slots[i];
        if (!s->used) continue;
        if (s->pid == 0 && !s->retiring && now >= s->respawn_at) {
            spawn(i);
            continue;
        }
        if (s->pid <= 0) continue;
        bk_heartbeat *hb = &M.hbs[s->hb];
        uint64_t last = hb->ready ? hb->beat_ms : s->started_ms;
        uint64_t limit = (uint64_t)(M.cfg->timeout_worker_healthcheck * 1000);
        if (limit && now > last && now - last > limit) {
            brisk_log(BRISK_LOG_ERROR, "worker [%d] sent no heartbeat for %.1fs: killing it",
                      (int)s->pid, (double)(now - last) / 1000);
            kill(s->pid, SIGKILL); /* reaped and respawned like a crash */
            s->started_ms = now;   /* one kill per timeout, not one per tick */
        }
    }
    for (int i = 0; i < M.nretired; i++)
        if (now >= M.retired[i].kill_at) kill(M.retired[i].pid, SIGKILL);
    if (M.roll_next >= 0) roll_step();
}

static bool children_left(void) {
    if (M.nretired) return true;
    for (int i = 0; i < M.nslots; i++)
        if (M.slots[i].used && M.slots[i].pid > 0) return true;
    return false;
}

/* Refuse a port another server already holds: SO_REUSEPORT would otherwise let us
 * silently share it with an older instance of ourselves. */
static bool port_free(void) {
    if (M.cfg->uds || M.cfg->port == 0) return true;
    int fd = bk_probe_bind(M.cfg);
    if (fd < 0) return false;
    close(fd);
    return true;
}

int bk_supervise(bk_config *cfg, bk_request_fn fn, void *udata) {
    memset(&M, 0, sizeof M);
    M.cfg = cfg;
    M.fn = fn;
    M.udata = udata;
    M.roll_next = -1;
    M.shared_fd = -1;
    bk_log_level = cfg->log_level;
    M.hbs = mmap(NULL, MAX_HB * sizeof *M.hbs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                 -1, 0);
    if (M.hbs == MAP_FAILED || pipe(M.sigpipe) != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot set up the supervisor: %s", strerror(errno));
        return 1;
    }
    fcntl(M.sigpipe[0], F_SETFL, O_NONBLOCK);
    fcntl(M.sigpipe[1], F_SETFL, O_NONBLOCK);
    fcntl(M.sigpipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(M.sigpipe[1], F_SETFD, FD_CLOEXEC);
    install_signals();
    if (!port_free()) return 1;
    if (cfg->uds && (M.shared_fd = bk_listen_socket(cfg)) < 0) return 1;
    for (int i = 0; i < cfg->workers; i++) {
        if (add_slot() < 0) {
            brisk_log(BRISK_LOG_CRITICAL, "cannot start worker %d", i + 1);
            begin_stop(SIGTERM);
            break;
        }
    }
    if (!M.stopping) {
        if (cfg->uds)
            brisk_log(BRISK_LOG_INFO, "brisk running on unix:%s (Press CTRL+C to quit)", cfg->uds);
        else
            brisk_log(BRISK_LOG_INFO, "brisk running on http://%s%s%s:%d (Press CTRL+C to quit)",
                      strchr(cfg->host, ':') ? "[" : "", cfg->host,
                      strchr(cfg->host, ':') ? "]" : "", cfg->port);
    }
    while (!M.stopping || children_left()) {
        struct pollfd pfd = {.fd = M.sigpipe[0], .events = POLLIN};
        poll(&pfd, 1, TICK_MS);
        unsigned char sigs[64];
        ssize_t n;
        while ((n = read(M.sigpipe[0], sigs, sizeof sigs)) > 0) {
            /* Ctrl-C reaches the workers too, and they may exit before the master reads
             * its own SIGINT: stopping first keeps their exits from reading as crashes. */
            for (ssize_t i = 0; i < n; i++)
                if (sigs[i] == SIGTERM || sigs[i] == SIGINT || sigs[i] == SIGQUIT)
                    handle_signal(sigs[i]);
            for (ssize_t i = 0; i < n; i++)
                if (sigs[i] != SIGTERM && sigs[i] != SIGINT && sigs[i] != SIGQUIT)
                    handle_signal(sigs[i]);
        }
        reap();
        tick();
    }
    for (int i = 0; i < M.nslots; i++)
        if (M.slots[i].used && M.slots[i].fd >= 0 && M.slots[i].fd != M.shared_fd)
            close(M.slots[i].fd);
    if (cfg->uds) {
        close(M.shared_fd);
        unlink(cfg->uds);
    }
    close(M.sigpipe[0]);
    close(M.sigpipe[1]);
    munmap(M.hbs, MAX_HB * sizeof *M.hbs);
    brisk_log(BRISK_LOG_INFO, "finished server process");
    return 0;
}
