/* Listening sockets, made by the master so they outlive any one worker. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/server.h"

static int finish(int fd, const bk_config *cfg) {
    if (listen(fd, cfg->backlog) != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "listen: %s", strerror(errno));
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

static int listen_unix(const bk_config *cfg) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(cfg->uds) >= sizeof sa.sun_path) {
        brisk_log(BRISK_LOG_CRITICAL, "--uds path too long: %s", cfg->uds);
        return -1;
    }
    strcpy(sa.sun_path, cfg->uds);
    struct stat st;
    /* A socket file left by an earlier run would make bind fail; anything else is not
     * ours to delete. */
    if (stat(cfg->uds, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(cfg->uds);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot bind %s: %s", cfg->uds, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    return finish(fd, cfg);
}

static int bind_tcp(const bk_config *cfg, bool reuseport) {
    char port[16];
    snprintf(port, sizeof port, "%d", cfg->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(cfg->host, port, &hints, &res);
    if (rc != 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot resolve --host %s: %s", cfg->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
#ifdef SO_REUSEPORT
        /* One socket per worker, all bound to the same port: the kernel spreads new
         * connections over them, with no accept lock and no thundering herd. */
        if (reuseport) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
#endif
        if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        brisk_log(BRISK_LOG_CRITICAL, "cannot bind %s:%d: %s", cfg->host, cfg->port,
                  strerror(err ? err : EADDRNOTAVAIL));
        return -1;
    }
    return fd;
}

int bk_probe_bind(const bk_config *cfg) { return bind_tcp(cfg, false); }

int bk_listen_socket(const bk_config *cfg) {
    if (cfg->uds) return listen_unix(cfg);
    int fd = bind_tcp(cfg, true);
    if (fd < 0 || (fd = finish(fd, cfg)) < 0) return -1;
    /* Once listening, the socket is in its reuseport group, which the program is for
     * (attached earlier, it would make a group of its own and listen would fail). */
    bk_reuseport_migrate(fd);
    return fd;
}
