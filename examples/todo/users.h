/* The users table: who may log in. One job per request, run on the thread pool as the
 * todo store's are (see store.h):
 *
 *     user_job job = {.username = name, .password = pw, .check_password = true};
 *     brisk_run_blocking(c, users_run, &job);
 *     ... job.status, job.full_name ...
 *
 * Checking a password costs PBKDF2's 100,000 HMAC rounds on purpose, which is why it
 * runs there too and never on the event loop. */
#ifndef TODO_USERS_H
#define TODO_USERS_H

#include <brisk.h>

typedef enum user_status {
    USER_OK,
    USER_UNKNOWN,         /* no such user, or (check_password) the wrong password */
    USER_ERROR,           /* see err */
} user_status;

typedef struct user_job {
    brisk_str username;
    brisk_str password;
    bool check_password;
    /* results */
    user_status status;
    char full_name[256];
    char err[256];
} user_job;

void users_run(void *job);

#endif
