/* The todo store: every SQL operation of the API, as one job handed to the thread pool.
 *
 *     store_job job = {.op = STORE_GET, .id = 7};
 *     brisk_run_blocking(c, store_run, &job);   // SQL runs on a pool thread
 *     ... job.status, job.todo ...
 *     store_job_clear(&job);                    // frees what the job returned
 *
 * Inputs are views the job only reads (request memory stays valid while the handler is
 * suspended). Outputs are malloc'd on the pool thread, because brisk's request arena may
 * only be used on the loop thread; store_job_clear() frees them. */
#ifndef TODO_STORE_H
#define TODO_STORE_H

#include <brisk.h>

#include "models.h"

typedef enum store_op {
    STORE_CREATE,   /* fields (all set) -> todo */
    STORE_GET,      /* id -> todo */
    STORE_UPDATE,   /* id, fields (those set) -> todo; PUT sets them all */
    STORE_DELETE,   /* id */
    STORE_LIST,     /* filter -> items, total */
} store_op;

typedef enum store_status {
    STORE_OK,
    STORE_NOT_FOUND,
    STORE_ERROR,    /* see err */
} store_status;

/* The fields to write; set_x says whether x is written. A NULL .ptr is SQL NULL. */
typedef struct todo_fields {
    bool set_title, set_description, set_priority, set_due, set_tags, set_done;
    brisk_str title, description, due;
    int priority;
    brisk_str *tags;
    size_t n_tags;
    bool done;
} todo_fields;

typedef struct todo_filter {
    int64_t limit, offset;
    bool by_done, done;
    bool by_priority;
    int priority;
    bool by_q;
    brisk_str q;          /* case-insensitive (ASCII) substring of the title */
    brisk_str *tags;      /* the todo has every one of them */
    size_t n_tags;
} todo_filter;

typedef struct store_job {
    store_op op;
    int64_t id;
    todo_fields fields;
    todo_filter filter;
    /* results */
    store_status status;
    Todo todo;            /* CREATE, GET, UPDATE */
    Todo *items;          /* LIST */
    size_t n_items;
    int64_t total;
    char err[256];
} store_job;

/* The brisk_run_blocking() function: runs job->op. Never call brisk functions here. */
void store_run(void *job);
void store_job_clear(store_job *job);

#endif
