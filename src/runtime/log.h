/* Leveled logs and the buffered access log. */
#ifndef BK_LOG_H
#define BK_LOG_H

#include "brisk.h"

extern int bk_log_level; /* brisk_log_level; messages above it are dropped */

#define bk_log_enabled(lvl) ((int)(lvl) <= bk_log_level)

/* Parses "critical".."trace"; returns -1 when unknown. */
int bk_log_level_parse(const char *s);

/* The access log is appended to a buffer and written by bk_access_log_flush(), which the
 * worker calls once per loop iteration, so a busy worker makes one write() for many lines. */
void bk_access_log_append(const char *line, size_t len);
void bk_access_log_flush(void);

#endif
