/* The todo list's routes, under /todos (see todos.c). */
#ifndef TODO_TODOS_H
#define TODO_TODOS_H

#include <brisk.h>

brisk_router *todos_router(void);

#endif
