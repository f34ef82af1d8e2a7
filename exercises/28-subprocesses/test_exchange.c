/*
 * test_exchange.c - exchange() (exercise, chapter 28) with real children:
 * `tr` with a small input; a child that writes 1 MB before it reads its
 * 1 MB of input (the deadlock case, under a 3 s time limit); a child that
 * closes its stdin at once. Each test ends with no child left, no
 * descriptor left, nothing leaked.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bytes.h"
#include "check.h"
#include "exchange.h"
#include "runners.h"
#include "task.h"
#include "wait_for.h"

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

static char big[1000000];

typedef struct {
    asy_coro co;
    const char *cmd;
    const char *input;
    size_t n;
    asy_process *proc;
    asy_value out;
    asy_exc *exc;
    int rc;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell(f->cmd, &o));
    }
    f->proc = asy_value_process(asy_value_incref(ASY_SENT(co)));
    ASY_AWAIT_TRY(co, asy_wait_for(exchange(f->proc, f->input, f->n), 3.0));
    if (ASY_EXC(co) != NULL) {
        f->exc = ASY_CATCH(co); /* a deadlock shows up as TimeoutError */
        asy_decref(asy_process_kill(f->proc));
    } else {
        f->out = asy_value_incref(ASY_SENT(co));
    }
    ASY_AWAIT(co, asy_process_wait(f->proc));
    f->rc = (int)ASY_SENT(co).u.i;
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->proc);
    f->proc = NULL;
}

/* Run cmd with exchange(input); returns the output (new reference) or None. */
static asy_value run(const char *cmd, const char *input, size_t n, int *rc)
{
    int fds = count_fds();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    f->cmd = cmd;
    f->input = input;
    f->n = n;
    asy_incref(f);
    asy_result r = asy_run(&f->co, NULL);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    if (f->exc != NULL)
        CHECK_MSG(false, "exchange raised %s", ASY_EXC_STR(f->exc));
    asy_decref(f->exc);
    asy_value out = f->out;
    *rc = f->rc;
    asy_decref(f);
    errno = 0;
    CHECK_INT_EQ(waitpid(-1, NULL, WNOHANG), -1); /* no child left */
    CHECK_INT_EQ(errno, ECHILD);
    CHECK_INT_EQ(count_fds(), fds);
    return out;
}

static void test_small(void)
{
    int rc = -1;
    asy_value out = run("tr a-z A-Z", "hello\n", 6, &rc);
    asy_value want = asy_bytes("HELLO\n", 6);
    CHECK(asy_bytes_eq(out, want));
    asy_value_decref(want);
    asy_value_decref(out);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_no_deadlock(void)
{
    memset(big, 'x', sizeof big);
    int rc = -1;
    asy_value out = run("head -c 1000000 /dev/zero; wc -c", big, sizeof big, &rc);
    CHECK_INT_EQ(asy_bytes_len(out), 1000008);
    if (asy_bytes_len(out) == 1000008)
        CHECK(memcmp(asy_bytes_data(out) + 1000000, "1000000\n", 8) == 0);
    asy_value_decref(out);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_child_closes_stdin(void)
{
    int rc = -1;
    asy_value out = run("exec 0<&-; echo closed", big, sizeof big, &rc);
    CHECK_INT_EQ(asy_bytes_len(out), 7);
    asy_value_decref(out);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a small input through tr", test_small},
        {"a child that writes 1 MB before reading: no deadlock", test_no_deadlock},
        {"a child that closes its stdin at once: not an error", test_child_closes_stdin},
        {NULL, NULL},
    };
    return check_main("exchange", tests, argc, argv);
}
