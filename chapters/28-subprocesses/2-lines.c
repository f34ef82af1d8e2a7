/*
 * Chapter 28, demo 2: a child's output, line by line, while a ticker ticks.
 *
 * The child prints a line every half second. main() reads them as they
 * come with `async for` over proc.stdout (chapter 27's StreamReader, fed
 * by the loop from the pipe: each step is a readline(), and b'' ends the
 * loop); between two lines main is suspended, and the ticker task ticks
 * every 0.1 s: waiting for a child blocks nobody.
 *
 *     async def main():
 *         proc = await asyncio.create_subprocess_shell(
 *             "for i in 1 2 3; do echo line $i; sleep 0.5; done",
 *             stdout=asyncio.subprocess.PIPE)
 *         t = asyncio.create_task(ticker())
 *         async for line in proc.stdout:
 *             print("got", line)
 *         print("EOF, returncode", await proc.wait())
 *
 * How many ticks fall between two lines depends on the machine's timing
 * (about five), so 2-lines.sed squeezes each run of "tick" lines into one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>

#include "asyncgen.h" /* ASY_ASYNC_FOR */
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

/* async def ticker(): while True: print("tick"); await asyncio.sleep(0.1) */
static asy_status ticker_body(asy_coro *co)
{
    ASY_BEGIN(co);
    for (;;) {
        printf("tick\n");
        ASY_AWAIT(co, asy_sleep(0.1, asy_none()));
    }
    ASY_END(co);
}

typedef struct {
    asy_coro co;
    asy_process *proc;
    asy_task *t;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("for i in 1 2 3; do echo line $i; sleep 0.5; done", &o));
    }
    f->proc = asy_value_process(asy_value_incref(ASY_SENT(co)));
    {
        asy_exc *err;
        f->t = asy_create_task(asy_coro_new(sizeof(asy_coro), ticker_body, "ticker"), NULL, &err);
        if (f->t == NULL)
            ASY_RAISE(co, err);
    }
    ASY_ASYNC_FOR(co, asy_process_stdout(f->proc)) { /* async for line in proc.stdout: */
        printf("got %s\n", ASY_REPR(ASY_SENT(co)));
    } ASY_ASYNC_FOR_END(co);
    ASY_AWAIT(co, asy_process_wait(f->proc));
    printf("EOF, returncode %s\n", ASY_STR(ASY_SENT(co)));
    asy_task_cancel(f->t, NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->t));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("ticker cancelled\n");
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->proc);
    asy_decref(f->t);
}

int main(void)
{
    int fds_before = count_fds();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    int failed = r.status == ASY_RAISED;
    if (failed)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    leftovers(fds_before);
    return failed;
}
