/* The /todos routes: CRUD over the store (store.h). Reads are public; writes need a
 * logged-in user (auth.h). Requests are validated by brisk before a handler runs; the
 * handlers only move data between the request and the store, whose SQL runs on the
 * thread pool. */
#include "todos.h"

#include "auth.h"
#include "db.h"
#include "models.h"
#include "store.h"

/* Runs the job on the thread pool. On anything but success the response is sent here
 * and false returned. */
static bool run_job(brisk_ctx *c, store_job *job) {
    if (brisk_run_blocking(c, store_run, job) != 0) {
        brisk_reply_error(c, 503, "Server busy");
        return false;
    }
    switch (job->status) {
    case STORE_OK: return true;
    case STORE_NOT_FOUND: brisk_reply_error(c, 404, "Todo not found"); return false;
    case STORE_ERROR: break;
    }
    brisk_log(BRISK_LOG_ERROR, "todo store (%s): %s", db_path(), job->err);
    brisk_reply_error(c, 500, "Internal Server Error");
    return false;
}

/* Answers the job's todo with `status`, then frees what the store returned. */
static void reply_todo(brisk_ctx *c, int status, store_job *job) {
    if (run_job(c, job)) brisk_reply_model(c, status, &Todo_model, &job->todo);
    store_job_clear(job);
}

/* Every field of a TodoCreate, defaults already applied by the decoder. */
static todo_fields all_fields(const TodoCreate *in) {
    return (todo_fields){
        .set_title = true, .set_description = true, .set_priority = true,
        .set_due = true, .set_tags = true, .set_done = true,
        .title = in->title, .description = in->description, .priority = in->priority,
        .due = in->due, .tags = in->tags.items, .n_tags = in->tags.len, .done = in->done,
    };
}

static void create_todo(brisk_ctx *c) {
    store_job job = {.op = STORE_CREATE, .fields = all_fields(brisk_body(c))};
    reply_todo(c, 201, &job);
}

static void read_todo(brisk_ctx *c) {
    store_job job = {.op = STORE_GET, .id = brisk_param_i64(c, "todo_id")};
    reply_todo(c, 200, &job);
}

static void replace_todo(brisk_ctx *c) {
    store_job job = {.op = STORE_UPDATE, .id = brisk_param_i64(c, "todo_id"),
                     .fields = all_fields(brisk_body(c))};
    reply_todo(c, 200, &job);
}

/* True when the request's JSON object has `key` with a value other than null. */
static bool sent_value(const brisk_value *body, const char *key) {
    const brisk_value *v = brisk_value_get(body, key);
    return v && v->type != BRISK_VALUE_NULL;
}

/*
 * PATCH: a field absent from the body is left as it is. null clears the fields that may
 * be null (description, due); for the others (title, priority, tags, done) null is the
 * same as absent, because a stored todo always has them. The decoded TodoUpdate gives
 * the validated values; the body's JSON tells which nullable keys were sent at all.
 */
static void update_todo(brisk_ctx *c) {
    const TodoUpdate *in = brisk_body(c);
    const brisk_value *sent = brisk_body_json(c);
    if (!sent) return; /* answered already (it cannot be invalid: brisk validated it) */
    todo_fields f = {
        .set_title = in->title.ptr != NULL,
        .title = in->title,
        .set_description = brisk_value_get(sent, "description") != NULL,
        .description = in->description,
        .set_priority = in->priority != NULL,
        .priority = in->priority ? *in->priority : PRIORITY_NORMAL,
        .set_due = brisk_value_get(sent, "due") != NULL,
        .due = in->due,
        .set_tags = sent_value(sent, "tags"),
        .tags = in->tags.items,
        .n_tags = in->tags.len,
        .set_done = in->done != NULL,
        .done = in->done && *in->done,
    };
    store_job job = {.op = STORE_UPDATE, .id = brisk_param_i64(c, "todo_id"), .fields = f};
    reply_todo(c, 200, &job);
}

static void delete_todo(brisk_ctx *c) {
    store_job job = {.op = STORE_DELETE, .id = brisk_param_i64(c, "todo_id")};
    if (run_job(c, &job)) brisk_reply_empty(c, 204);
    store_job_clear(&job);
}

static void list_todos(brisk_ctx *c) {
    brisk_list tags = brisk_param_list(c, "tag");
    store_job job = {
        .op = STORE_LIST,
        .filter = {
            .limit = brisk_param_i64(c, "limit"),
            .offset = brisk_param_i64(c, "offset"),
            .by_done = brisk_param_present(c, "done"),
            .done = brisk_param_bool(c, "done"),
            .by_priority = brisk_param_present(c, "priority"),
            .priority = brisk_param_enum(c, "priority"),
            .by_q = brisk_param_present(c, "q"),
            .q = brisk_param_str(c, "q"),
            .tags = tags.items,
            .n_tags = tags.len,
        },
    };
    if (run_job(c, &job)) {
        brisk_json *j = brisk_json_begin(c, 200);
        brisk_json_obj(j);
        brisk_json_key(j, "items");
        brisk_json_arr(j);
        for (size_t i = 0; i < job.n_items; i++) brisk_json_model(j, &Todo_model, &job.items[i]);
        brisk_json_end_arr(j);
        brisk_json_key(j, "total");
        brisk_json_int(j, job.total);
        brisk_json_key(j, "limit");
        brisk_json_int(j, job.filter.limit);
        brisk_json_key(j, "offset");
        brisk_json_int(j, job.filter.offset);
        brisk_json_end_obj(j);
        brisk_json_end(c, j);
    }
    store_job_clear(&job);
}

brisk_router *todos_router(void) {
    static const brisk_response_doc writes[] = {
        {401, "Not logged in, or the token is invalid or expired", NULL},
        {404, "Todo not found", NULL},
        {0}};
    const brisk_field *by_id = BRISK_PARAMS(
        BRISK_PATH_I64("todo_id", BRISK_GE(1), .description = "The todo's id"));
    const brisk_dep *const *logged_in = BRISK_DEPENDS(&current_user_dep);

    brisk_router *r = brisk_router_new(.prefix = "/todos", .tags = BRISK_STRS("todos"));
    BRISK_POST(r, "", create_todo, .summary = "Create a todo", .depends = logged_in,
               .responses = writes, .body = &TodoCreate_model, .response = &Todo_model,
               .status = 201);
    BRISK_GET(r, "", list_todos, .summary = "List todos", .response = &TodoPage_model,
              .params = BRISK_PARAMS(
                  BRISK_QUERY_I64("limit", .optional = true, .default_json = "20",
                                  BRISK_GE(1), BRISK_LE(100)),
                  BRISK_QUERY_I64("offset", .optional = true, .default_json = "0",
                                  BRISK_GE(0)),
                  BRISK_QUERY_BOOL("done", .optional = true),
                  BRISK_QUERY_ENUM("priority", .values = PRIORITY_VALUES, .optional = true),
                  BRISK_QUERY_STR("q", .optional = true, .max_len = 100,
                                  .description = "Part of the title (ASCII case ignored)"),
                  BRISK_QUERY_LIST("tag", BRISK_ITEM_STR(), .optional = true,
                                   .default_json = "[]",
                                   .description = "Only todos with every tag given")));
    BRISK_GET(r, "/{todo_id}", read_todo, .summary = "Read a todo", .params = by_id,
              .response = &Todo_model,
              .responses = (const brisk_response_doc[]){{404, "Todo not found", NULL}, {0}});
    BRISK_PUT(r, "/{todo_id}", replace_todo, .summary = "Replace a todo", .params = by_id,
              .depends = logged_in, .responses = writes, .body = &TodoCreate_model,
              .response = &Todo_model);
    BRISK_PATCH(r, "/{todo_id}", update_todo, .summary = "Update some fields",
                .params = by_id, .depends = logged_in, .responses = writes,
                .body = &TodoUpdate_model, .response = &Todo_model);
    BRISK_DELETE(r, "/{todo_id}", delete_todo, .summary = "Delete a todo", .params = by_id,
                 .depends = logged_in, .responses = writes, .status = 204);
    return r;
}
