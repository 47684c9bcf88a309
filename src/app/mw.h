/* Helpers shared by the built-in middleware (mw_*.c): option lists copied at start-up,
 * and Starlette's header conventions. */
#ifndef BK_APP_MW_H
#define BK_APP_MW_H

#include <stdbool.h>
#include <stddef.h>

#include "brisk.h"

/* The middleware's state lives as long as the process, like the app's routes, and is
 * freed at exit (brisk_app_free knows nothing of middleware state), so a leak checker
 * reports only real leaks. bk_mw_own registers p, to be freed with free_fn. Not
 * thread-safe: start-up or a worker's loop thread. Everything below aborts on
 * out-of-memory, as start-up code does. */
void bk_mw_own(void *p, void (*free_fn)(void *));
/* calloc, owned. */
void *bk_mw_alloc(size_t n);
char *bk_mw_strdup(const char *s);
/* A copy of a NULL-terminated list (NULL gives an empty one), NULL-terminated too, with
 * its length in *n (may be NULL). */
char **bk_mw_strs_copy(const char *const *list, size_t *n);
/* True when the list holds exactly s. */
bool bk_mw_strs_has(char *const *list, const char *s);
/* The items joined with ", " ("" for none). */
char *bk_mw_strs_join(char *const *list);

/* Appends token to the response's Vary header, or sets it, as Starlette's
 * MutableHeaders.add_vary_header (no check for a token already there). From a head hook. */
void bk_mw_add_vary(brisk_ctx *c, const char *token);

#endif
