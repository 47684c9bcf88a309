/* The todo API's models: what a client sends (TodoCreate, TodoUpdate) and what it gets
 * back (Todo, TodoPage, Token, User). One declaration each gives decoding, validation, the 422 body,
 * the encoder and the JSON Schema. */
#ifndef TODO_MODELS_H
#define TODO_MODELS_H

#include <brisk.h>

/* Priority: an index into PRIORITY_VALUES ("low", "normal", "high"). */
enum { PRIORITY_LOW, PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_COUNT };
extern const char *const PRIORITY_VALUES[PRIORITY_COUNT + 1];

/* POST /todos and PUT /todos/{id}: omitted fields take their defaults. */
typedef struct TodoCreate {
    brisk_str title;        /* 1..200 code points */
    brisk_str description;  /* .ptr NULL: null or absent */
    int priority;           /* default "normal" */
    brisk_str due;          /* RFC 3339 datetime; .ptr NULL: null or absent */
    brisk_strs tags;        /* at most 10, each at most 30 code points; default [] */
    bool done;              /* default false */
} TodoCreate;

/* PATCH /todos/{id}: every field optional and nullable. Which keys were sent comes from
 * the request's JSON (see main.c); the values come from here, validated. */
typedef struct TodoUpdate {
    brisk_str title;
    brisk_str description;
    int *priority;
    brisk_str due;
    brisk_strs tags;
    bool *done;
} TodoUpdate;

/* A stored todo, as every route answers it. */
typedef struct Todo {
    int64_t id;
    brisk_str title;
    brisk_str description;  /* .ptr NULL: null */
    int priority;
    brisk_str due;          /* .ptr NULL: null */
    brisk_strs tags;
    bool done;
    brisk_str created_at;   /* UTC, e.g. 2025-01-31T09:30:00.123Z */
} Todo;

/* GET /todos: one page of todos and the number matching the filters. Documentation only:
 * main.c writes the page item by item with brisk_json_model(). */
typedef struct TodoPage {
    brisk_list items;
    int64_t total;
    int64_t limit;
    int64_t offset;
} TodoPage;

/* POST /token's answer (OAuth2's token response). */
typedef struct Token {
    brisk_str access_token;
    brisk_str token_type;   /* "bearer" */
} Token;

/* GET /users/me. */
typedef struct User {
    brisk_str username;
    brisk_str full_name;
} User;

BRISK_MODEL_DECLARE(TodoCreate);
BRISK_MODEL_DECLARE(TodoUpdate);
BRISK_MODEL_DECLARE(Todo);
BRISK_MODEL_DECLARE(TodoPage);
BRISK_MODEL_DECLARE(Token);
BRISK_MODEL_DECLARE(User);

#endif
