/*
 * test_stack_walk.c - tests for exercise 31/stack_walk (see stack_walk.h),
 * on the virtual clock.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "stack_walk.h"

static int inner_line, outer_line;

static asy_status inner_body(asy_coro *co)
{
    ASY_BEGIN(co);
    inner_line = __LINE__ + 1;
    ASY_AWAIT(co, asy_sleep(60, asy_none()));
    ASY_END(co);
}

static asy_status outer_body(asy_coro *co)
{
    ASY_BEGIN(co);
    outer_line = __LINE__ + 1;
    ASY_AWAIT(co, ASY_CORO_NEW(asy_coro, inner_body, "inner"));
    ASY_END(co);
}

static asy_loop *new_loop(void)
{
    static const asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static void finish(asy_loop *loop, asy_task *t)
{
    asy_task_cancel(t, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    asy_decref(t);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_three_frames(void)
{
    asy_loop *loop = new_loop();
    asy_task *t = asy_loop_create_task(loop, ASY_CORO_NEW(asy_coro, outer_body, "outer"), NULL, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    char buf[512], want[512];
    size_t n = stack_walk(t, buf, sizeof buf);
    CHECK_INT_EQ(n, 3);
    snprintf(want, sizeof want, "outer %s:%d\ninner %s:%d\nsleep ", __FILE__, outer_line, __FILE__, inner_line);
    CHECK_MSG(strncmp(buf, want, strlen(want)) == 0, "got:\n%s", buf);
    CHECK(strstr(buf, "task.c:") != NULL); /* sleep's frame is in lib/task.c */
    finish(loop, t);
}

static void test_not_started(void)
{
    asy_loop *loop = new_loop();
    asy_task *t = asy_loop_create_task(loop, ASY_CORO_NEW(asy_coro, outer_body, "outer"), NULL, NULL);
    char buf[64];
    CHECK_INT_EQ(stack_walk(t, buf, sizeof buf), 1);
    CHECK_STR_EQ(buf, "outer ?:0\n");
    finish(loop, t);
}

static void test_done_null_and_small_buffer(void)
{
    char buf[16] = "junk";
    CHECK_INT_EQ(stack_walk(NULL, buf, sizeof buf), 0);
    CHECK_STR_EQ(buf, "");
    asy_loop *loop = new_loop();
    asy_task *t = asy_loop_create_task(loop, ASY_CORO_NEW(asy_coro, outer_body, "outer"), NULL, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    /* a buffer too small: what fits, terminated; the count is still 3 */
    CHECK_INT_EQ(stack_walk(t, buf, 8), 3);
    CHECK(strncmp(buf, "outer ", 6) == 0 && strlen(buf) == 7);
    CHECK_INT_EQ(stack_walk(t, buf, 1), 3);
    CHECK_STR_EQ(buf, "");
    asy_task_cancel(t, NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    strcpy(buf, "junk");
    CHECK_INT_EQ(stack_walk(t, buf, sizeof buf), 0); /* done: no frames */
    CHECK_STR_EQ(buf, "");
    asy_decref(t);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a task three coroutines deep: names, files, await lines", test_three_frames},
        {"a task not started yet: its frame, no file, line 0", test_not_started},
        {"NULL, a done task, a buffer too small", test_done_null_and_small_buffer},
        {NULL, NULL},
    };
    return check_main("stack_walk", tests, argc, argv);
}
