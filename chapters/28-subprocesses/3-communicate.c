/*
 * Chapter 28, demo 3: communicate(input): write and read at the same time.
 *
 * communicate() feeds the input to stdin, reads stdout and stderr to the
 * end, all three at once (a gather of three coroutines), then waits for
 * the child. "At once" is what saves the second case: that child writes
 * 1 MB before it reads a byte, so a parent that wrote all its input first
 * would wait for a child that waits for the parent to read. The third
 * child closes its stdin without reading: the write fails with EPIPE,
 * which communicate() ignores, as CPython's does. 3-communicate.py is the
 * Python:
 *
 *     proc = await asyncio.create_subprocess_exec("tr", "a-z", "A-Z", stdin=PIPE, stdout=PIPE)
 *     out, err = await proc.communicate(b"hello\nworld\n")
 *     print(out, err, proc.returncode)
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

enum { BIG = 1000000 };

typedef struct {
    asy_coro co;
    asy_process *proc;
    char *big;
} main_frame;

static int returncode(asy_process *proc)
{
    int rc = 0;
    asy_process_returncode(proc, &rc);
    return rc;
}

/* proc = await create_subprocess_...; its Process replaces f->proc */
static void take(main_frame *f, asy_value v)
{
    asy_decref(f->proc);
    f->proc = asy_value_process(asy_value_incref(v));
}

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_list *pair;
    ASY_BEGIN(co);
    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_exec(&o, "tr", "a-z", "A-Z"));
    }
    take(f, ASY_SENT(co));
    ASY_AWAIT(co, asy_process_communicate(f->proc, "hello\nworld\n", 12));
    pair = asy_value_list(ASY_SENT(co)); /* out, err = ... */
    printf("%s %s %d\n", ASY_REPR(asy_list_get(pair, 0)), ASY_REPR(asy_list_get(pair, 1)), returncode(f->proc));

    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("head -c 1000000 /dev/zero; wc -c", &o));
    }
    take(f, ASY_SENT(co));
    ASY_AWAIT(co, asy_process_communicate(f->proc, f->big, BIG));
    pair = asy_value_list(ASY_SENT(co));
    {
        asy_value out = asy_list_get(pair, 0);
        size_t n = asy_bytes_len(out);
        asy_value tail = asy_bytes(asy_bytes_data(out) + (n >= 8 ? n - 8 : 0), n >= 8 ? 8 : n); /* out[-8:] */
        printf("%zu %s %d\n", n, ASY_REPR(tail), returncode(f->proc));
        asy_value_decref(tail);
    }

    {
        asy_subprocess_opts o = {.in = ASY_PIPE, .out = ASY_PIPE};
        ASY_AWAIT(co, asy_create_subprocess_shell("exec 0<&-; echo stdin closed; exit 5", &o));
    }
    take(f, ASY_SENT(co));
    ASY_AWAIT(co, asy_process_communicate(f->proc, f->big, BIG));
    pair = asy_value_list(ASY_SENT(co));
    printf("%s %d\n", ASY_REPR(asy_list_get(pair, 0)), returncode(f->proc));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->proc);
    free(f->big);
}

int main(void)
{
    int fds_before = count_fds();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    f->big = malloc(BIG);
    if (f->big == NULL)
        return 1;
    memset(f->big, 'x', BIG); /* b"x" * 1000000 */
    asy_result r = asy_run(&f->co, NULL);
    int failed = r.status == ASY_RAISED;
    if (failed)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    leftovers(fds_before);
    return failed;
}
