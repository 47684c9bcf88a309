/*
 * idle_conns — opens N keep-alive connections to a local HTTP server, sends one request on
 * each, reads its response, and then keeps every connection open and idle.
 *
 *   idle_conns HOST PORT N PATH
 *
 * Connections are opened in batches (each batch's responses are read before the next batch
 * connects) so the server's listen backlog never overflows. When all are open it prints
 * "ready OPENED OK" on stdout. Then, for each line "check" read from stdin, it prints
 * "open K": how many connections the server has not closed. It exits, closing everything,
 * at end of input, on SIGTERM/SIGINT, or after a 120 s safety limit.
 *
 * Built by bench/run.sh with the system C compiler; part of the benchmark, not of brisk.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define BATCH 250

static int read_response(int fd) {
    char buf[4096];
    size_t have = 0;
    long clen = -1;
    size_t hdr_end = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + have, sizeof buf - 1 - have, 0);
        if (n <= 0) return -1;
        have += (size_t)n;
        buf[have] = '\0';
        if (hdr_end == 0) {
            char *e = strstr(buf, "\r\n\r\n");
            if (e == NULL) {
                if (have >= sizeof buf - 1) return -1;
                continue;
            }
            hdr_end = (size_t)(e - buf) + 4;
            char *cl = strcasestr(buf, "\r\ncontent-length:");
            if (cl != NULL && cl < e) clen = strtol(cl + 17, NULL, 10);
            else clen = 0; /* the benchmark's routes all send Content-Length */
        }
        if (have >= hdr_end + (size_t)clen) return strncmp(buf, "HTTP/1.1 200", 12) == 0 ? 0 : 1;
        if (have >= sizeof buf - 1) return -1;
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT N PATH\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    alarm(120);
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int n = atoi(argv[3]);
    const char *path = argv[4];
    char req[512];
    int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n", path, host, port);

    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "idle_conns: bad address %s\n", host);
        return 2;
    }
    int *fds = calloc((size_t)n, sizeof *fds);
    if (fds == NULL) return 1;
    for (int i = 0; i < n; i++) fds[i] = -1;
    int opened = 0, ok = 0;
    struct timeval tv = {.tv_sec = 10};
    for (int start = 0; start < n; start += BATCH) {
        int end = start + BATCH < n ? start + BATCH : n;
        for (int i = start; i < end; i++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0) {
                fprintf(stderr, "idle_conns: socket: %s (after %d)\n", strerror(errno), opened);
                goto done;
            }
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
                fprintf(stderr, "idle_conns: connect: %s (after %d)\n", strerror(errno), opened);
                close(fd);
                goto done;
            }
            if (send(fd, req, (size_t)reqlen, 0) != reqlen) {
                close(fd);
                continue;
            }
            fds[i] = fd;
            opened++;
        }
        for (int i = start; i < end; i++)
            if (fds[i] >= 0 && read_response(fds[i]) == 0) ok++;
    }
done:
    printf("ready %d %d\n", opened, ok);
    fflush(stdout);

    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "check", 5) != 0) continue;
        int open = 0;
        for (int i = 0; i < n; i++) {
            if (fds[i] < 0) continue;
            struct pollfd p = {.fd = fds[i], .events = POLLIN | POLLRDHUP};
            /* An idle connection the server still holds has nothing to read. */
            if (poll(&p, 1, 0) == 0) open++;
        }
        printf("open %d\n", open);
        fflush(stdout);
    }
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0) close(fds[i]);
    return 0;
}
