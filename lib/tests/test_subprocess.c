/*
 * test_subprocess.c - children (chapter 28) on the real clock: spawning
 * with pipes, /dev/null, inherited streams and stderr=STDOUT; returncodes
 * (exit status, -signal); wait() from several tasks, cancelled; signals
 * after the reap (ProcessLookupError); a missing program; a Process
 * released before its child exits; a loop closed under a running child;
 * the child's descriptors; pipes as streams over pipe transports (stdin's
 * drain back-pressure, a flooding child paused at 2 * limit). Every test ends with no child left (waitpid
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
#include "runners.h"
#include "trace.h"
#include "subprocess.h"
#include "task.h"
#include "list.h"
#include "bytes.h"

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

/* A bytes value equals the C string s. */
#define CHECK_BYTES(v, s) CHECK_STR_EQ(bytes_cstr(v), (s))
static char bytes_buf[4096];
static const char *bytes_cstr(asy_value v)
{
    if (!asy_is_bytes(v))
        return "(not bytes)";
    size_t n = asy_bytes_len(v) < sizeof bytes_buf - 1 ? asy_bytes_len(v) : sizeof bytes_buf - 1;
    memcpy(bytes_buf, asy_bytes_data(v), n);
    bytes_buf[n] = '\0';
    return bytes_buf;
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
    CHECK_NULL(asy_process_stdin(f->proc));
    CHECK_NULL(asy_process_stderr(f->proc));
    CHECK_NOT_NULL(asy_process_stdout(f->proc));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 0);
    {
        int rc = -1;
        CHECK(asy_process_returncode(f->proc, &rc));
        CHECK_INT_EQ(rc, 0);
    }
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1));
    CHECK_BYTES(ASY_SENT(co), "hello world\n");
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
    CHECK_NULL(asy_process_stderr(f->proc));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 0);
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1));
    CHECK_BYTES(ASY_SENT(co), "out\nerr\nend\n"); /* cat read /dev/null: EOF at once */
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
    CHECK_NULL(asy_stream_writer_write(asy_process_stdin(f->proc), "42\n", 3));
    asy_stream_writer_close(asy_process_stdin(f->proc));
    CHECK(asy_stream_writer_is_closing(asy_process_stdin(f->proc)));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 1);
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1));
    CHECK_BYTES(ASY_SENT(co), "got 42\n");
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stderr(f->proc), -1));
    CHECK_BYTES(ASY_SENT(co), "oops\n");
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
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1));
    CHECK_BYTES(ASY_SENT(co), "0\n1\n2\n3\n");
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
    expect_raise(asy_process_communicate(NULL, "x", 1), "TypeError: a Process was expected, got NULL");
    expect_raise(asy_stream_writer_drain(NULL), "TypeError: a StreamWriter was expected, got NULL");
    {
        asy_exc *e = asy_stream_writer_write(NULL, "x", 1);
        CHECK(asy_exc_is(e, &asy_TypeError));
        asy_decref(e);
    }
    asy_stream_writer_close(NULL);
    CHECK(asy_stream_writer_is_closing(NULL));
    CHECK_INT_EQ(asy_transport_get_write_buffer_size(asy_stream_writer_transport(NULL)), 0);
    CHECK_NULL(asy_process_stdin(NULL));
    CHECK_NULL(asy_process_stdout(NULL));
    CHECK_NULL(asy_process_stderr(NULL));
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
    /* ticks every 50 ms through the child's 300 ms: about 6 (3 leave room for a busy machine) */
    int ticks = 0;
    for (const char *p = trace; (p = strstr(p, "tick")) != NULL; p++)
        ticks++;
    CHECK_MSG(ticks >= 3, "only %d ticks: %s", ticks, trace);
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


/* ---- pipes as streams ---- */

/* async for line in proc.stdout, while a ticker ticks */
static asy_status lines_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("for i in 1 2 3; do echo line $i; sleep 0.12; done", &o));
    }
    TAKE_PROC(co, f);
    f->t1 = spawn_task(ticker_body, NULL);
    for (;;) {
        ASY_AWAIT(co, asy_stream_reader_readline(asy_process_stdout(f->proc)));
        if (asy_bytes_len(ASY_SENT(co)) == 0)
            break;
        note("%.*s", (int)asy_bytes_len(ASY_SENT(co)) - 1, asy_bytes_data(ASY_SENT(co)));
    }
    ASY_AWAIT(co, asy_process_wait(f->proc));
    note("rc=%lld", ASY_SENT(co).u.i);
    asy_task_cancel(f->t1, NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->t1));
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void test_readline_while_ticking(void)
{
    begin();
    check_returned(run_main(lines_body));
    /* the ticks fall between the lines: line 1 tick.. line 2 tick.. line 3 */
    const char *l1 = strstr(trace, "line 1"), *l2 = strstr(trace, "line 2"), *l3 = strstr(trace, "line 3");
    CHECK_FATAL(l1 != NULL && l2 != NULL && l3 != NULL);
    CHECK_MSG(l1 < l2 && l2 < l3, "%s", trace);
    const char *t = strstr(l1, "tick");
    CHECK_MSG(t != NULL && t < l2, "%s", trace);
    t = strstr(l2, "tick");
    CHECK_MSG(t != NULL && t < l3, "%s", trace);
    CHECK(strstr(trace, "rc=0") != NULL);
    end();
}

static asy_value comm_out, comm_err;
static int comm_rc;

static void take_pair(asy_value pair)
{
    asy_list *l = asy_value_list(pair);
    CHECK_FATAL(l != NULL && asy_list_len(l) == 2);
    comm_out = asy_value_incref(asy_list_get(l, 0));
    comm_err = asy_value_incref(asy_list_get(l, 1));
}

static void drop_pair(void)
{
    asy_value_clear(&comm_out);
    asy_value_clear(&comm_err);
}

static const char *comm_cmd;
static asy_subprocess_opts comm_opts;
static const char *comm_input;
static size_t comm_n;

static asy_status communicate_main(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_shell(comm_cmd, &comm_opts));
    TAKE_PROC(co, f);
    ASY_AWAIT(co, asy_process_communicate(f->proc, comm_input, comm_n));
    take_pair(ASY_SENT(co));
    CHECK(asy_process_returncode(f->proc, &comm_rc));
    ASY_END(co);
}

static void run_communicate(const char *cmd, asy_stdio in, asy_stdio out, asy_stdio err, const char *input,
                            size_t n)
{
    comm_cmd = cmd;
    comm_opts = (asy_subprocess_opts){in, out, err};
    comm_input = input;
    comm_n = n;
    check_returned(run_main(communicate_main));
}

static void test_communicate_with_input(void)
{
    begin();
    run_communicate("cat; echo bye >&2", ASY_PIPE, ASY_PIPE, ASY_PIPE, "a\nb\n", 4);
    CHECK_BYTES(comm_out, "a\nb\n");
    CHECK_BYTES(comm_err, "bye\n");
    CHECK_INT_EQ(comm_rc, 0);
    drop_pair();
    /* without PIPEs: None for both, the input ignored */
    run_communicate("exit 4", ASY_INHERIT, ASY_DEVNULL, ASY_INHERIT, "x", 1);
    CHECK(asy_is_none(comm_out));
    CHECK(asy_is_none(comm_err));
    CHECK_INT_EQ(comm_rc, 4);
    drop_pair();
    end();
}

/* The child writes 1 MB to stdout BEFORE it reads its stdin: a parent
 * that wrote all its input first would wait for the child, which waits
 * for the parent to read. communicate does both at once. */
static char big[1000000];

static void test_communicate_does_not_deadlock(void)
{
    begin();
    memset(big, 'x', sizeof big);
    run_communicate("head -c 1000000 /dev/zero; wc -c >&2", ASY_PIPE, ASY_PIPE, ASY_PIPE, big, sizeof big);
    CHECK_INT_EQ(asy_bytes_len(comm_out), 1000000);
    CHECK_BYTES(comm_err, "1000000\n");
    CHECK_INT_EQ(comm_rc, 0);
    drop_pair();
    end();
}

/* A child that exits (or closes its stdin) without reading the input:
 * EPIPE while communicate writes is not an error. */
static void test_communicate_child_closes_stdin(void)
{
    begin();
    run_communicate("exec 0<&-; echo closed", ASY_PIPE, ASY_PIPE, ASY_INHERIT, big, sizeof big);
    CHECK_BYTES(comm_out, "closed\n");
    CHECK(asy_is_none(comm_err));
    CHECK_INT_EQ(comm_rc, 0);
    drop_pair();
    run_communicate("exit 2", ASY_PIPE, ASY_INHERIT, ASY_INHERIT, big, sizeof big);
    CHECK_INT_EQ(comm_rc, 2);
    drop_pair();
    end();
}

/* proc.stdin.write + drain by hand: drain waits while more than 64 KiB is
 * buffered; after the child is gone it raises ConnectionResetError. */
static asy_status drain_main(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("sleep 0.1; wc -c", &o));
    }
    TAKE_PROC(co, f);
    CHECK_NULL(asy_stream_writer_write(asy_process_stdin(f->proc), big, 300000));
    CHECK(asy_transport_get_write_buffer_size(asy_stream_writer_transport(asy_process_stdin(f->proc))) > 64 * 1024); /* the pipe took 64 KiB at most */
    ASY_AWAIT(co, asy_stream_writer_drain(asy_process_stdin(f->proc)));
    CHECK(asy_transport_get_write_buffer_size(asy_stream_writer_transport(asy_process_stdin(f->proc))) <= 16 * 1024);
    asy_stream_writer_close(asy_process_stdin(f->proc));
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1));
    CHECK_BYTES(ASY_SENT(co), "300000\n");
    ASY_AWAIT(co, asy_process_wait(f->proc));
    /* closed: writes are dropped, drain reports the lost pipe */
    CHECK_NULL(asy_stream_writer_write(asy_process_stdin(f->proc), "x", 1));
    ASY_AWAIT_TRY(co, asy_stream_writer_drain(asy_process_stdin(f->proc)));
    CHECK_STR_EQ(ASY_EXC_REPR(ASY_EXC(co)), "ConnectionResetError('Connection lost')");
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void test_write_and_drain(void)
{
    begin();
    check_returned(run_main(drain_main));
    end();
}

static asy_status broken_pipe_main(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_exec(&o, "true"));
    }
    TAKE_PROC(co, f);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_NULL(asy_stream_writer_write(asy_process_stdin(f->proc), "xxxxxxxxxx", 10)); /* EPIPE, not SIGPIPE */
    ASY_AWAIT_TRY(co, asy_stream_writer_drain(asy_process_stdin(f->proc)));
    CHECK_STR_EQ(ASY_EXC_REPR(ASY_EXC(co)), "ConnectionResetError('Connection lost')");
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void test_write_to_exited_child(void)
{
    begin();
    check_returned(run_main(broken_pipe_main));
    end();
}

/* The Process released with its pipes open and the child running: the
 * pipes close (the child's write gets EPIPE) and the loop reaps it. */
static asy_status release_pipes_main(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE, .err = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("sleep 0.1; echo late", &o));
    }
    TAKE_PROC(co, f);
    CHECK_NULL(asy_stream_writer_write(asy_process_stdin(f->proc), big, 100000));
    asy_decref(f->proc);
    f->proc = NULL;
    for (f->i = 0; f->i < 100 && asy_subprocess_live_children() > 0; f->i++)
        ASY_AWAIT(co, asy_sleep(0.02, asy_none()));
    CHECK_INT_EQ(asy_subprocess_live_children(), 0);
    ASY_END(co);
}

static void test_released_with_pipes(void)
{
    begin();
    check_returned(run_main(release_pipes_main));
    end();
}

/* proc.stdin is a StreamWriter over a write-pipe transport: drain()
 * really waits (here for a child that reads nothing for 0.2 s), and
 * returns once the transport resumed writing at the low-water mark. */
static double drain_start, drain_took;

static asy_status backpressure_main(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("sleep 0.2; wc -c", &o));
    }
    TAKE_PROC(co, f);
    {
        asy_transport *t = asy_stream_writer_transport(asy_process_stdin(f->proc));
        CHECK(strncmp(ASY_REPR(asy_obj_value(t)), "<_UnixWritePipeTransport fd=", 28) == 0);
        CHECK(asy_stream_writer_can_write_eof(asy_process_stdin(f->proc)));
    }
    ASY_AWAIT(co, asy_stream_writer_drain(asy_process_stdin(f->proc))); /* nothing buffered: at once */
    CHECK_NULL(asy_stream_writer_write(asy_process_stdin(f->proc), big, 300000));
    drain_start = asy_loop_time(asy_get_running_loop(NULL));
    ASY_AWAIT(co, asy_stream_writer_drain(asy_process_stdin(f->proc)));
    drain_took = asy_loop_time(asy_get_running_loop(NULL)) - drain_start;
    CHECK(asy_transport_get_write_buffer_size(asy_stream_writer_transport(asy_process_stdin(f->proc))) <= 16 * 1024);
    CHECK_NULL(asy_stream_writer_write_eof(asy_process_stdin(f->proc))); /* = close, after the flush */
    ASY_AWAIT(co, asy_stream_writer_wait_closed(asy_process_stdin(f->proc)));
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1));
    CHECK_BYTES(ASY_SENT(co), "300000\n");
    ASY_AWAIT(co, asy_process_wait(f->proc));
    ASY_END(co);
}

static void test_stdin_drain_backpressure(void)
{
    begin();
    check_returned(run_main(backpressure_main));
    CHECK_MSG(drain_took >= 0.15, "drain took %.3f s", drain_took);
    end();
}

/* A child floods its stdout while nobody reads: the read-pipe transport
 * pauses once the StreamReader holds more than 2 * limit (128 KiB), the
 * pipe fills, and the CHILD waits; reading resumes it. */
static size_t flood_total, flood_max_buffered;

static asy_status flood_main(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_exec(&o, "head", "-c", "3000000", "/dev/zero"));
    }
    TAKE_PROC(co, f);
    ASY_AWAIT(co, asy_sleep(0.3, asy_none())); /* nobody reads */
    {
        asy_stream_reader *r = asy_process_stdout(f->proc);
        size_t limit = asy_stream_reader_limit(r);
        CHECK_INT_EQ(limit, 64 * 1024);
        CHECK(asy_stream_reader_buffered(r) > 2 * limit);
        CHECK(asy_stream_reader_buffered(r) <= 2 * limit + ASY_TRANSPORT_MAX_READ); /* bounded */
        CHECK(!asy_transport_is_reading(f->proc->stdout_t));
        CHECK(!asy_process_returncode(f->proc, NULL)); /* blocked on the full pipe */
    }
    flood_total = flood_max_buffered = 0;
    for (;;) {
        ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), 65536));
        if (asy_bytes_len(ASY_SENT(co)) == 0)
            break;
        flood_total += asy_bytes_len(ASY_SENT(co));
        if (asy_stream_reader_buffered(asy_process_stdout(f->proc)) > flood_max_buffered)
            flood_max_buffered = asy_stream_reader_buffered(asy_process_stdout(f->proc));
    }
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 0);
    ASY_END(co);
}

static void test_stdout_flood_pauses_reading(void)
{
    begin();
    check_returned(run_main(flood_main));
    CHECK_INT_EQ(flood_total, 3000000);
    CHECK(flood_max_buffered <= 2 * 64 * 1024 + ASY_TRANSPORT_MAX_READ);
    end();
}

/* The child is killed while a grandchild holds its stdin and never reads
 * it: releasing the Process drops stdin's unsent input rather than leave
 * the transport flushing past the loop's end (nothing left over). */
static asy_status grandchild_main(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("head -c 1000000 /dev/zero; cat", &o));
    }
    TAKE_PROC(co, f);
    CHECK_NULL(asy_stream_writer_write(asy_process_stdin(f->proc), big, 300000));
    ASY_AWAIT(co, asy_sleep(0.1, asy_none()));
    CHECK_NULL(asy_process_kill(f->proc)); /* the shell; head lives on, blocked */
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, -9);
    CHECK(asy_transport_get_write_buffer_size(asy_stream_writer_transport(asy_process_stdin(f->proc))) > 0);
    asy_decref(f->proc); /* the last reference, the loop still running */
    f->proc = NULL;
    ASY_END(co);
}

static void test_released_with_input_for_a_grandchild(void)
{
    begin();
    check_returned(run_main(grandchild_main));
    end();
}

/* ---- the SIGCHLD fallback ---- */

/* A child made by other code (a plain fork) is not ours to reap: after
 * our child is waited for, the other one is still there for its owner. */
static pid_t foreign;

static asy_status foreign_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    foreign = fork();
    if (foreign == 0)
        _exit(7);
    ASY_AWAIT(co, asy_create_subprocess_shell("sleep 0.1; exit 1", NULL));
    TAKE_PROC(co, f);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    CHECK_INT_EQ(ASY_SENT(co).u.i, 1);
    ASY_END(co);
}

static void test_foreign_child_left_alone(void)
{
    begin();
    check_returned(run_main(foreign_body));
    int status = 0;
    CHECK_INT_EQ(waitpid(foreign, &status, 0), foreign); /* still ours to reap */
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    end();
}

static asy_status two_children_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_shell("sleep 0.2; exit 2", NULL));
    TAKE_PROC(co, f);
    f->t2 = spawn_task(waiter_body, f->proc);
    asy_decref(f->proc);
    f->proc = NULL;
    ASY_AWAIT(co, asy_create_subprocess_shell("exit 5", NULL));
    TAKE_PROC(co, f);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    note("first=%lld", ASY_SENT(co).u.i);
    ASY_AWAIT(co, asy_incref(f->t2));
    ASY_END(co);
}

static void test_two_children(void)
{
    begin();
    check_returned(run_main(two_children_body));
    CHECK_STR_EQ(trace, "first=5 w=2");
    end();
}

/* The fallback's self-pipe is made once and stays: make it before the
 * test counts descriptors. */
static void with_sigchld(void (*test)(void))
{
    asy_subprocess_force_sigchld(true);
    asy_result r = asy_run(asy_create_subprocess_exec(NULL, "true"), NULL);
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_subprocess_live_children(), 0); /* the loop closed and the Process went: killed, reaped */
    test();
    asy_subprocess_force_sigchld(false);
}

static void test_sigchld_echo(void) { with_sigchld(test_echo); }
static void test_sigchld_exit_status(void) { with_sigchld(test_exit_status); }
static void test_sigchld_terminate(void) { with_sigchld(test_terminate); }
static void test_sigchld_concurrent(void) { with_sigchld(test_wait_lets_others_run); }
static void test_sigchld_two_children(void) { with_sigchld(test_two_children); }
static void test_sigchld_released(void) { with_sigchld(test_released_process_is_reaped); }
static void test_sigchld_loop_closed(void) { with_sigchld(test_loop_closed_under_running_child); }
static void test_sigchld_communicate(void) { with_sigchld(test_communicate_does_not_deadlock); }
static void test_sigchld_foreign(void) { with_sigchld(test_foreign_child_left_alone); }

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
        {"readline on stdout while a ticker ticks", test_readline_while_ticking},
        {"communicate(input): stdout and stderr; None without PIPEs", test_communicate_with_input},
        {"communicate: a child that writes 1 MB before reading does not deadlock", test_communicate_does_not_deadlock},
        {"communicate: a child that closes stdin early is not an error", test_communicate_child_closes_stdin},
        {"stdin.write + drain: back-pressure, then ConnectionResetError", test_write_and_drain},
        {"a write to an exited child: EPIPE, drain raises ConnectionResetError", test_write_to_exited_child},
        {"a Process released with open pipes: closed, reaped", test_released_with_pipes},
        {"stdin is a StreamWriter over a write pipe: drain waits for the child", test_stdin_drain_backpressure},
        {"a child floods stdout, nobody reads: reading pauses at 2*limit", test_stdout_flood_pauses_reading},
        {"released after the kill, a grandchild holding stdin: nothing left", test_released_with_input_for_a_grandchild},
        {"a child made by plain fork is left to its owner", test_foreign_child_left_alone},
        {"two children exit in the other order", test_two_children},
        {"SIGCHLD fallback: echo", test_sigchld_echo},
        {"SIGCHLD fallback: exit status", test_sigchld_exit_status},
        {"SIGCHLD fallback: terminate", test_sigchld_terminate},
        {"SIGCHLD fallback: wait() lets a ticker run", test_sigchld_concurrent},
        {"SIGCHLD fallback: two children", test_sigchld_two_children},
        {"SIGCHLD fallback: a released Process is reaped", test_sigchld_released},
        {"SIGCHLD fallback: the loop closed under a running child", test_sigchld_loop_closed},
        {"SIGCHLD fallback: communicate without deadlock", test_sigchld_communicate},
        {"SIGCHLD fallback: a foreign child is left alone", test_sigchld_foreign},
        {NULL, NULL},
    };
    return check_main("subprocess", tests, argc, argv);
}
