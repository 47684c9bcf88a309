/* SQLite connections for the thread pool.
 *
 * Every function here runs on a pool thread (inside brisk_run_blocking), never on the
 * loop thread. A worker process keeps a small pool of connections, opened lazily: several
 * requests of one worker may run SQL at the same time on different pool threads, each on
 * a connection of its own, so their transactions never mix. Connections use WAL mode and
 * a busy timeout because several worker processes share the file. */
#ifndef TODO_DB_H
#define TODO_DB_H

#include <sqlite3.h>
#include <stddef.h>

/* The prepared statements every connection keeps (see db.c for their SQL). */
typedef enum db_stmt_id {
    Q_BEGIN_READ,
    Q_BEGIN_WRITE,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_INSERT_TODO,
    Q_INSERT_TAG,
    Q_SELECT_TODO,
    Q_SELECT_TAGS,
    Q_UPDATE_TODO,
    Q_DELETE_TAGS,
    Q_DELETE_TODO,
    Q_SELECT_USER,
    Q_COUNT_
} db_stmt_id;

typedef struct db_conn {
    sqlite3 *db;
    sqlite3_stmt *stmt[Q_COUNT_];
} db_conn;

/* The database file (copied). Call once at start-up, before serving. */
void db_configure(const char *path);
const char *db_path(void);

/* A connection for this thread's exclusive use, or NULL with the reason in err. */
db_conn *db_acquire(char *err, size_t errlen);
/* Gives it back. A connection that failed badly (broken) is closed instead of kept. */
void db_release(db_conn *c, int broken);

/* The cached statement, reset and with its bindings cleared; NULL on error (see err). */
sqlite3_stmt *db_stmt(db_conn *c, db_stmt_id id, char *err, size_t errlen);

/* Takes the process-wide write lock, then BEGIN IMMEDIATE. Writers of one process take
 * turns here instead of spinning in SQLite's busy handler; writers of other processes
 * are waited for by the busy timeout. 0 or an SQLite error code. */
int db_begin_write(db_conn *c, char *err, size_t errlen);
/* COMMIT (when ok) or ROLLBACK, then releases the write lock. Returns the final code. */
int db_end_write(db_conn *c, int ok, char *err, size_t errlen);
/* BEGIN (a read snapshot) and its end. */
int db_begin_read(db_conn *c, char *err, size_t errlen);
int db_end_read(db_conn *c, char *err, size_t errlen);

/* Runs a statement to its end (no rows expected). SQLITE_DONE becomes SQLITE_OK. */
int db_exec_stmt(sqlite3_stmt *s, char *err, size_t errlen);

#endif
