/* Logging in: OAuth2's password flow with JSON Web Tokens.
 *
 *     POST /token       form username, password -> 200 {"access_token", "token_type"} | 401
 *     GET  /users/me    Authorization: Bearer <token> -> 200 User | 401
 *
 * A token is an HS256 JWT whose "sub" is the username, valid 30 minutes, signed with
 * $TODO_SECRET, or with a random key made at each start when it is not set (tokens then
 * do not survive a restart). Routes that need a logged-in user depend on
 * current_user_dep, whose value is the username (a NUL-terminated const char *). */
#ifndef TODO_AUTH_H
#define TODO_AUTH_H

#include <brisk.h>

/* Sets the signing key. Call once in main, before serving (workers inherit it). */
int auth_configure(void);

extern const brisk_dep current_user_dep;

/* The routes above, tagged "users". */
brisk_router *auth_router(void);

#endif
