/*
 * Chapter 28, demo 1: run commands, read their output, see how they ended.
 *
 * Python's documentation example, run(cmd), plus the three ways a child
 * can end badly: a non-zero exit status, a signal (terminate: returncode
 * -15), and a program that does not exist (FileNotFoundError, raised by
 * the await that tried to start it). At the end the demo checks that no
 * child is left (waitpid finds none, not even a zombie) and that no
 * descriptor is left open. 1-run.py is the Python.
 *
 *     async def run(cmd):
 *         proc = await asyncio.create_subprocess_shell(
 *             cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
 *         stdout, stderr = await proc.communicate()
 *         print(f"[{cmd!r} exited with {proc.returncode}]")
 *         if stdout:
 *             print(f"[stdout]\n{stdout.decode()}")
 *         if stderr:
 *             print(f"[stderr]\n{stderr.decode()}")
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "bytes.h"
#include "list.h"
#include "runners.h"
#include "subprocess.h"
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

static void leftovers(int fds_before)
{
    errno = 0;
    bool none = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("%s, %d descriptors more than at the start\n", none ? "no child left" : "a child is left",
           count_fds() - fds_before);
}

/* async def run(cmd) */
typedef struct {
    asy_coro co;
    const char *cmd;
    asy_process *proc;
} run_frame;

static void print_output(const char *what, asy_value b)
{
    if (asy_is_bytes(b) && asy_bytes_len(b) > 0)
        printf("[%s]\n%.*s\n", what, (int)asy_bytes_len(b), asy_bytes_data(b));
}

static asy_status run_body(asy_coro *co)
{
    run_frame *f = (run_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.out = ASY_PIPE, .err = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell(f->cmd, &o));
    }
    f->proc = asy_value_process(asy_value_incref(ASY_SENT(co)));
    ASY_AWAIT(co, asy_process_communicate(f->proc, NULL, 0)); /* stdout, stderr = ... */
    {
        asy_list *pair = asy_value_list(ASY_SENT(co));
        int rc = 0;
        asy_process_returncode(f->proc, &rc);
        printf("['%s' exited with %d]\n", f->cmd, rc);
        print_output("stdout", asy_list_get(pair, 0));
        print_output("stderr", asy_list_get(pair, 1));
    }
    ASY_END(co);
}

static void run_clear(asy_gen *g) { asy_decref(((run_frame *)g)->proc); }

static asy_coro *run(const char *cmd)
{
    run_frame *f = ASY_CORO_NEW(run_frame, run_body, "run");
    f->cmd = cmd;
    asy_gen_set_clear(&f->co, run_clear);
    return &f->co;
}

/* async def main() */
typedef struct {
    asy_coro co;
    asy_process *proc;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, run("ls /zzz"));
    ASY_AWAIT(co, run("echo hello; echo world"));

    ASY_AWAIT(co, asy_create_subprocess_exec(NULL, "sleep", "10"));
    f->proc = asy_value_process(asy_value_incref(ASY_SENT(co)));
    printf("sleep 10 started, returncode %s\n", asy_process_returncode(f->proc, NULL) ? "set" : "None");
    ASY_RAISE_IF(co, asy_process_terminate(f->proc));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    printf("terminated: %s\n", ASY_STR(ASY_SENT(co)));
    {
        asy_exc *e = asy_process_kill(f->proc);
        if (asy_exc_is(e, &asy_ProcessLookupError))
            printf("kill after wait: %s\n", ASY_EXC_REPR(e));
        asy_decref(e);
    }

    ASY_AWAIT_TRY(co, asy_create_subprocess_exec(NULL, "no-such-program", "--help"));
    if (asy_exc_is(ASY_EXC(co), &asy_FileNotFoundError)) {
        asy_exc *e = ASY_CATCH(co);
        printf("%s\n", ASY_EXC_STR(e));
        asy_decref(e);
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->proc); }

int main(void)
{
    setenv("LC_ALL", "C", 1); /* ls speaks English whatever the locale */
    int fds_before = count_fds();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stderr);
    int failed = r.status == ASY_RAISED;
    asy_result_clear(&r);
    leftovers(fds_before);
    return failed;
}
