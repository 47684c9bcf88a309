/* The todo store's SQL (see store.h). Runs on pool threads: no brisk calls here. All
 * values are bound parameters; the only SQL assembled at run time is the list query's
 * WHERE clause, made of the fixed fragments below. */
#include "store.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define TODO_COLUMNS "t.id, t.title, t.description, t.priority, t.due, t.done, t.created_at"
#define MAX_TAGS 10          /* a todo has at most this many tags (TodoCreate says so) */

typedef struct run_ctx {
    db_conn *conn;
    char *err;
    size_t errlen;
    bool oom;
} run_ctx;

/* ---- binding and reading ----------------------------------------------------------- */

static int bind_str(sqlite3_stmt *s, int i, brisk_str v) {
    if (!v.ptr) return sqlite3_bind_null(s, i);
    if (v.len > INT_MAX) return SQLITE_TOOBIG;
    return sqlite3_bind_text(s, i, v.ptr, (int)v.len, SQLITE_STATIC);
}

static int bind_priority(sqlite3_stmt *s, int i, int priority) {
    if (priority < 0 || priority >= PRIORITY_COUNT) priority = PRIORITY_NORMAL;
    return sqlite3_bind_text(s, i, PRIORITY_VALUES[priority], -1, SQLITE_STATIC);
}

static brisk_str column_str(run_ctx *r, sqlite3_stmt *s, int i) {
    if (sqlite3_column_type(s, i) == SQLITE_NULL) return (brisk_str){NULL, 0};
    const unsigned char *text = sqlite3_column_text(s, i);
    size_t n = (size_t)sqlite3_column_bytes(s, i);
    char *p = malloc(n + 1);
    if (!p) {
        r->oom = true;
        return (brisk_str){NULL, 0};
    }
    if (n) memcpy(p, text, n);
    p[n] = '\0';
    return (brisk_str){p, n};
}

static int column_priority(sqlite3_stmt *s, int i) {
    const char *text = (const char *)sqlite3_column_text(s, i);
    for (int p = 0; text && p < PRIORITY_COUNT; p++)
        if (strcmp(text, PRIORITY_VALUES[p]) == 0) return p;
    return PRIORITY_NORMAL;
}

static void todo_free(Todo *t) {
    free((void *)t->title.ptr);
    free((void *)t->description.ptr);
    free((void *)t->due.ptr);
    free((void *)t->created_at.ptr);
    for (size_t i = 0; i < t->tags.len; i++) free((void *)t->tags.items[i].ptr);
    free(t->tags.items);
    memset(t, 0, sizeof *t);
}

void store_job_clear(store_job *job) {
    todo_free(&job->todo);
    for (size_t i = 0; i < job->n_items; i++) todo_free(&job->items[i]);
    free(job->items);
    job->items = NULL;
    job->n_items = 0;
}

static int fail(run_ctx *r, const char *what) {
    snprintf(r->err, r->errlen, "%s: %s", what, sqlite3_errmsg(r->conn->db));
    return SQLITE_ERROR;
}

/* Fills t from a row of TODO_COLUMNS, then reads its tags. */
static int read_row(run_ctx *r, sqlite3_stmt *s, Todo *t) {
    t->id = sqlite3_column_int64(s, 0);
    t->title = column_str(r, s, 1);
    t->description = column_str(r, s, 2);
    t->priority = column_priority(s, 3);
    t->due = column_str(r, s, 4);
    t->done = sqlite3_column_int(s, 5) != 0;
    t->created_at = column_str(r, s, 6);
    if (!t->title.ptr) t->title = (brisk_str){strdup(""), 0};

    sqlite3_stmt *q = db_stmt(r->conn, Q_SELECT_TAGS, r->err, r->errlen);
    if (!q) return SQLITE_ERROR;
    sqlite3_bind_int64(q, 1, t->id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (t->tags.len == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            brisk_str *items = realloc(t->tags.items, ncap * sizeof *items);
            if (!items) {
                r->oom = true;
                break;
            }
            t->tags.items = items;
            cap = ncap;
        }
        brisk_str tag = column_str(r, q, 0);
        if (!tag.ptr) tag = (brisk_str){strdup(""), 0};
        t->tags.items[t->tags.len++] = tag;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) rc = fail(r, "read tags");
    else rc = SQLITE_OK;
    sqlite3_reset(q);
    if (r->oom) {
        snprintf(r->err, r->errlen, "out of memory");
        return SQLITE_NOMEM;
    }
    return rc;
}

/* Reads one todo by id: SQLITE_OK, SQLITE_NOTFOUND, or an error. */
static int read_todo(run_ctx *r, int64_t id, Todo *t) {
    sqlite3_stmt *s = db_stmt(r->conn, Q_SELECT_TODO, r->err, r->errlen);
    if (!s) return SQLITE_ERROR;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) rc = read_row(r, s, t);
    else if (rc == SQLITE_DONE) rc = SQLITE_NOTFOUND;
    else rc = fail(r, "read todo");
    sqlite3_reset(s);
    return rc;
}

static int write_tags(run_ctx *r, int64_t id, const todo_fields *f, bool replace) {
    if (replace) {
        sqlite3_stmt *d = db_stmt(r->conn, Q_DELETE_TAGS, r->err, r->errlen);
        if (!d) return SQLITE_ERROR;
        sqlite3_bind_int64(d, 1, id);
        if (db_exec_stmt(d, r->err, r->errlen) != SQLITE_OK) return SQLITE_ERROR;
    }
    for (size_t i = 0; i < f->n_tags; i++) {
        sqlite3_stmt *s = db_stmt(r->conn, Q_INSERT_TAG, r->err, r->errlen);
        if (!s) return SQLITE_ERROR;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_str(s, 3, f->tags[i].ptr ? f->tags[i] : (brisk_str){"", 0});
        if (db_exec_stmt(s, r->err, r->errlen) != SQLITE_OK) return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

/* ---- operations ---------------------------------------------------------------------- */

static int op_create(run_ctx *r, store_job *job) {
    const todo_fields *f = &job->fields;
    if (db_begin_write(r->conn, r->err, r->errlen) != SQLITE_OK) return SQLITE_ERROR;
    int rc = SQLITE_ERROR;
    sqlite3_stmt *s = db_stmt(r->conn, Q_INSERT_TODO, r->err, r->errlen);
    if (s) {
        bind_str(s, 1, f->title.ptr ? f->title : (brisk_str){"", 0});
        bind_str(s, 2, f->description);
        bind_priority(s, 3, f->priority);
        bind_str(s, 4, f->due);
        sqlite3_bind_int(s, 5, f->done);
        rc = db_exec_stmt(s, r->err, r->errlen);
    }
    if (rc == SQLITE_OK) {
        job->id = sqlite3_last_insert_rowid(r->conn->db);
        rc = write_tags(r, job->id, f, false);
    }
    if (rc == SQLITE_OK) rc = read_todo(r, job->id, &job->todo);
    int end = db_end_write(r->conn, rc == SQLITE_OK, r->err, r->errlen);
    return rc == SQLITE_OK ? end : rc;
}

static int op_update(run_ctx *r, store_job *job) {
    const todo_fields *f = &job->fields;
    if (db_begin_write(r->conn, r->err, r->errlen) != SQLITE_OK) return SQLITE_ERROR;
    int rc = SQLITE_ERROR;
    sqlite3_stmt *s = db_stmt(r->conn, Q_UPDATE_TODO, r->err, r->errlen);
    if (s) {
        sqlite3_bind_int(s, 1, f->set_title && f->title.ptr);
        bind_str(s, 2, f->title);
        sqlite3_bind_int(s, 3, f->set_description);
        bind_str(s, 4, f->description);
        sqlite3_bind_int(s, 5, f->set_priority);
        bind_priority(s, 6, f->priority);
        sqlite3_bind_int(s, 7, f->set_due);
        bind_str(s, 8, f->due);
        sqlite3_bind_int(s, 9, f->set_done);
        sqlite3_bind_int(s, 10, f->done);
        sqlite3_bind_int64(s, 11, job->id);
        rc = db_exec_stmt(s, r->err, r->errlen);
    }
    if (rc == SQLITE_OK && sqlite3_changes(r->conn->db) == 0) rc = SQLITE_NOTFOUND;
    if (rc == SQLITE_OK && f->set_tags) rc = write_tags(r, job->id, f, true);
    if (rc == SQLITE_OK) rc = read_todo(r, job->id, &job->todo);
    int end = db_end_write(r->conn, rc == SQLITE_OK, r->err, r->errlen);
    return rc == SQLITE_OK ? end : rc;
}

static int op_delete(run_ctx *r, store_job *job) {
    if (db_begin_write(r->conn, r->err, r->errlen) != SQLITE_OK) return SQLITE_ERROR;
    todo_fields none = {0};
    int rc = write_tags(r, job->id, &none, true);
    if (rc == SQLITE_OK) {
        sqlite3_stmt *s = db_stmt(r->conn, Q_DELETE_TODO, r->err, r->errlen);
        rc = s ? (sqlite3_bind_int64(s, 1, job->id), db_exec_stmt(s, r->err, r->errlen))
               : SQLITE_ERROR;
    }
    if (rc == SQLITE_OK && sqlite3_changes(r->conn->db) == 0) rc = SQLITE_NOTFOUND;
    int end = db_end_write(r->conn, rc == SQLITE_OK, r->err, r->errlen);
    return rc == SQLITE_OK ? end : rc;
}

static int op_get(run_ctx *r, store_job *job) {
    if (db_begin_read(r->conn, r->err, r->errlen) != SQLITE_OK) return SQLITE_ERROR;
    int rc = read_todo(r, job->id, &job->todo);
    int end = db_end_read(r->conn, r->err, r->errlen);
    return rc == SQLITE_OK ? end : rc;
}

/* ---- the list query ------------------------------------------------------------------ */

static const char WHERE_DONE[] = " AND t.done = ?";
static const char WHERE_PRIORITY[] = " AND t.priority = ?";
static const char WHERE_Q[] = " AND instr(lower(t.title), lower(?)) > 0";
static const char WHERE_TAG[] =
    " AND EXISTS (SELECT 1 FROM todo_tags g WHERE g.todo_id = t.id AND g.tag = ?)";

static bool str_eq(brisk_str a, brisk_str b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* The distinct tags asked for, at most MAX_TAGS + 1 of them (more cannot all match). */
static size_t distinct_tags(const todo_filter *f, brisk_str *out) {
    size_t n = 0;
    for (size_t i = 0; i < f->n_tags && n <= MAX_TAGS; i++) {
        brisk_str t = f->tags[i].ptr ? f->tags[i] : (brisk_str){"", 0};
        size_t j = 0;
        while (j < n && !str_eq(out[j], t)) j++;
        if (j == n) out[n++] = t;
    }
    return n;
}

/* "SELECT <what> FROM todos t WHERE 1 <filters> <tail>", malloc'd. */
static char *list_sql(const char *what, const todo_filter *f, size_t n_tags, const char *tail) {
    size_t cap = strlen(what) + strlen(tail) + 64 + sizeof WHERE_DONE + sizeof WHERE_PRIORITY +
                 sizeof WHERE_Q + n_tags * sizeof WHERE_TAG;
    char *sql = malloc(cap);
    if (!sql) return NULL;
    size_t len = (size_t)snprintf(sql, cap, "SELECT %s FROM todos t WHERE 1", what);
    if (f->by_done) len += (size_t)snprintf(sql + len, cap - len, "%s", WHERE_DONE);
    if (f->by_priority) len += (size_t)snprintf(sql + len, cap - len, "%s", WHERE_PRIORITY);
    if (f->by_q) len += (size_t)snprintf(sql + len, cap - len, "%s", WHERE_Q);
    for (size_t i = 0; i < n_tags; i++)
        len += (size_t)snprintf(sql + len, cap - len, "%s", WHERE_TAG);
    snprintf(sql + len, cap - len, "%s", tail);
    return sql;
}

static int bind_filter(sqlite3_stmt *s, const todo_filter *f, const brisk_str *tags,
                       size_t n_tags) {
    int i = 1;
    if (f->by_done) sqlite3_bind_int(s, i++, f->done);
    if (f->by_priority) bind_priority(s, i++, f->priority);
    if (f->by_q) bind_str(s, i++, f->q.ptr ? f->q : (brisk_str){"", 0});
    for (size_t k = 0; k < n_tags; k++) bind_str(s, i++, tags[k]);
    return i;
}

static sqlite3_stmt *prepare(run_ctx *r, char *sql) {
    sqlite3_stmt *s = NULL;
    if (!sql) {
        snprintf(r->err, r->errlen, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v2(r->conn->db, sql, -1, &s, NULL) != SQLITE_OK) {
        fail(r, "prepare list");
        s = NULL;
    }
    free(sql);
    return s;
}

static int list_rows(run_ctx *r, store_job *job, const brisk_str *tags, size_t n_tags) {
    const todo_filter *f = &job->filter;
    sqlite3_stmt *s = prepare(r, list_sql("count(*)", f, n_tags, ""));
    if (!s) return SQLITE_ERROR;
    bind_filter(s, f, tags, n_tags);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        job->total = sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    } else {
        rc = fail(r, "count");
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK || job->total <= f->offset) return rc;

    s = prepare(r, list_sql(TODO_COLUMNS, f, n_tags, " ORDER BY t.id LIMIT ? OFFSET ?"));
    if (!s) return SQLITE_ERROR;
    int i = bind_filter(s, f, tags, n_tags);
    sqlite3_bind_int64(s, i, f->limit);
    sqlite3_bind_int64(s, i + 1, f->offset);
    size_t cap = f->limit > 0 && f->limit <= 1000 ? (size_t)f->limit : 16;
    job->items = calloc(cap, sizeof *job->items);
    if (!job->items) r->oom = true;
    while (!r->oom && rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (job->n_items == cap) {
            Todo *items = realloc(job->items, 2 * cap * sizeof *items);
            if (!items) {
                r->oom = true;
                break;
            }
            memset(items + cap, 0, cap * sizeof *items);
            job->items = items;
            cap *= 2;
        }
        rc = read_row(r, s, &job->items[job->n_items++]);
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    else if (rc == SQLITE_ROW) rc = SQLITE_OK; /* stopped by oom */
    else if (rc != SQLITE_OK && !r->oom && r->err[0] == '\0') rc = fail(r, "list");
    sqlite3_finalize(s);
    if (r->oom) {
        snprintf(r->err, r->errlen, "out of memory");
        return SQLITE_NOMEM;
    }
    return rc;
}

static int op_list(run_ctx *r, store_job *job) {
    brisk_str tags[MAX_TAGS + 1];
    size_t n_tags = distinct_tags(&job->filter, tags);
    if (n_tags > MAX_TAGS) {
        job->total = 0; /* no todo carries that many tags */
        return SQLITE_OK;
    }
    if (db_begin_read(r->conn, r->err, r->errlen) != SQLITE_OK) return SQLITE_ERROR;
    int rc = list_rows(r, job, tags, n_tags);
    int end = db_end_read(r->conn, r->err, r->errlen);
    return rc == SQLITE_OK ? end : rc;
}

void store_run(void *arg) {
    store_job *job = arg;
    job->err[0] = '\0';
    db_conn *conn = db_acquire(job->err, sizeof job->err);
    if (!conn) {
        job->status = STORE_ERROR;
        return;
    }
    run_ctx r = {.conn = conn, .err = job->err, .errlen = sizeof job->err};
    int rc = SQLITE_ERROR;
    switch (job->op) {
    case STORE_CREATE: rc = op_create(&r, job); break;
    case STORE_GET: rc = op_get(&r, job); break;
    case STORE_UPDATE: rc = op_update(&r, job); break;
    case STORE_DELETE: rc = op_delete(&r, job); break;
    case STORE_LIST: rc = op_list(&r, job); break;
    }
    if (rc == SQLITE_OK) {
        job->status = STORE_OK;
    } else if (rc == SQLITE_NOTFOUND) {
        job->status = STORE_NOT_FOUND;
        store_job_clear(job);
    } else {
        job->status = STORE_ERROR;
        if (job->err[0] == '\0') snprintf(job->err, sizeof job->err, "%s", sqlite3_errstr(rc));
        store_job_clear(job);
    }
    db_release(conn, job->status == STORE_ERROR);
}
