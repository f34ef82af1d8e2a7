/*
 * test_introspect.c - chapter 31: a task's stack (names, files, lines of
 * the await chain), print_stack's text, current_task / all_tasks seen from
 * inside; debug mode and tracing are tested further down.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "vloop.h"
#include "introspect.h"
#include "task.h"

/* async def leaf(): await asyncio.sleep(10) */
static int leaf_line, middle_line;
static asy_status leaf_body(asy_coro *co)
{
    ASY_BEGIN(co);
    leaf_line = __LINE__ + 1;
    ASY_AWAIT(co, asy_sleep(10, asy_none()));
    ASY_END(co);
}
static asy_coro *leaf(void) { return ASY_CORO_NEW(asy_coro, leaf_body, "leaf"); }

/* async def middle(): await leaf() */
static asy_status middle_body(asy_coro *co)
{
    ASY_BEGIN(co);
    middle_line = __LINE__ + 1;
    ASY_AWAIT(co, leaf());
    ASY_END(co);
}
static asy_coro *middle(void) { return ASY_CORO_NEW(asy_coro, middle_body, "middle"); }

/* The stack of a task suspended two coroutines deep: outermost first,
 * each with this file and the line of its await, then sleep's frame. */
static void test_stack_of_suspended_task(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, middle(), "worker", NULL);
    CHECK_INT_EQ(asy_task_get_stack(t, -1, NULL, 0), 1); /* not started: its frame, line 0 */
    CHECK_NULL(asy_loop_run_once(loop));
    asy_frame_info fr[8];
    size_t n = asy_task_get_stack(t, -1, fr, 8);
    CHECK_INT_EQ(n, 3);
    CHECK_STR_EQ(fr[0].name, "middle");
    CHECK_STR_EQ(fr[0].file, __FILE__);
    CHECK_INT_EQ(fr[0].line, middle_line);
    CHECK_STR_EQ(fr[1].name, "leaf");
    CHECK_INT_EQ(fr[1].line, leaf_line);
    CHECK_STR_EQ(fr[2].name, "sleep");
    CHECK(strstr(fr[2].file, "task.c") != NULL);
    /* limit=1 keeps the innermost frame, as Python's limit counts from the newest */
    CHECK_INT_EQ(asy_task_get_stack(t, 1, fr, 8), 1);
    CHECK_STR_EQ(fr[0].name, "sleep");
    CHECK_INT_EQ(asy_task_get_stack(t, 0, fr, 8), 0);
    /* max smaller than the stack: the count is still the whole stack */
    CHECK_INT_EQ(asy_task_get_stack(t, -1, fr, 1), 3);
    CHECK_STR_EQ(fr[0].name, "middle");
    asy_task_cancel(t, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK(asy_future_cancelled(&t->fut));
    CHECK_INT_EQ(asy_task_get_stack(t, -1, fr, 8), 0); /* done: no frames */
    CHECK_INT_EQ(asy_task_get_stack(NULL, -1, fr, 8), 0);
    asy_decref(t);
    done_with(loop);
}

/* print_stack's text, read back from a temporary file. */
static void test_print_stack_text(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, middle(), "worker", NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    FILE *f = tmpfile();
    CHECK_FATAL(f != NULL);
    CHECK_NULL(asy_task_print_stack(t, 2, f));
    char buf[2048];
    rewind(f);
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    char want[1024];
    snprintf(want, sizeof want,
             "  File \"%s\", line %d, in leaf\n"
             "    ASY_AWAIT(co, asy_sleep(10, asy_none()));\n",
             __FILE__, leaf_line);
    CHECK(strncmp(buf, "Stack for <Task pending name='worker' coro=<coroutine object middle at ", 71) == 0);
    char *body = strstr(buf, "(most recent call last):\n");
    CHECK_FATAL(body != NULL);
    body += strlen("(most recent call last):\n");
    CHECK_MSG(strncmp(body, want, strlen(want)) == 0, "got:\n%s", body);
    CHECK(strstr(body, "in sleep\n") != NULL);
    asy_task_cancel(t, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    f = tmpfile();
    CHECK_FATAL(f != NULL);
    CHECK_NULL(asy_task_print_stack(t, -1, f));
    rewind(f);
    len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    CHECK(strncmp(buf, "No stack for <Task cancelled name='worker'", 42) == 0);
    asy_exc *e = asy_task_print_stack(NULL, -1, NULL);
    CHECK(asy_exc_is(e, &asy_TypeError));
    asy_decref(e);
    asy_decref(t);
    done_with(loop);
}

/* A task that failed: "Traceback for" and its exception. */
static asy_status fails_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "bad"));
    ASY_END(co);
}
static void test_print_stack_of_failed_task(void)
{
    asy_loop *loop = vloop();
    asy_task *t = asy_loop_create_task(loop, ASY_CORO_NEW(asy_coro, fails_body, "fails"), "f", NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    FILE *f = tmpfile();
    CHECK_FATAL(f != NULL);
    CHECK_NULL(asy_task_print_stack(t, -1, f));
    char buf[1024];
    rewind(f);
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    CHECK(strncmp(buf, "Traceback for <Task finished name='f'", 37) == 0);
    CHECK(strstr(buf, "ValueError: bad\n") != NULL);
    asy_value v;
    asy_decref(asy_future_result(&t->fut, &v)); /* retrieved: no report */
    asy_decref(t);
    done_with(loop);
}

/* current_task, all_tasks and get_coro as a running task sees them. */
typedef struct {
    asy_coro co;
    asy_task *other;
} looker_frame;
static asy_status looker_body(asy_coro *co)
{
    looker_frame *f = (looker_frame *)co;
    ASY_BEGIN(co);
    {
        asy_task *me = asy_current_task(NULL, NULL);
        asy_task *all[4];
        size_t n = asy_all_tasks(NULL, all, 4, NULL);
        note("me=%s coro=%s n=%zu", asy_task_get_name(me), asy_task_get_coro(me)->name, n);
        for (size_t i = 0; i < n && i < 4; i++)
            note("%s", asy_task_get_name(all[i]));
        asy_frame_info fr[2];
        /* a running task's own stack: its frame, line 0 until its first await */
        note("self=%zu", asy_task_get_stack(me, -1, fr, 2));
        size_t other = asy_task_get_stack(f->other, -1, fr, 2);
        note("other=%s:%zu", fr[0].name, other);
    }
    ASY_END(co);
}
static void test_current_and_all_tasks(void)
{
    asy_loop *loop = vloop();
    asy_task *other = asy_loop_create_task(loop, middle(), NULL, NULL);
    looker_frame *lf = ASY_CORO_NEW(looker_frame, looker_body, "looker");
    lf->other = other;
    asy_result r = asy_loop_run_until_complete(loop, lf);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "me=Task-2 coro=looker n=2 Task-1 Task-2 self=1 other=middle:3");
    asy_result_clear(&r);
    asy_task_cancel(other, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    asy_decref(other);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the stack of a suspended task: names, file, await lines, limit", test_stack_of_suspended_task},
        {"print_stack prints Python's text with the source lines", test_print_stack_text},
        {"print_stack of a failed task shows its exception", test_print_stack_of_failed_task},
        {"current_task, all_tasks, get_coro and stacks from inside a task", test_current_and_all_tasks},
        {NULL, NULL},
    };
    return check_main("introspect", tests, argc, argv);
}
