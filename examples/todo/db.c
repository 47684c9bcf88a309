/* SQLite connections: a per-process pool, the schema, cached statements, transactions.
 * See db.h. Runs on pool threads only. */
#include "db.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POOL_MAX 16          /* idle connections kept; libuv's pool has 4 threads by default */
#define BUSY_TIMEOUT_MS 10000

static const char *const SCHEMA =
    "CREATE TABLE IF NOT EXISTS todos ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"   /* ids of deleted todos are never reused */
    "  title TEXT NOT NULL,"
    "  description TEXT,"
    "  priority TEXT NOT NULL,"
    "  due TEXT,"
    "  done INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS todo_tags ("
    "  todo_id INTEGER NOT NULL REFERENCES todos(id) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL,"
    "  tag TEXT NOT NULL,"
    "  PRIMARY KEY (todo_id, pos)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS todo_tags_by_tag ON todo_tags (tag, todo_id);"
    /* Passwords are stored as PBKDF2-HMAC-SHA256 (users.c), hex, with a per-user salt. */
    "CREATE TABLE IF NOT EXISTS users ("
    "  username TEXT PRIMARY KEY,"
    "  full_name TEXT NOT NULL,"
    "  salt TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  iterations INTEGER NOT NULL) WITHOUT ROWID;"
    /* The demo account, password "demo-password": log in as it from /docs. */
    "INSERT OR IGNORE INTO users VALUES ('demo', 'Demo User',"
    "  '5b1f0c9a3e7d2468a1c3e5f709b2d4f6',"
    "  'f0556cea6b2ab1691ccd5df937d5b9c84b604e2835408ec8e4c3c434e75e965f', 100000);";

static const char *const SQL[Q_COUNT_] = {
    [Q_BEGIN_READ] = "BEGIN",
    [Q_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_INSERT_TODO] =
        "INSERT INTO todos (title, description, priority, due, done, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    [Q_INSERT_TAG] = "INSERT INTO todo_tags (todo_id, pos, tag) VALUES (?1, ?2, ?3)",
    [Q_SELECT_TODO] =
        "SELECT id, title, description, priority, due, done, created_at "
        "FROM todos WHERE id = ?1",
    [Q_SELECT_TAGS] = "SELECT tag FROM todo_tags WHERE todo_id = ?1 ORDER BY pos",
    /* One statement for PUT and PATCH: ?odd says whether the next value is to be set. */
    [Q_UPDATE_TODO] =
        "UPDATE todos SET "
        "  title = CASE WHEN ?1 THEN ?2 ELSE title END,"
        "  description = CASE WHEN ?3 THEN ?4 ELSE description END,"
        "  priority = CASE WHEN ?5 THEN ?6 ELSE priority END,"
        "  due = CASE WHEN ?7 THEN ?8 ELSE due END,"
        "  done = CASE WHEN ?9 THEN ?10 ELSE done END "
        "WHERE id = ?11",
    [Q_DELETE_TAGS] = "DELETE FROM todo_tags WHERE todo_id = ?1",
    [Q_DELETE_TODO] = "DELETE FROM todos WHERE id = ?1",
    [Q_SELECT_USER] =
        "SELECT full_name, salt, password_hash, iterations FROM users WHERE username = ?1",
};

static char *g_path;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;
static db_conn *idle[POOL_MAX];
static int n_idle;
static pid_t pool_pid;        /* the process the idle connections belong to */
static bool schema_ready;     /* in this process */

void db_configure(const char *path) {
    free(g_path);
    g_path = strdup(path);
}

const char *db_path(void) { return g_path ? g_path : "todo.db"; }

static void set_err(char *err, size_t errlen, const char *what, sqlite3 *db) {
    snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* sqlite3_exec, retried while another process holds a lock the busy handler does not
 * cover (switching to WAL needs the database to itself for a moment). */
static int exec_retry(sqlite3 *db, const char *sql) {
    int rc = SQLITE_BUSY;
    for (int i = 0; i < 200; i++) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        sleep_ms(25);
    }
    return rc;
}

static void conn_close(db_conn *c) {
    if (!c) return;
    for (int i = 0; i < Q_COUNT_; i++) sqlite3_finalize(c->stmt[i]);
    sqlite3_close(c->db);
    free(c);
}

static db_conn *conn_open(char *err, size_t errlen) {
    db_conn *c = calloc(1, sizeof *c);
    if (!c) {
        set_err(err, errlen, "open", NULL);
        return NULL;
    }
    /* NOMUTEX: a connection is only ever used by one thread at a time (the pool hands it
     * out exclusively), so SQLite's per-connection mutex would be pure cost. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(db_path(), &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", db_path(),
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        conn_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(c->db, 1);
    if (exec_retry(c->db, "PRAGMA journal_mode=WAL") != SQLITE_OK ||
        exec_retry(c->db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON") != SQLITE_OK) {
        set_err(err, errlen, "configure", c->db);
        conn_close(c);
        return NULL;
    }
    pthread_mutex_lock(&pool_mu);
    bool need_schema = !schema_ready;
    pthread_mutex_unlock(&pool_mu);
    if (need_schema) {
        /* Writers of this process take turns (see db_begin_write); the schema is one. */
        pthread_mutex_lock(&write_mu);
        rc = exec_retry(c->db, SCHEMA);
        pthread_mutex_unlock(&write_mu);
        if (rc != SQLITE_OK) {
            set_err(err, errlen, "schema", c->db);
            conn_close(c);
            return NULL;
        }
        pthread_mutex_lock(&pool_mu);
        schema_ready = true;
        pthread_mutex_unlock(&pool_mu);
    }
    return c;
}

db_conn *db_acquire(char *err, size_t errlen) {
    db_conn *c = NULL;
    pthread_mutex_lock(&pool_mu);
    if (pool_pid != getpid()) {
        /* Connections must not cross a fork: forget (do not close) the parent's. */
        n_idle = 0;
        schema_ready = false;
        pool_pid = getpid();
    }
    if (n_idle > 0) c = idle[--n_idle];
    pthread_mutex_unlock(&pool_mu);
    return c ? c : conn_open(err, errlen);
}

void db_release(db_conn *c, int broken) {
    if (!c) return;
    if (!broken && sqlite3_get_autocommit(c->db)) {
        pthread_mutex_lock(&pool_mu);
        if (pool_pid == getpid() && n_idle < POOL_MAX) {
            idle[n_idle++] = c;
            c = NULL;
        }
        pthread_mutex_unlock(&pool_mu);
    }
    conn_close(c);
}

sqlite3_stmt *db_stmt(db_conn *c, db_stmt_id id, char *err, size_t errlen) {
    sqlite3_stmt *s = c->stmt[id];
    if (!s) {
        if (sqlite3_prepare_v3(c->db, SQL[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
            SQLITE_OK) {
            set_err(err, errlen, "prepare", c->db);
            return NULL;
        }
        c->stmt[id] = s;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

int db_exec_stmt(sqlite3_stmt *s, char *err, size_t errlen) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    if (rc != SQLITE_OK) set_err(err, errlen, "step", sqlite3_db_handle(s));
    sqlite3_reset(s);
    return rc;
}

static int run(db_conn *c, db_stmt_id id, char *err, size_t errlen) {
    sqlite3_stmt *s = db_stmt(c, id, err, errlen);
    return s ? db_exec_stmt(s, err, errlen) : SQLITE_ERROR;
}

int db_begin_write(db_conn *c, char *err, size_t errlen) {
    pthread_mutex_lock(&write_mu);
    int rc = run(c, Q_BEGIN_WRITE, err, errlen);
    if (rc != SQLITE_OK) pthread_mutex_unlock(&write_mu);
    return rc;
}

int db_end_write(db_conn *c, int ok, char *err, size_t errlen) {
    int rc = SQLITE_OK;
    if (ok) {
        rc = run(c, Q_COMMIT, err, errlen);
        ok = rc == SQLITE_OK;
    }
    if (!ok && !sqlite3_get_autocommit(c->db)) {
        char ignored[64];
        run(c, Q_ROLLBACK, ignored, sizeof ignored);
    }
    pthread_mutex_unlock(&write_mu);
    return rc;
}

int db_begin_read(db_conn *c, char *err, size_t errlen) {
    return run(c, Q_BEGIN_READ, err, errlen);
}

int db_end_read(db_conn *c, char *err, size_t errlen) {
    int rc = run(c, Q_COMMIT, err, errlen);
    if (rc != SQLITE_OK && !sqlite3_get_autocommit(c->db)) {
        char ignored[64];
        run(c, Q_ROLLBACK, ignored, sizeof ignored);
    }
    return rc;
}
