/* The supervisor: the master process, its workers, and the command line. */
#ifndef BK_SUPERVISOR_H
#define BK_SUPERVISOR_H

#include "server/server.h"

/* 0: go on; 1: done, exit 0 (--help); -1: bad usage, message printed, exit 2. */
int bk_cli_parse(bk_config *cfg, int argc, char **argv);
/* Runs the master until shutdown; returns the process exit status. */
int bk_supervise(bk_config *cfg, bk_request_fn fn, void *udata);

#endif
