/*
 * test_introspect.c - chapter 31: a task's stack (names, files, lines of
 * the await chain), print_stack's text, current_task / all_tasks seen from
 * inside; debug mode and tracing are tested further down.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trace.h"
#include "vloop.h"
#include "internal.h"
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

/* ---- debug mode ---- */

/* A callback that "blocks" for `arg` seconds: on the virtual clock, it
 * moves the clock on, which is what a blocking call looks like to the loop. */
static asy_exc *busy(asy_value arg)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    asy_clock_advance_to(asy_loop_clock(loop), asy_loop_time(loop) + arg.u.f);
    note("busy");
    return NULL;
}

static void test_slow_callback_reported_in_debug_mode(void)
{
    asy_loop *loop = vloop();
    CHECK(!asy_loop_get_debug(loop));
    CHECK_DBL_NEAR(asy_loop_get_slow_callback_duration(loop), 0.1, 1e-12);
    asy_decref(asy_loop_call_soon(loop, busy, asy_float(0.15), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "busy"); /* debug mode off: nothing said */
    trace_reset();
    asy_loop_set_debug(loop, true);
    asy_decref(asy_loop_call_soon(loop, busy, asy_float(0.15), NULL));
    asy_decref(asy_loop_call_soon(loop, busy, asy_float(0.05), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "busy [Executing <Handle busy(0.15)> took 0.150 seconds] busy");
    trace_reset();
    CHECK_NULL(asy_loop_set_slow_callback_duration(loop, 0.5));
    asy_decref(asy_loop_call_soon(loop, busy, asy_float(0.15), NULL));
    asy_decref(asy_loop_call_soon(loop, busy, asy_float(0.5), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "busy busy [Executing <Handle busy(0.5)> took 0.500 seconds]");
    asy_exc *e = asy_loop_set_slow_callback_duration(loop, -1);
    CHECK(asy_exc_is(e, &asy_ValueError));
    asy_decref(e);
    CHECK_DBL_NEAR(asy_loop_get_slow_callback_duration(loop), 0.5, 1e-12);
    done_with(loop);
}

/* A task step that keeps the loop 0.2 s: reported with the task's repr. */
static asy_status hog_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_loop *loop = asy_get_running_loop(NULL);
        asy_clock_advance_to(asy_loop_clock(loop), asy_loop_time(loop) + 0.2);
    }
    ASY_END(co);
}
static void test_slow_task_step_reported(void)
{
    asy_loop *loop = vloop();
    asy_loop_set_debug(loop, true);
    asy_task *t = asy_loop_create_task(loop, ASY_CORO_NEW(asy_coro, hog_body, "hog"), "hog-task", NULL);
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "[Executing <Task finished name='hog-task' result=None> took 0.200 seconds]");
    asy_decref(t);
    done_with(loop);
}

/* ASY_DEBUG in the environment turns debug mode on for every new loop. */
static void test_debug_from_environment(void)
{
    static const asy_loop_options opts = {NULL, true};
    const char *values[] = {"1", "0", "", "yes"};
    const bool want[] = {true, false, false, true};
    for (int i = 0; i < 4; i++) {
        setenv("ASY_DEBUG", values[i], 1);
        asy_loop *loop = asy_loop_new(&opts, NULL);
        CHECK_FATAL(loop != NULL);
        CHECK_MSG(asy_loop_get_debug(loop) == want[i], "ASY_DEBUG=%s", values[i]);
        asy_value lv = asy_loop_value(loop);
        CHECK(strstr(ASY_REPR(lv), want[i] ? "debug=True" : "debug=False") != NULL);
        asy_value_decref(lv);
        asy_decref(loop);
    }
    unsetenv("ASY_DEBUG");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* call_soon from another thread while the loop runs: refused in debug
 * mode, as CPython's _check_thread refuses it. */
static asy_exc *never(asy_value arg)
{
    (void)arg;
    note("never");
    return NULL;
}
static void *from_thread(void *arg)
{
    asy_loop *loop = arg;
    asy_exc *e1, *e2;
    asy_handle *h1 = asy_loop_call_soon(loop, never, asy_none(), &e1);
    asy_handle *h2 = asy_loop_call_later(loop, 1.0, never, asy_none(), &e2);
    note("%s %s", h1 == NULL ? ASY_EXC_STR(e1) : "accepted", h2 == NULL ? ASY_EXC_STR(e2) : "accepted");
    asy_decref(e1);
    asy_decref(e2);
    return NULL;
}
static asy_exc *spawn_and_join(asy_value arg)
{
    pthread_t th;
    if (pthread_create(&th, NULL, from_thread, asy_value_loop(arg)) != 0)
        return asy_exc_new(&asy_RuntimeError, "pthread_create failed");
    pthread_join(th, NULL); /* blocks the loop a moment: fine for a test */
    /* the loop's own thread is still welcome */
    asy_exc *e;
    asy_handle *h = asy_loop_call_soon(asy_value_loop(arg), busy, asy_float(0.0), &e);
    note("own thread: %s", h != NULL ? "accepted" : "refused");
    asy_decref(h);
    return NULL;
}
static void test_thread_check_in_debug_mode(void)
{
    asy_loop *loop = vloop();
    asy_loop_set_debug(loop, true);
    asy_decref(asy_loop_call_soon(loop, spawn_and_join, asy_loop_value(loop), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(trace, "RuntimeError: Non-thread-safe operation invoked on an event loop other than the current one "
                        "RuntimeError: Non-thread-safe operation invoked on an event loop other than the current one "
                        "own thread: accepted busy");
    done_with(loop);
}

static asy_status boom_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "boom"));
    ASY_END(co);
}
/* Run fn with stderr going to a temporary file; returns what it wrote. */
static void capture_stderr(void (*fn)(void *), void *arg, char *out, size_t size)
{
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    CHECK_FATAL(saved >= 0 && tmp != NULL);
    dup2(fileno(tmp), 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t len = fread(out, 1, size - 1, tmp);
    out[len] = '\0';
    fclose(tmp);
}
static void release_obj(void *o) { asy_decref((asy_obj *)o); }

/* Debug mode: a coroutine never awaited says where it was created. */
static int dropper_line;
static asy_status dropper_body(asy_coro *co)
{
    ASY_BEGIN(co);
    dropper_line = __LINE__ + 1;
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    asy_decref(ASY_CORO_NEW(asy_coro, boom_body, "forgotten"));
    ASY_AWAIT(co, asy_sleep(0, asy_none())); /* a started coroutine: its origin is gone */
    ASY_RETURN(co, asy_int(7));
    ASY_END(co);
}
static void run_dropper(void *loop)
{
    asy_result r = asy_loop_run_until_complete(loop, ASY_CORO_NEW(asy_coro, dropper_body, "dropper"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "7");
    asy_result_clear(&r);
}
static void test_never_awaited_origin_in_debug_mode(void)
{
    for (int debug = 0; debug < 2; debug++) {
        asy_loop *loop = vloop();
        asy_loop_set_debug(loop, debug);
        char err[2048], want[512];
        capture_stderr(run_dropper, loop, err, sizeof err);
        snprintf(want, sizeof want,
                 "RuntimeWarning: coroutine 'forgotten' was never awaited\n"
                 "Coroutine created at (most recent call last)\n"
                 "  File \"%s\", line %d, in dropper\n",
                 __FILE__, dropper_line);
        if (debug)
            CHECK_MSG(strcmp(err, want) == 0, "stderr:\n%s", err);
        else
            CHECK_STR_EQ(err, "RuntimeWarning: coroutine 'forgotten' was never awaited\n");
        done_with(loop);
    }
    /* outside a running loop nothing is tracked, even for a debug loop */
    char err[256];
    capture_stderr(release_obj, ASY_CORO_NEW(asy_coro, boom_body, "outside"), err, sizeof err);
    CHECK_STR_EQ(err, "RuntimeWarning: coroutine 'outside' was never awaited\n");
}

/* Debug mode: a task records where it was made (CPython's
 * task._source_traceback), in the loop's side table, and the reports about
 * a lost task print it. The creator awaits and creates on one line, so
 * that the line it last resumed at is the line of the create_task. */
static int spawner_line;
static asy_loop *spawner_loop;
static asy_coro *boom(void) { return ASY_CORO_NEW(asy_coro, boom_body, "boom"); }
static asy_status spawner_body(asy_coro *co)
{
    ASY_BEGIN(co);
    spawner_line = __LINE__ + 1;
    ASY_AWAIT(co, asy_sleep(0, asy_none())); asy_task *t = asy_create_task(boom(), NULL, NULL);
    /* while the task lives, its record is there (in debug mode) */
    const char *origin = asy_task_get_source_traceback(t);
    CHECK_INT_EQ(origin != NULL, asy_loop_get_debug(spawner_loop));
    CHECK_INT_EQ(asy__origins_count(*asy__loop_origins(spawner_loop)), asy_loop_get_debug(spawner_loop) ? 1 : 0);
    asy_decref(t); /* its exception will never be retrieved */
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    ASY_RETURN(co, asy_int(1));
    ASY_END(co);
}
static void run_spawner(void *loop)
{
    asy_result r = asy_loop_run_until_complete(loop, ASY_CORO_NEW(asy_coro, spawner_body, "spawner"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
}
static void test_never_retrieved_names_creation_site(void)
{
    char report[2][2048];
    for (int debug = 0; debug < 2; debug++) {
        asy_loop *loop = spawner_loop = vloop();
        asy_loop_set_exception_handler(loop, NULL, NULL); /* the default handler prints */
        asy_loop_set_debug(loop, debug);
        capture_stderr(run_spawner, loop, report[debug], sizeof report[debug]);
        /* the task is freed: its record went with it, before the loop closes */
        CHECK_INT_EQ(asy__origins_count(*asy__loop_origins(loop)), 0);
        done_with(loop);
    }
    /* debug off: the report as before */
    CHECK_STR_EQ(report[0], "Task exception was never retrieved\n"
                            "future: <Task finished name='Task-2' exception=ValueError('boom')>\n"
                            "ValueError: boom\n");
    /* debug on: the same, with Python's source_traceback after "future" */
    char want[2048];
    snprintf(want, sizeof want,
             "Task exception was never retrieved\n"
             "future: <Task finished name='Task-2' exception=ValueError('boom')>\n"
             "source_traceback: Object created at (most recent call last):\n"
             "  File \"%s\", line %d, in spawner\n"
             "ValueError: boom\n",
             __FILE__, spawner_line);
    CHECK_MSG(strcmp(report[1], want) == 0, "stderr:\n%s", report[1]);
    CHECK_NULL(asy_task_get_source_traceback(NULL));
}

/* async def waiter(): await sleep(10); made two coroutines deep */
static int sub_line;
static asy_status waiter_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(10, asy_none()));
    ASY_END(co);
}
static asy_coro *waiter(void) { return ASY_CORO_NEW(asy_coro, waiter_body, "waiter"); }
static asy_status sub_body(asy_coro *co)
{
    ASY_BEGIN(co);
    sub_line = __LINE__ + 1;
    ASY_AWAIT(co, asy_sleep(0, asy_none())); asy_decref(asy_create_task(waiter(), "w", NULL));
    ASY_END(co);
}
static int outer_line;
static asy_status outer_body(asy_coro *co)
{
    ASY_BEGIN(co);
    outer_line = __LINE__ + 1;
    ASY_AWAIT(co, ASY_CORO_NEW(asy_coro, sub_body, "sub"));
    ASY_END(co);
}
static void close_loop(void *loop) { CHECK_NULL(asy_loop_close(loop)); }
/* "Task was destroyed but it is pending!" prints the record before "task"
 * (Python's keys in sorted order); debug mode turned off drops the table. */
static void test_pending_task_report_names_creation_site(void)
{
    asy_loop *loop = vloop();
    asy_loop_set_exception_handler(loop, NULL, NULL); /* the default handler prints */
    asy_loop_set_debug(loop, true);
    asy_result r = asy_loop_run_until_complete(loop, ASY_CORO_NEW(asy_coro, outer_body, "outer"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_INT_EQ(asy__origins_count(*asy__loop_origins(loop)), 1); /* "w" still sleeps */
    char err[2048], want[1024];
    capture_stderr(close_loop, loop, err, sizeof err);
    snprintf(want, sizeof want,
             "Task was destroyed but it is pending!\n"
             "source_traceback: Object created at (most recent call last):\n"
             "  File \"%s\", line %d, in outer\n"
             "  File \"%s\", line %d, in sub\n"
             "task: <Task pending name='w' coro=<coroutine object waiter at 0x",
             __FILE__, outer_line, __FILE__, sub_line);
    CHECK_MSG(strncmp(err, want, strlen(want)) == 0 && strstr(err, ">>\n") == err + strlen(err) - 3, "stderr:\n%s",
              err);
    CHECK_INT_EQ(asy__origins_count(*asy__loop_origins(loop)), 0);
    done_with(loop);

    /* debug mode off again: the table is dropped, the reports are plain */
    loop = vloop();
    asy_loop_set_exception_handler(loop, NULL, NULL);
    asy_loop_set_debug(loop, true);
    r = asy_loop_run_until_complete(loop, ASY_CORO_NEW(asy_coro, outer_body, "outer"));
    CHECK_INT_EQ(asy__origins_count(*asy__loop_origins(loop)), 1);
    asy_loop_set_debug(loop, false);
    CHECK_INT_EQ(asy__origins_count(*asy__loop_origins(loop)), 0);
    capture_stderr(close_loop, loop, err, sizeof err);
    const char *plain = "Task was destroyed but it is pending!\n"
                        "task: <Task pending name='w' coro=<coroutine object waiter at 0x";
    CHECK_MSG(strncmp(err, plain, strlen(plain)) == 0 && strchr(err + strlen(plain), '\n') == err + strlen(err) - 1,
              "stderr:\n%s", err);
    done_with(loop);
}

/* ---- tracing ---- */

/* A sink that writes "kind:name" (and the time when it moved) to a buffer. */
static char events[4096];
static void record_event(asy_loop *loop, const asy_trace_event *ev, void *arg)
{
    (void)loop;
    double *last = arg;
    size_t n = strlen(events);
    if (ev->time != *last) {
        n += (size_t)snprintf(events + n, sizeof events - n, "%s@%g", n > 0 ? " " : "", ev->time);
        *last = ev->time;
    }
    snprintf(events + n, sizeof events - n, "%s%s%s%s", n > 0 ? " " : "", asy_trace_kind_name(ev->kind),
             ev->name[0] != '\0' ? ":" : "", ev->name);
}

/* async def child(): await asyncio.sleep(1)
 * async def main(): t = create_task(child(), name='child'); await t */
static asy_status child_body(asy_coro *co)
{
    ASY_BEGIN(co);
    note("child");
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    ASY_END(co);
}
static asy_status parent_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_exc *err;
        asy_task *t = asy_create_task(ASY_CORO_NEW(asy_coro, child_body, "child"), "child", &err);
        if (t == NULL)
            ASY_RAISE(co, err);
        note("parent");
        ASY_AWAIT(co, t);
    }
    note("parent done@%g", now());
    ASY_END(co);
}

static void test_trace_events_in_order(void)
{
    asy_loop *loop = vloop();
    events[0] = '\0';
    double last = 0.0;
    asy_loop_set_trace(loop, record_event, &last);
    asy_result r = asy_loop_run_until_complete(loop, ASY_CORO_NEW(asy_coro, parent_body, "parent"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK_STR_EQ(events,
                 "task_new:Task-1 step:Task-1 task_new:child step_end:Task-1 wait:child "
                 "step:child step_end:child wait:sleep "
                 "io_wait @1 io_done timer:timer step:child step_end:child task_done:child "
                 "step:Task-1 step_end:Task-1 task_done:Task-1");
    CHECK_STR_EQ(trace, "parent child parent done@1");
    done_with(loop);
}

/* Timers of handles, with their callbacks' names. */
static void test_trace_of_a_timer_callback(void)
{
    asy_loop *loop = vloop();
    events[0] = '\0';
    double last = 0.0;
    asy_loop_set_trace(loop, record_event, &last);
    asy_decref(asy_loop_call_later(loop, 2.5, busy, asy_float(0.0), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(events, "io_wait @2.5 io_done timer:busy callback:busy callback_end:busy");
    done_with(loop);
}

/* The same program with the sink set and without: what it does and when
 * is the same; without a sink, nothing is recorded. */
static void run_parent(bool traced, char *out, size_t size)
{
    asy_loop *loop = vloop();
    events[0] = '\0';
    double last = 0.0;
    if (traced)
        asy_loop_set_trace(loop, record_event, &last);
    asy_result r = asy_loop_run_until_complete(loop, ASY_CORO_NEW(asy_coro, parent_body, "parent"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    snprintf(out, size, "%s t=%g", trace, asy_loop_time(loop));
    done_with(loop);
}
static void test_trace_off_changes_nothing(void)
{
    char on[512], off[512];
    run_parent(true, on, sizeof on);
    CHECK(events[0] != '\0');
    run_parent(false, off, sizeof off);
    CHECK_STR_EQ(events, ""); /* no sink: not one event */
    CHECK_STR_EQ(off, on);
    CHECK_STR_EQ(off, "parent child parent done@1 t=1");
    /* a sink can be removed again */
    asy_loop *loop = vloop();
    double last = 0.0;
    asy_loop_set_trace(loop, record_event, &last);
    asy_loop_set_trace(loop, NULL, NULL);
    events[0] = '\0';
    asy_decref(asy_loop_call_soon(loop, busy, asy_float(0.0), NULL));
    CHECK_NULL(asy_loop_run_once(loop));
    CHECK_STR_EQ(events, "");
    CHECK_STR_EQ(asy_trace_kind_name(ASY_TRACE_TIMER), "timer");
    CHECK_STR_EQ(asy_trace_kind_name((asy_trace_kind)99), "?");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the stack of a suspended task: names, file, await lines, limit", test_stack_of_suspended_task},
        {"print_stack prints Python's text with the source lines", test_print_stack_text},
        {"print_stack of a failed task shows its exception", test_print_stack_of_failed_task},
        {"current_task, all_tasks, get_coro and stacks from inside a task", test_current_and_all_tasks},
        {"debug mode: a slow callback is reported with its duration", test_slow_callback_reported_in_debug_mode},
        {"debug mode: a slow task step is reported with the task", test_slow_task_step_reported},
        {"ASY_DEBUG in the environment turns debug mode on", test_debug_from_environment},
        {"debug mode: call_soon from another thread is refused", test_thread_check_in_debug_mode},
        {"debug mode: a coroutine never awaited says where it was created", test_never_awaited_origin_in_debug_mode},
        {"debug mode: an exception never retrieved says where its task was created",
         test_never_retrieved_names_creation_site},
        {"debug mode: a pending task destroyed says where it was created; off again, no record",
         test_pending_task_report_names_creation_site},
        {"trace: a task creating and awaiting another, in order", test_trace_events_in_order},
        {"trace: a timer handle's callback", test_trace_of_a_timer_callback},
        {"trace: with no sink nothing is recorded and nothing changes", test_trace_off_changes_nothing},
        {NULL, NULL},
    };
    /* these tests turn debug mode and tracing on themselves */
    unsetenv("ASY_DEBUG");
    unsetenv("ASY_TRACE");
    return check_main("introspect", tests, argc, argv);
}
