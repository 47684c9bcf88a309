/* The todo API: CRUD over SQLite with typed models, OAuth2 login, FastAPI-tutorial style.
 *
 *     POST   /token              form username, password -> 200 Token | 401
 *     GET    /users/me           -> 200 User | 401                            (logged in)
 *     POST   /todos              TodoCreate -> 201 Todo                       (logged in)
 *     GET    /todos              ?limit&offset&done&priority&q&tag... -> 200 TodoPage
 *     GET    /todos/{todo_id}    -> 200 Todo | 404
 *     PUT    /todos/{todo_id}    TodoCreate (full replace) -> 200 Todo | 404  (logged in)
 *     PATCH  /todos/{todo_id}    TodoUpdate (only the fields sent) -> 200 Todo | 404
 *                                                                              (logged in)
 *     DELETE /todos/{todo_id}    -> 204 | 404                                 (logged in)
 *
 * plus the documentation at /docs, /redoc and /openapi.json. "Logged in" means a bearer
 * token from POST /token (auth.c); the demo account is demo / demo-password.
 *
 * Environment: TODO_DB, the database file (default ./todo.db); TODO_SECRET, the key that
 * signs tokens (default: a random one per start); TODO_CORS_ORIGINS, the comma-separated
 * origins whose browser pages may call the API (default http://localhost:3000). */
#include <brisk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "todos.h"

static const char DESCRIPTION[] =
    "A todo list on SQLite, the flagship example of brisk.\n\n"
    "Anyone may read the list. To change it, log in: press **Authorize**, enter "
    "`demo` / `demo-password`, and every request you try from this page carries the "
    "token.";

/* "a,b" -> {"a", "b", NULL} in out (room for max - 1 origins), cutting buf in place.
 * brisk_use_cors copies what it keeps, so both may be on the stack. */
static const char *const *split_origins(char *buf, const char **out, size_t max) {
    size_t i = 0;
    for (char *tok = strtok(buf, ","); tok && i + 1 < max; tok = strtok(NULL, ",")) out[i++] = tok;
    out[i] = NULL;
    return out;
}

int main(int argc, char **argv) {
    const char *path = getenv("TODO_DB");
    db_configure(path && *path ? path : "todo.db");
    if (auth_configure() != 0) return 1;
    const char *origins = getenv("TODO_CORS_ORIGINS");
    char origins_buf[2048];
    const char *origin_list[32];
    snprintf(origins_buf, sizeof origins_buf, "%s",
             origins && *origins ? origins : "http://localhost:3000");

    brisk_app *app = brisk_app_new(
        .title = "Todo", .version = "1.1.0", .summary = "A todo list you can log in to",
        .description = DESCRIPTION, .contact_name = "The todo team",
        .contact_email = "todo@example.com",
        .license_name = "MIT", .license_identifier = "MIT",
        .openapi_tags = (const brisk_tag[]){
            {"todos", "Read the list freely; creating, changing and deleting need a login"},
            {"users", "Log in with a username and password, and see who you are"},
            {0}});

    /* Outermost first: every answer, errors included, carries its request ID, and
     * browsers on the allowed origins may read it. */
    brisk_use_request_id(app);
    brisk_use_cors(app,
                   .allow_origins = split_origins(origins_buf, origin_list, 32),
                   .allow_methods = BRISK_STRS("*"),
                   .allow_headers = BRISK_STRS("Authorization", "Content-Type"),
                   .expose_headers = BRISK_STRS("X-Request-ID"));

    brisk_router *users = auth_router(), *todos = todos_router();
    brisk_app_include(app, users);
    brisk_app_include(app, todos);
    brisk_router_free(users);
    brisk_router_free(todos);
    return brisk_serve(app, argc, argv);
}
