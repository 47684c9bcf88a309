#include "runtime/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "runtime/buf.h"

int bk_log_level = BRISK_LOG_INFO;

static const char *const level_names[] = {"critical", "error", "warning", "info", "debug", "trace"};
/* Uvicorn pads the level to a fixed column; users scanning logs expect that. */
static const char *const level_tags[] = {"CRITICAL:", "ERROR:   ", "WARNING: ", "INFO:     ",
                                         "DEBUG:    ", "TRACE:    "};

int bk_log_level_parse(const char *s) {
    for (int i = 0; i < (int)(sizeof level_names / sizeof *level_names); i++)
        if (strcasecmp(s, level_names[i]) == 0) return i;
    return -1;
}

void brisk_log(brisk_log_level level, const char *fmt, ...) {
    if (!bk_log_enabled(level)) return;
    if ((int)level < 0 || level > BRISK_LOG_TRACE) level = BRISK_LOG_ERROR;
    char line[2048];
    int n = snprintf(line, sizeof line, "%s[%d] ", level_tags[level], (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2) len = sizeof line - 2;
    line[len++] = '\n';
    /* One write per line keeps lines whole when several workers share stderr. */
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

static bk_buf access_buf;

void bk_access_log_append(const char *line, size_t len) {
    bk_buf_append(&access_buf, line, len);
    if (access_buf.len >= 64 * 1024) bk_access_log_flush();
}

void bk_access_log_flush(void) {
    size_t off = 0;
    while (off < access_buf.len) {
        ssize_t w = write(STDERR_FILENO, access_buf.data + off, access_buf.len - off);
        if (w <= 0) break; /* a broken stderr must not stop serving */
        off += (size_t)w;
    }
    access_buf.len = 0;
}
