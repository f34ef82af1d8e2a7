/*
 * test_subprocess.c - children (chapter 28) on the real clock: spawning
 * with pipes, /dev/null, inherited streams and stderr=STDOUT; returncodes
 * (exit status, -signal); wait() from several tasks, cancelled; signals
 * after the reap (ProcessLookupError); a missing program; a Process
 * released before its child exits; a loop closed under a running child;
 * the child's descriptors. Every test ends with no child left (waitpid
 * finds none) and as many open descriptors as it started with.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "trace.h"
#include "subprocess.h"
#include "task.h"

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -1;
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

static int fds_at_start;

static void begin(void)
{
    trace_reset();
    fds_at_start = count_fds();
}

/* No child of ours is left (not even a zombie), no descriptor, no object. */
static void end(void)
{
    CHECK_INT_EQ(asy_subprocess_live_children(), 0);
    errno = 0;
    CHECK_INT_EQ(waitpid(-1, NULL, WNOHANG), -1);
    CHECK_INT_EQ(errno, ECHILD);
    CHECK_INT_EQ(count_fds(), fds_at_start);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Read a pipe to EOF (blocking reads are fine once the child is done:
 * the test waits first, and the outputs fit in a pipe's buffer). */
static void slurp(int fd, char *buf, size_t size)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, size - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
}

/* A frame that fits every test's main coroutine. */
typedef struct {
    asy_coro co;
    asy_process *proc;
    asy_task *t1, *t2;
    int i;
} main_frame;

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->proc);
    asy_decref(f->t1);
    asy_decref(f->t2);
    f->proc = NULL;
    f->t1 = f->t2 = NULL;
}

static asy_result run_main(asy_gen_body body)
{
    main_frame *f = ASY_CORO_NEW(main_frame, body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    return asy_run(&f->co, NULL);
}

static void check_returned(asy_result r)
{
    if (r.status == ASY_RAISED)
        CHECK_MSG(false, "main raised %s", ASY_EXC_STR(r.exc));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
}

#define TAKE_PROC(co, f) ((f)->proc = asy_value_process(asy_value_incref(ASY_SENT(co))))

/* ---- returncodes ---- */

static char out[4096];

static asy_status echo_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_exec(&o, "echo", "hello", "world"));
    }
    TAKE_PROC(co, f);
    CHECK(f->proc->pid > 0);
    CHECK(!asy_process_returncode(f->proc, NULL)); /* None while it runs */
    CHECK_INT_EQ(f->proc->stdin_fd, -1);
    CHECK_INT_EQ(f->proc->stderr_fd, -1);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 0);
    {
        int rc = -1;
        CHECK(asy_process_returncode(f->proc, &rc));
        CHECK_INT_EQ(rc, 0);
    }
    slurp(f->proc->stdout_fd, out, sizeof out);
    CHECK_STR_EQ(out, "hello world\n");
    ASY_END(co);
}

static void test_echo(void)
{
    begin();
    check_returned(run_main(echo_body));
    end();
}

static asy_status exit3_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_shell("exit 3", NULL));
    TAKE_PROC(co, f);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 3);
    /* waiting again answers at once */
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 3);
    ASY_END(co);
}

static void test_exit_status(void)
{
    begin();
    check_returned(run_main(exit3_body));
    end();
}

static int the_signal;

static asy_status signal_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_exec(NULL, "sleep", "10"));
    TAKE_PROC(co, f);
    CHECK_NULL(asy_process_send_signal(f->proc, the_signal));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, -the_signal);
    /* reaped: the pid is not ours any more */
    {
        asy_exc *e = asy_process_terminate(f->proc);
        CHECK(asy_exc_is(e, &asy_ProcessLookupError));
        CHECK(asy_exc_is(e, &asy_OSError));
        CHECK_STR_EQ(ASY_EXC_STR(e), "ProcessLookupError");
        asy_decref(e);
        e = asy_process_kill(f->proc);
        CHECK(asy_exc_is(e, &asy_ProcessLookupError));
        asy_decref(e);
    }
    ASY_END(co);
}

static void test_terminate(void)
{
    begin();
    the_signal = SIGTERM;
    check_returned(run_main(signal_body));
    end();
}

static void test_kill(void)
{
    begin();
    the_signal = SIGKILL;
    check_returned(run_main(signal_body));
    end();
}

static void test_signal_null(void)
{
    asy_exc *e = asy_process_kill(NULL);
    CHECK(asy_exc_is(e, &asy_TypeError));
    asy_decref(e);
    CHECK(!asy_process_returncode(NULL, NULL));
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- streams: DEVNULL, STDOUT, inherited ---- */

static asy_status stderr_to_stdout_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_DEVNULL, .out = ASY_PIPE, .err = ASY_STDOUT};
        ASY_AWAIT(co, asy_create_subprocess_shell("echo out; echo err >&2; cat; echo end", &o));
    }
    TAKE_PROC(co, f);
    CHECK_INT_EQ(f->proc->stderr_fd, -1);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 0);
    slurp(f->proc->stdout_fd, out, sizeof out);
    CHECK_STR_EQ(out, "out\nerr\nend\n"); /* cat read /dev/null: EOF at once */
    ASY_END(co);
}

static void test_stderr_to_stdout_and_devnull(void)
{
    begin();
    check_returned(run_main(stderr_to_stdout_body));
    end();
}

static asy_status three_pipes_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE, .err = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("read x; echo got $x; echo oops >&2; exit 1", &o));
    }
    TAKE_PROC(co, f);
    CHECK(write(f->proc->stdin_fd, "42\n", 3) == 3);
    close(f->proc->stdin_fd);
    f->proc->stdin_fd = -1;
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 1);
    slurp(f->proc->stdout_fd, out, sizeof out);
    CHECK_STR_EQ(out, "got 42\n");
    slurp(f->proc->stderr_fd, out, sizeof out);
    CHECK_STR_EQ(out, "oops\n");
    ASY_END(co);
}

static void test_three_pipes(void)
{
    begin();
    check_returned(run_main(three_pipes_body));
    end();
}

/* The child sees 0, 1, 2 and nothing else of ours (ls's own directory
 * descriptor is 3), even a descriptor the parent made without
 * close-on-exec. */
static int leaky_fd = -1;

static asy_status child_fds_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_exec(&o, "ls", "/proc/self/fd"));
    }
    TAKE_PROC(co, f);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 0);
    slurp(f->proc->stdout_fd, out, sizeof out);
    CHECK_STR_EQ(out, "0\n1\n2\n3\n");
    ASY_END(co);
}

static void test_child_sees_only_its_stdio(void)
{
    leaky_fd = dup(1); /* not close-on-exec */
    begin();
    check_returned(run_main(child_fds_body));
    end();
    close(leaky_fd);
}

/* ---- bad input ---- */

static asy_exc *raised;

static asy_status missing_body(asy_coro *co)
{
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE, .err = ASY_PIPE};
        ASY_AWAIT_TRY(co, asy_create_subprocess_exec(&o, "no-such-program-28", "arg"));
    }
    raised = ASY_CATCH(co);
    ASY_END(co);
}

static void test_missing_program(void)
{
    begin();
    check_returned(run_main(missing_body));
    CHECK(asy_exc_is(raised, &asy_FileNotFoundError));
    CHECK(asy_exc_is(raised, &asy_OSError));
    CHECK_STR_EQ(ASY_EXC_STR(raised), "FileNotFoundError: [Errno 2] No such file or directory: 'no-such-program-28'");
    asy_decref(raised);
    raised = NULL;
    end();
}

static asy_status not_executable_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_create_subprocess_exec(NULL, "/dev/null"));
    raised = ASY_CATCH(co);
    ASY_END(co);
}

static void test_not_executable(void)
{
    begin();
    check_returned(run_main(not_executable_body));
    CHECK_STR_EQ(ASY_EXC_STR(raised), "PermissionError: [Errno 13] Permission denied: '/dev/null'");
    asy_decref(raised);
    raised = NULL;
    end();
}

static void expect_raise(asy_coro *co, const char *what)
{
    asy_result r = asy_run(co, NULL);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    if (r.status == ASY_RAISED)
        CHECK_STR_EQ(ASY_EXC_STR(r.exc), what);
    asy_result_clear(&r);
}

static void test_bad_arguments(void)
{
    begin();
    expect_raise(asy_create_subprocess_execv(NULL, NULL),
                 "TypeError: expected a NULL-terminated argv, got NULL");
    expect_raise(asy_create_subprocess_execv((const char *const[]){NULL}, NULL),
                 "ValueError: at least one argument is required");
    expect_raise(asy_create_subprocess_shell(NULL, NULL), "TypeError: expected a command string, got NULL");
    asy_subprocess_opts o = {.out = ASY_STDOUT};
    expect_raise(asy_create_subprocess_exec(&o, "true"), "ValueError: STDOUT can only be used for stderr");
    expect_raise(asy_process_wait(NULL), "TypeError: a Process was expected, got NULL");
    /* without a running loop */
    asy_coro *c = asy_create_subprocess_exec(NULL, "true");
    asy_result r = asy_gen_send(c, asy_none());
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "RuntimeError: no running event loop");
    asy_result_clear(&r);
    asy_decref(c);
    end();
}

/* ---- waiting without blocking the loop ---- */

static asy_status ticker_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0;; f->i++) {
        note("tick");
        ASY_AWAIT(co, asy_sleep(0.05, asy_none()));
    }
    ASY_END(co);
}

static asy_status waiter_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    note("w=%lld", ASY_SENT(co).u.i);
    ASY_END(co);
}

static asy_task *spawn_task(asy_gen_body body, asy_process *proc)
{
    main_frame *f = ASY_CORO_NEW(main_frame, body, "helper");
    asy_gen_set_clear(&f->co, main_clear);
    f->proc = asy_incref(proc);
    return asy_create_task(&f->co, NULL, NULL);
}

static asy_status concurrent_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_exec(NULL, "sleep", "0.3"));
    TAKE_PROC(co, f);
    f->t1 = spawn_task(ticker_body, NULL);
    f->t2 = spawn_task(waiter_body, f->proc); /* a second wait() on the same child */
    ASY_AWAIT(co, asy_process_wait(f->proc));
    note("main=%lld", ASY_SENT(co).u.i);
    ASY_AWAIT(co, asy_incref(f->t2));
    asy_task_cancel(f->t1, NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->t1));
    CHECK(asy_exc_is(ASY_EXC(co), &asy_CancelledError));
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void test_wait_lets_others_run(void)
{
    begin();
    check_returned(run_main(concurrent_body));
    /* ticks every 50 ms through the child's 300 ms: at least 4 of them */
    int ticks = 0;
    for (const char *p = trace; (p = strstr(p, "tick")) != NULL; p++)
        ticks++;
    CHECK_MSG(ticks >= 4, "only %d ticks: %s", ticks, trace);
    CHECK(strstr(trace, "main=0 w=0") != NULL);
    end();
}

static asy_status cancelled_wait_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_exec(NULL, "sleep", "10"));
    TAKE_PROC(co, f);
    f->t2 = spawn_task(waiter_body, f->proc);
    ASY_AWAIT(co, asy_sleep(0.01, asy_none()));
    CHECK_INT_EQ(asy_ilist_length(&f->proc->waiters), 1);
    asy_task_cancel(f->t2, NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->t2));
    CHECK(asy_exc_is(ASY_EXC(co), &asy_CancelledError));
    asy_decref(ASY_CATCH(co));
    CHECK_INT_EQ(asy_ilist_length(&f->proc->waiters), 0);
    CHECK(!asy_process_returncode(f->proc, NULL));
    CHECK_NULL(asy_process_kill(f->proc));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, -9);
    ASY_END(co);
}

static void test_cancelled_wait(void)
{
    begin();
    check_returned(run_main(cancelled_wait_body));
    CHECK_STR_EQ(trace, "");
    end();
}

/* ---- no zombies ---- */

/* The Process is released while the child still runs: the loop's watch
 * reaps it when it exits. */
static asy_status released_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_exec(NULL, "sleep", "0.1"));
    CHECK_INT_EQ(asy_subprocess_live_children(), 1); /* ASY_SENT's reference goes with the frame's next send */
    for (f->i = 0; f->i < 100 && asy_subprocess_live_children() > 0; f->i++)
        ASY_AWAIT(co, asy_sleep(0.02, asy_none()));
    CHECK_INT_EQ(asy_subprocess_live_children(), 0);
    ASY_END(co);
}

static void test_released_process_is_reaped(void)
{
    begin();
    check_returned(run_main(released_body));
    end();
}

/* asyncio.run ends (the loop closes) with the child still running and the
 * Process still held: releasing it kills and reaps the child. */
static asy_process *kept;

static asy_status abandon_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_exec(NULL, "sleep", "10"));
    kept = asy_value_process(asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void test_loop_closed_under_running_child(void)
{
    begin();
    check_returned(run_main(abandon_body));
    CHECK_INT_EQ(asy_subprocess_live_children(), 1);
    CHECK(!asy_process_returncode(kept, NULL));
    asy_decref(kept);
    kept = NULL;
    end();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"echo: stdout=PIPE, wait() returns 0", test_echo},
        {"exit 3 through the shell: wait() returns 3, twice", test_exit_status},
        {"terminate: returncode -15, then ProcessLookupError", test_terminate},
        {"kill: returncode -9, then ProcessLookupError", test_kill},
        {"send_signal on NULL is a TypeError", test_signal_null},
        {"stderr=STDOUT and stdin=DEVNULL", test_stderr_to_stdout_and_devnull},
        {"three pipes: write stdin, read stdout and stderr", test_three_pipes},
        {"the child inherits no descriptor but 0, 1, 2", test_child_sees_only_its_stdio},
        {"a missing program: FileNotFoundError, no zombie, no fd", test_missing_program},
        {"a file that is not executable: PermissionError", test_not_executable},
        {"bad arguments raise when awaited", test_bad_arguments},
        {"wait() lets a ticker run; two waiters both wake", test_wait_lets_others_run},
        {"a cancelled wait() leaves the waiters", test_cancelled_wait},
        {"a Process released before its child exits: the loop reaps it", test_released_process_is_reaped},
        {"the loop closed under a running child: killed and reaped", test_loop_closed_under_running_child},
        {NULL, NULL},
    };
    return check_main("subprocess", tests, argc, argv);
}
