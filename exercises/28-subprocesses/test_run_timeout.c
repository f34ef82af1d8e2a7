/*
 * test_run_timeout.c - run_with_timeout (exercise, chapter 28) with real
 * children: a quick exit status, a child killed by its own signal, and a
 * child that outlives the limit (TimeoutError soon after the limit, and the
 * child already killed and reaped when it is raised).
 */
#include <dirent.h>
#include <errno.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "run_timeout.h"
#include "runners.h"
#include "task.h"

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d != NULL && readdir(d) != NULL)
        n++;
    if (d != NULL)
        closedir(d);
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t children_when_raised;

typedef struct {
    asy_coro co;
    const char *cmd;
    double timeout;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, run_with_timeout(f->cmd, f->timeout));
    children_when_raised = asy_subprocess_live_children();
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co);
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

/* asyncio.run(main()) for one command; checks nothing is left behind. */
static asy_result run(const char *cmd, double timeout, double *elapsed)
{
    int fds = count_fds();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    f->cmd = cmd;
    f->timeout = timeout;
    double t0 = now();
    asy_result r = asy_run(&f->co, NULL);
    *elapsed = now() - t0;
    errno = 0;
    CHECK_INT_EQ(waitpid(-1, NULL, WNOHANG), -1); /* no child left */
    CHECK_INT_EQ(errno, ECHILD);
    CHECK_INT_EQ(count_fds(), fds);
    return r;
}

static void test_exit_status(void)
{
    double t;
    asy_result r = run("exit 3", 5.0, &t);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_INT_EQ(r.value.u.i, 3);
    asy_result_clear(&r);
    r = run("kill -TERM $$", 5.0, &t);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_INT_EQ(r.value.u.i, -15);
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_timeout_kills(void)
{
    double t;
    asy_result r = run("sleep 3", 0.2, &t);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_TimeoutError));
    CHECK_MSG(t < 1.5, "took %.2f s: the child was not killed", t);
    CHECK_INT_EQ(children_when_raised, 0); /* reaped before the raise */
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"an exit status, and -15 for a child killed by SIGTERM", test_exit_status},
        {"a child that outlives the limit: killed, reaped, TimeoutError", test_timeout_kills},
        {NULL, NULL},
    };
    return check_main("run_timeout", tests, argc, argv);
}
