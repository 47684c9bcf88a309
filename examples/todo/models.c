/* The model declarations (see models.h). The bounds are the API's contract: the same
 * numbers show up in the 422 errors and in the JSON Schema. */
#include "models.h"

const char *const PRIORITY_VALUES[PRIORITY_COUNT + 1] = {"low", "normal", "high", NULL};

BRISK_MODEL(TodoCreate,
    BRISK_CONFIG(.description = "A todo as a client creates or replaces it"),
    BRISK_STR(title, .min_len = 1, .max_len = 200),
    BRISK_STR(description, .optional = true, .nullable = true, .max_len = 2000),
    BRISK_ENUM(priority, .values = PRIORITY_VALUES, .optional = true,
               .default_json = "\"normal\""),
    BRISK_DATETIME(due, .optional = true, .nullable = true),
    BRISK_LIST(tags, BRISK_ITEM_STR(.max_len = 30), .max_len = 10, .optional = true,
               .default_json = "[]"),
    BRISK_BOOL(done, .optional = true, .default_json = "false"));

BRISK_MODEL(TodoUpdate,
    BRISK_CONFIG(.description = "A partial update: only the fields sent are changed"),
    BRISK_STR(title, .optional = true, .nullable = true, .min_len = 1, .max_len = 200),
    BRISK_STR(description, .optional = true, .nullable = true, .max_len = 2000),
    BRISK_ENUM(priority, .values = PRIORITY_VALUES, .optional = true, .nullable = true),
    BRISK_DATETIME(due, .optional = true, .nullable = true),
    BRISK_LIST(tags, BRISK_ITEM_STR(.max_len = 30), .max_len = 10, .optional = true,
               .nullable = true),
    BRISK_BOOL(done, .optional = true, .nullable = true));

BRISK_MODEL(Todo,
    BRISK_CONFIG(.description = "A stored todo"),
    BRISK_I64(id),
    BRISK_STR(title, .min_len = 1, .max_len = 200),
    BRISK_STR(description, .nullable = true, .max_len = 2000),
    BRISK_ENUM(priority, .values = PRIORITY_VALUES),
    BRISK_DATETIME(due, .nullable = true),
    BRISK_LIST(tags, BRISK_ITEM_STR(.max_len = 30), .max_len = 10),
    BRISK_BOOL(done),
    BRISK_DATETIME(created_at));

BRISK_MODEL(TodoPage,
    BRISK_CONFIG(.description = "One page of todos"),
    BRISK_LIST(items, BRISK_ITEM_OBJ(&Todo_model)),
    BRISK_I64(total),
    BRISK_I64(limit),
    BRISK_I64(offset));

BRISK_MODEL(Token,
    BRISK_CONFIG(.description = "An access token, for the Authorization header"),
    BRISK_STR(access_token),
    BRISK_STR(token_type, .example_json = "\"bearer\""));

BRISK_MODEL(User,
    BRISK_CONFIG(.description = "A user who may log in"),
    BRISK_STR(username),
    BRISK_STR(full_name));
