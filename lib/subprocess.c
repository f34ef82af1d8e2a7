/*
 * subprocess.c - spawning, watching and reaping children (chapter 28).
 */
#define _GNU_SOURCE /* pipe2 */
#include "subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "future.h"
#include "gather.h"
#include "list.h"
#include "internal.h"
#include "transport.h"
#include "unix_pipes.h"

const asy_exc_type asy_FileNotFoundError = {"FileNotFoundError", &asy_OSError};
const asy_exc_type asy_PermissionError = {"PermissionError", &asy_OSError};
const asy_exc_type asy_ProcessLookupError = {"ProcessLookupError", &asy_OSError};
const asy_exc_type asy_ChildProcessError = {"ChildProcessError", &asy_OSError};

static size_t live_children;

size_t asy_subprocess_live_children(void) { return live_children; }

/* OSError(errnum, strerror(errnum), filename) as Python builds it, with
 * the subclass Python picks for errnum: "[Errno 2] No such file or
 * directory: 'prog'" (no filename: without the last part). */
static asy_exc *os_error(int errnum, const char *filename)
{
    const asy_exc_type *type = asy_exc_oserror_type(errnum); /* chapter 26's table */
    switch (errnum) {
    case ENOENT: type = &asy_FileNotFoundError; break;
    case EACCES:
    case EPERM: type = &asy_PermissionError; break;
    case ESRCH: type = &asy_ProcessLookupError; break;
    case ECHILD: type = &asy_ChildProcessError; break;
    default: break;
    }
    asy_exc *e = filename == NULL
                     ? asy_exc_new(type, "[Errno %d] %s", errnum, strerror(errnum))
                     : asy_exc_new(type, "[Errno %d] %s: '%s'", errnum, strerror(errnum), filename);
    e->errnum = errnum;
    return e;
}

/* ---- the child watcher ---- */

struct asy_child_watch {
    asy_obj ob;
    pid_t pid;
    int pidfd;          /* registered as a reader of `loop`; -1 once reaped */
    asy_loop *loop;     /* borrowed: the loop owns us through the reader */
    bool reaped;
    int returncode;
    asy_process *proc;  /* borrowed; NULL once the Process is released */
    asy_ilist link;     /* the SIGCHLD fallback: in its loop's registration */
};

/* os.waitstatus_to_exitcode: the exit status, or -signal. */
static int exit_code(int status)
{
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void process_exited(asy_process *proc, int rc)
{
    for (asy_ilist *p = proc->waiters.next; p != &proc->waiters; p = p->next)
        asy_waiter_wake(ASY_WAITER_OF(p), asy_int(rc));
}

/* Our child is gone: record how, stop watching, tell the Process. */
static void watch_reaped(asy_child_watch *w, int status)
{
    w->reaped = true;
    w->returncode = exit_code(status);
    live_children--;
    if (w->pidfd >= 0) {
        asy_loop_remove_reader(w->loop, w->pidfd); /* before close: epoll needs the fd */
        close(w->pidfd);
        w->pidfd = -1;
    }
    if (w->proc != NULL)
        process_exited(w->proc, w->returncode);
}

/* The pidfd is readable: the child has exited, so waitpid does not block. */
static asy_exc *child_ready(asy_value arg)
{
    asy_child_watch *w = (asy_child_watch *)arg.u.o;
    if (w->reaped)
        return NULL;
    int status = 0;
    pid_t r;
    do
        r = waitpid(w->pid, &status, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return NULL; /* not yet (spurious wakeup): keep watching */
    if (r < 0)
        status = 255 << 8; /* someone else reaped it: CPython reports 255 */
    asy_incref(w); /* remove_reader releases the reader's reference */
    watch_reaped(w, status);
    asy_decref(w);
    return NULL;
}

/* Released by the last of the loop's reader and the Process: after the
 * child was reaped, or when the loop closed while the child still runs.
 * Then nobody will ever wait for it: kill it and reap it here, so no
 * zombie is left. */
static void watch_dealloc(asy_obj *self)
{
    asy_child_watch *w = (asy_child_watch *)self;
    if (!w->reaped) {
        if (w->pidfd >= 0)
            close(w->pidfd);
        kill(w->pid, SIGKILL);
        int status;
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
        live_children--;
    }
    asy_obj_free(w);
}

static const asy_type watch_type = {.name = "_PidfdChildWatcher", .dealloc = watch_dealloc};

/* ---- the fallback: SIGCHLD through a self-pipe ----
 *
 * For kernels without pidfd_open (before 5.3). The SIGCHLD handler does
 * the one thing that is safe in a signal handler: it writes a byte into a
 * non-blocking pipe. That pipe is a reader of the loop, like any other
 * descriptor; its callback empties the pipe, then asks waitpid(pid,
 * WNOHANG) about each child the loop watches: several exits can merge into
 * one signal, and a signal names no pid (CPython's SafeChildWatcher did
 * the same walk, O(n) per signal). Only our own pids are asked about, so
 * children that other code makes are left alone.
 * One registration object per loop owns that loop's watches, and the
 * loop's reader owns the registration: a loop closed under running
 * children releases them, and each is killed and reaped (watch_dealloc).
 * The handler is installed once, before the first fork, and stays (as an
 * asyncio signal handler would). The loops of one thread only: two loops
 * running at once in two threads would race for the bytes. */

typedef struct sigchld_reg {
    asy_obj ob;
    asy_loop *loop;          /* borrowed: the loop owns us through the reader */
    asy_ilist watches;       /* asy_child_watch links, each holding a reference */
    struct sigchld_reg *next; /* in all_regs (borrowed) */
} sigchld_reg;

static int sigchld_pipe[2] = {-1, -1};
static sigchld_reg *all_regs;
static bool force_sigchld;
static int pidfd_supported = -1; /* unknown until the first spawn */

void asy_subprocess_force_sigchld(bool on) { force_sigchld = on; }

static void on_sigchld(int sig)
{
    (void)sig;
    int saved = errno;
    ssize_t n = write(sigchld_pipe[1], "", 1); /* full pipe: a wakeup is pending anyway */
    (void)n;
    errno = saved;
}

static asy_exc *install_sigchld(void)
{
    if (sigchld_pipe[0] >= 0)
        return NULL;
    if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return os_error(errno, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGCHLD, &sa, NULL) < 0) {
        asy_exc *e = os_error(errno, NULL);
        close(sigchld_pipe[0]);
        close(sigchld_pipe[1]);
        sigchld_pipe[0] = sigchld_pipe[1] = -1;
        return e;
    }
    return NULL;
}

static void reg_dealloc(asy_obj *self)
{
    sigchld_reg *r = (sigchld_reg *)self;
    for (sigchld_reg **p = &all_regs; *p != NULL; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            break;
        }
    while (!asy_ilist_empty(&r->watches)) { /* the loop closed under them */
        asy_child_watch *w = ASY_CONTAINER_OF(asy_ilist_pop_front(&r->watches), asy_child_watch, link);
        asy_decref(w);
    }
    asy_obj_free(r);
}

static const asy_type reg_type = {.name = "_SigchldChildWatcher", .dealloc = reg_dealloc};

/* The self-pipe is readable: a SIGCHLD came. Ask about each child. */
static asy_exc *sigchld_ready(asy_value arg)
{
    sigchld_reg *r = (sigchld_reg *)arg.u.o;
    char buf[64];
    while (read(sigchld_pipe[0], buf, sizeof buf) > 0)
        ;
    asy_incref(r);
    asy_ilist *p = r->watches.next;
    while (p != &r->watches) {
        asy_child_watch *w = ASY_CONTAINER_OF(p, asy_child_watch, link);
        p = p->next;
        int status = 0;
        pid_t got;
        do
            got = waitpid(w->pid, &status, WNOHANG);
        while (got < 0 && errno == EINTR);
        if (got == 0)
            continue; /* still running */
        if (got < 0)
            status = 255 << 8;
        asy_ilist_remove(&w->link);
        watch_reaped(w, status);
        asy_decref(w);
    }
    if (asy_ilist_empty(&r->watches))
        asy_loop_remove_reader(r->loop, sigchld_pipe[0]); /* releases r */
    asy_decref(r);
    return NULL;
}

/* Watch w through SIGCHLD on `loop`: the list takes a reference. */
static asy_exc *watch_by_sigchld(asy_loop *loop, asy_child_watch *w)
{
    sigchld_reg *r = all_regs;
    while (r != NULL && r->loop != loop)
        r = r->next;
    if (r == NULL) {
        r = asy_obj_new(&reg_type, sizeof *r);
        r->loop = loop;
        asy_ilist_init(&r->watches);
        asy_exc *e = asy_loop_add_reader(loop, sigchld_pipe[0], sigchld_ready, asy_obj_value(r));
        if (e != NULL)
            return e; /* r was released by add_reader */
        r->next = all_regs;
        all_regs = r;
    }
    asy_incref(w);
    asy_ilist_push_back(&r->watches, &w->link);
    /* A child that exited before we listed it wrote its byte already: the
     * pipe is readable, and the next turn asks about it. */
    return NULL;
}

/* pidfd_open exists here (Linux 5.3+)? Asked once, about ourselves. */
static bool use_pidfd(void)
{
    if (force_sigchld)
        return false;
    if (pidfd_supported < 0) {
        int fd = (int)syscall(SYS_pidfd_open, getpid(), 0u);
        pidfd_supported = fd >= 0 || errno != ENOSYS;
        if (fd >= 0)
            close(fd);
    }
    return pidfd_supported;
}

/* ---- the Process ---- */

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* BaseSubprocessTransport.close(): every pipe transport closed. stdin
 * is flushed first while the child runs (its exit then ends the flush
 * with EPIPE). Once the child is reaped, what stdin still holds could only
 * go to a grandchild that kept the pipe and may never read it: that
 * buffer is dropped (abort), or the transport would wait for it past the
 * loop's end. */
static void process_dealloc(asy_obj *self)
{
    asy_process *proc = (asy_process *)self;
    asy_transport *in = asy_stream_writer_transport(proc->stdin_w);
    if (in != NULL && asy_process_returncode(proc, NULL) && !asy_loop_is_closed(proc->loop))
        asy_transport_abort(in);
    else
        asy__transport_close_now(in);
    asy_decref(proc->stdin_w);
    asy__transport_close_now(proc->stdout_t);
    asy__transport_close_now(proc->stderr_t);
    asy_decref(proc->stdout_t);
    asy_decref(proc->stderr_t);
    asy_decref(proc->stdout_r);
    asy_decref(proc->stderr_r);
    if (proc->watch != NULL) {
        proc->watch->proc = NULL; /* the loop still reaps the child */
        asy_decref(proc->watch);
    }
    asy_decref(proc->loop);
    asy_obj_free(proc);
}

/* <Process 12345> */
static int process_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    return snprintf(buf, size, "<Process %ld>", (long)((asy_process *)self)->pid);
}

const asy_type asy_process_type = {.name = "Process", .dealloc = process_dealloc, .format = process_format};

asy_process *asy_value_process(asy_value v)
{
    return v.kind == ASY_OBJ && asy_isinstance(v.u.o, &asy_process_type) ? (asy_process *)v.u.o : NULL;
}

bool asy_process_returncode(const asy_process *proc, int *rc)
{
    if (proc == NULL || proc->watch == NULL || !proc->watch->reaped)
        return false;
    if (rc != NULL)
        *rc = proc->watch->returncode;
    return true;
}

asy_exc *asy_process_send_signal(asy_process *proc, int sig)
{
    if (proc == NULL)
        return asy_exc_new(&asy_TypeError, "a Process was expected, got NULL");
    if (asy_process_returncode(proc, NULL))
        return asy_exc_new(&asy_ProcessLookupError, NULL);
    /* Not reaped yet, so the pid is still ours (a zombie at worst): the
     * signal cannot reach another process that reused the number. */
    if (kill(proc->pid, sig) < 0)
        return os_error(errno, NULL);
    return NULL;
}

asy_exc *asy_process_terminate(asy_process *proc) { return asy_process_send_signal(proc, SIGTERM); }
asy_exc *asy_process_kill(asy_process *proc) { return asy_process_send_signal(proc, SIGKILL); }

/* ---- wait() ---- */

typedef struct {
    asy_coro co;
    asy_process *proc; /* owned */
    asy_waiter w;
} wait_frame;

/* async def wait(self):
 *     return await self._transport._wait()   # a future in _exit_waiters */
static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    int rc;
    ASY_BEGIN(co);
    if (f->proc == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "a Process was expected, got NULL"));
    if (asy_process_returncode(f->proc, &rc))
        ASY_RETURN(co, asy_int(rc));
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        asy_waiter_enqueue(&f->w, &f->proc->waiters, loop);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
    asy_waiter_leave(&f->w); /* finally */
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co);
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void wait_clear(asy_gen *g)
{
    wait_frame *f = (wait_frame *)g;
    asy_waiter_clear(&f->w);
    asy_decref(f->proc);
    f->proc = NULL;
}

asy_coro *asy_process_wait(asy_process *proc)
{
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "wait");
    f->proc = asy_incref(proc);
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, wait_clear);
    return &f->co;
}

/* ---- the child's pipes: chapter 28's pipe transports under chapter 27's
 * streams (CPython: SubprocessStreamProtocol's connection_made) ---- */

/* proc.stdout / proc.stderr: a StreamReader fed by a read-pipe transport
 * through a StreamReaderProtocol, so reading pauses at 2 * limit as on a
 * socket. The transport (the loop's reference is borrowed here) keeps the
 * protocol, which keeps the reader. */
static asy_transport *read_pipe_new(asy_loop *loop, int fd, asy_stream_reader **reader)
{
    *reader = asy_stream_reader_new(0);
    void *p = asy_stream_reader_protocol_new(loop, *reader, NULL);
    asy_transport *t = asy__transport_new_pipe(loop, fd, false, &asy_stream_reader_protocol, p, NULL);
    /* connection_made will say it too; reading starts only after it */
    asy_stream_reader_set_transport(*reader, t);
    return asy_incref(t);
}

/* proc.stdin: StreamWriter(write-pipe transport, protocol, None, loop). */
static asy_stream_writer *write_pipe_new(asy_loop *loop, int fd)
{
    void *p = asy_stream_reader_protocol_new(loop, NULL, NULL);
    asy_transport *t = asy__transport_new_pipe(loop, fd, true, &asy_stream_reader_protocol, p, NULL);
    return asy_stream_writer_new(t, p, NULL, NULL);
}

asy_stream_writer *asy_process_stdin(const asy_process *proc) { return proc != NULL ? proc->stdin_w : NULL; }

asy_stream_reader *asy_process_stdout(const asy_process *proc) { return proc != NULL ? proc->stdout_r : NULL; }

asy_stream_reader *asy_process_stderr(const asy_process *proc) { return proc != NULL ? proc->stderr_r : NULL; }

/* ---- communicate() ---- */

typedef struct {
    asy_coro co;
    asy_process *proc;   /* owned */
    char *input;         /* owned copy, or NULL for None */
    size_t n;
    int which;           /* _read_stream(1 or 2) */
    asy_list *outs;      /* owned: gather's result */
} comm_frame;

static void comm_clear(asy_gen *g)
{
    comm_frame *f = (comm_frame *)g;
    asy_decref(f->proc);
    asy_decref(f->outs);
    free(f->input);
    f->proc = NULL;
    f->outs = NULL;
    f->input = NULL;
}

static comm_frame *comm_new(asy_gen_body body, const char *name, asy_process *proc)
{
    comm_frame *f = ASY_CORO_NEW(comm_frame, body, name);
    f->proc = asy_incref(proc);
    asy_gen_set_clear(&f->co, comm_clear);
    return f;
}

/* async def _noop(self): return None */
static asy_status noop_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_END(co);
}

/* async def _feed_stdin(self, input):
 *     try:
 *         if input is not None: self.stdin.write(input)
 *         await self.stdin.drain()
 *     except (BrokenPipeError, ConnectionResetError):
 *         pass          # the child does not want it all: not an error
 *     self.stdin.close()                                                  */
static asy_status feed_stdin_body(asy_coro *co)
{
    comm_frame *f = (comm_frame *)co;
    ASY_BEGIN(co);
    if (f->input != NULL)
        ASY_RAISE_IF(co, asy_stream_writer_write(f->proc->stdin_w, f->input, f->n));
    ASY_AWAIT_TRY(co, asy_stream_writer_drain(f->proc->stdin_w));
    if (asy_exc_is(ASY_EXC(co), &asy_BrokenPipeError) || asy_exc_is(ASY_EXC(co), &asy_ConnectionResetError))
        asy_decref(ASY_CATCH(co));
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co);
    asy_stream_writer_close(f->proc->stdin_w);
    ASY_END(co);
}

/* async def _read_stream(self, fd):
 *     output = await stream.read()
 *     transport.close()
 *     return output                                                       */
static asy_status read_stream_body(asy_coro *co)
{
    comm_frame *f = (comm_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_stream_reader_read(f->which == 1 ? asy_process_stdout(f->proc) : asy_process_stderr(f->proc), -1));
    asy_transport_close(f->which == 1 ? f->proc->stdout_t : f->proc->stderr_t);
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

/* async def communicate(self, input=None):
 *     stdin = self._feed_stdin(input) if self.stdin else self._noop()
 *     stdout = self._read_stream(1) if self.stdout else self._noop()
 *     stderr = self._read_stream(2) if self.stderr else self._noop()
 *     stdin, stdout, stderr = await tasks.gather(stdin, stdout, stderr)
 *     await self.wait()
 *     return (stdout, stderr)                                             */
static asy_status communicate_body(asy_coro *co)
{
    comm_frame *f = (comm_frame *)co;
    ASY_BEGIN(co);
    if (f->proc == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "a Process was expected, got NULL"));
    {
        void *aws[3];
        if (f->proc->stdin_w != NULL) {
            comm_frame *in = comm_new(feed_stdin_body, "_feed_stdin", f->proc);
            in->input = f->input;
            in->n = f->n;
            f->input = NULL;
            aws[0] = in;
        } else {
            aws[0] = asy_coro_new(sizeof(asy_coro), noop_body, "_noop");
        }
        for (int i = 1; i <= 2; i++) {
            if ((i == 1 ? f->proc->stdout_t : f->proc->stderr_t) != NULL) {
                comm_frame *rd = comm_new(read_stream_body, "_read_stream", f->proc);
                rd->which = i;
                aws[i] = rd;
            } else {
                aws[i] = asy_coro_new(sizeof(asy_coro), noop_body, "_noop");
            }
        }
        ASY_AWAIT(co, asy_gather(false, 3, aws));
    }
    f->outs = asy_incref(asy_value_list(ASY_SENT(co)));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    {
        asy_list *pair = asy_list_new();
        asy_list_append(pair, asy_value_incref(asy_list_get(f->outs, 1)));
        asy_list_append(pair, asy_value_incref(asy_list_get(f->outs, 2)));
        ASY_RETURN(co, asy_obj_value(pair));
    }
    ASY_END(co);
}

asy_coro *asy_process_communicate(asy_process *proc, const void *input, size_t n)
{
    comm_frame *f = comm_new(communicate_body, "communicate", proc);
    if (input != NULL) {
        f->input = malloc(n > 0 ? n : 1);
        if (f->input == NULL)
            asy_out_of_memory("communicate's input");
        memcpy(f->input, input, n);
        f->n = n;
    }
    return &f->co;
}

/* ---- spawning ---- */

/* The child's side, between fork and exec: only async-signal-safe calls.
 * fds[i] is what goes onto descriptor i (-1: leave it). Never returns. */
static void child_exec(char **argv, int fds[3], bool err_to_out, int errw)
{
    int e;
    /* Anything on 0..2 would be overwritten by the dup2s below: move it up
     * first (the error pipe too). The copies are close-on-exec. */
    if (errw < 3 && (errw = fcntl(errw, F_DUPFD_CLOEXEC, 3)) < 0)
        goto fail;
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0 && fds[i] < 3 && (fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3)) < 0)
            goto fail;
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0 && dup2(fds[i], i) < 0)
            goto fail;
    if (err_to_out && dup2(1, 2) < 0)
        goto fail;
    /* close_fds=True: nothing above 2 but the error pipe survives exec
     * (they are close-on-exec anyway when this module made them; this
     * covers the descriptors the rest of the program made without it). */
    bool closed = errw == 3 || syscall(SYS_close_range, 3u, (unsigned)errw - 1, 0u) == 0;
    if (!closed || syscall(SYS_close_range, (unsigned)errw + 1, ~0u, 0u) != 0) {
        for (int fd = 3; fd < 1024; fd++) /* no close_range (Linux < 5.9) */
            if (fd != errw)
                close(fd);
    }
    /* restore_signals: an ignored SIGPIPE would be inherited through exec */
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[0], argv);
fail:
    e = errno;
    while (write(errw, &e, sizeof e) < 0 && errno == EINTR)
        ;
    _exit(127);
}

/* One standard stream's two ends: the child's and the parent's. */
static asy_exc *open_stdio(asy_stdio how, bool child_reads, int *child, int *parent)
{
    *child = *parent = -1;
    if (how == ASY_PIPE) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            return os_error(errno, NULL);
        *child = child_reads ? p[0] : p[1];
        *parent = child_reads ? p[1] : p[0];
    } else if (how == ASY_DEVNULL) {
        *child = open("/dev/null", (child_reads ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
        if (*child < 0)
            return os_error(errno, "/dev/null");
    }
    return NULL;
}

/* Reap a child we are abandoning (it has exited or is about to). */
static void reap_now(pid_t pid, bool kill_it)
{
    if (kill_it)
        kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

/* subprocess.Popen(argv, stdin=..., stdout=..., stderr=..., close_fds=True)
 * plus the watch. New reference, or NULL with *error. */
static asy_process *spawn(char **argv, const asy_subprocess_opts *o, asy_loop *loop, asy_exc **error)
{
    int child[3] = {-1, -1, -1}, parent[3] = {-1, -1, -1}, errp[2] = {-1, -1};
    asy_exc *e = open_stdio(o->in, true, &child[0], &parent[0]);
    if (e == NULL)
        e = open_stdio(o->out, false, &child[1], &parent[1]);
    if (e == NULL && o->err != ASY_STDOUT)
        e = open_stdio(o->err, false, &child[2], &parent[2]);
    if (e == NULL && pipe2(errp, O_CLOEXEC) < 0)
        e = os_error(errno, NULL);
    bool by_pidfd = use_pidfd();
    if (e == NULL && !by_pidfd)
        e = install_sigchld(); /* before fork: the child may exit at once */
    pid_t pid = -1;
    if (e == NULL) {
        pid = fork();
        if (pid == 0)
            child_exec(argv, child, o->err == ASY_STDOUT, errp[1]);
        if (pid < 0)
            e = os_error(errno, NULL);
    }
    for (int i = 0; i < 3; i++)
        close_fd(&child[i]);
    close_fd(&errp[1]);
    if (e == NULL) {
        /* EOF: exec worked (the write end closed with it). 4 bytes: errno. */
        int child_errno = 0;
        ssize_t n;
        do
            n = read(errp[0], &child_errno, sizeof child_errno);
        while (n < 0 && errno == EINTR);
        if (n > 0) {
            reap_now(pid, false); /* it has _exit()ed: no zombie */
            e = os_error(child_errno, argv[0]);
        }
    }
    close_fd(&errp[0]);
    int pidfd = -1;
    if (e == NULL && by_pidfd) {
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0u); /* close-on-exec by default */
        if (pidfd < 0) {
            e = os_error(errno, NULL);
            reap_now(pid, true);
        }
    }
    if (e != NULL) {
        for (int i = 0; i < 3; i++)
            close_fd(&parent[i]);
        *error = e;
        return NULL;
    }
    for (int i = 0; i < 3; i++)
        if (parent[i] >= 0)
            fcntl(parent[i], F_SETFL, fcntl(parent[i], F_GETFL) | O_NONBLOCK);

    asy_child_watch *w = asy_obj_new(&watch_type, sizeof *w);
    w->pid = pid;
    w->pidfd = pidfd;
    w->loop = loop;
    live_children++;
    asy_ilist_init(&w->link);
    if (by_pidfd)
        e = asy_loop_add_reader(loop, pidfd, child_ready, asy_obj_value(asy_incref(w)));
    else
        e = watch_by_sigchld(loop, w);
    if (e != NULL) {
        asy_decref(w); /* not watched: kills and reaps it */
        for (int i = 0; i < 3; i++)
            close_fd(&parent[i]);
        *error = e;
        return NULL;
    }
    asy_process *proc = asy_obj_new(&asy_process_type, sizeof *proc);
    proc->pid = pid;
    proc->loop = asy_incref(loop);
    proc->watch = w; /* our reference */
    w->proc = proc;
    asy_ilist_init(&proc->waiters);
    /* From here on the Process owns the descriptors: its dealloc closes
     * them, so an error below leaves nothing open. */
    if (parent[0] >= 0)
        proc->stdin_w = write_pipe_new(loop, parent[0]);
    if (parent[1] >= 0)
        proc->stdout_t = read_pipe_new(loop, parent[1], &proc->stdout_r);
    if (parent[2] >= 0)
        proc->stderr_t = read_pipe_new(loop, parent[2], &proc->stderr_r);
    *error = NULL;
    return proc;
}

/* ---- create_subprocess_exec / _shell ---- */

typedef struct {
    asy_coro co;
    char **argv;              /* owned copy, NULL-terminated */
    asy_subprocess_opts opts;
    asy_exc *bad;             /* an argument error to raise when awaited */
} create_frame;

static asy_status create_body(asy_coro *co)
{
    create_frame *f = (create_frame *)co;
    ASY_BEGIN(co);
    if (f->bad != NULL) {
        asy_exc *e = f->bad;
        f->bad = NULL;
        ASY_RAISE(co, e);
    }
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        asy_process *proc = spawn(f->argv, &f->opts, loop, &err);
        if (proc == NULL)
            ASY_RAISE(co, err);
        ASY_RETURN(co, asy_obj_value(proc));
    }
    ASY_END(co);
}

static void create_clear(asy_gen *g)
{
    create_frame *f = (create_frame *)g;
    if (f->argv != NULL) {
        for (char **p = f->argv; *p != NULL; p++)
            free(*p);
        free(f->argv);
        f->argv = NULL;
    }
    asy_decref(f->bad);
    f->bad = NULL;
}

static asy_coro *create_new(const char *const *argv, const asy_subprocess_opts *opts, const char *name)
{
    create_frame *f = ASY_CORO_NEW(create_frame, create_body, name);
    asy_gen_set_clear(&f->co, create_clear);
    if (opts != NULL)
        f->opts = *opts;
    if (argv == NULL) {
        f->bad = asy_exc_new(&asy_TypeError, "expected a NULL-terminated argv, got NULL");
        return &f->co;
    }
    if (argv[0] == NULL) {
        f->bad = asy_exc_new(&asy_ValueError, "at least one argument is required");
        return &f->co;
    }
    if (f->opts.in == ASY_STDOUT || f->opts.out == ASY_STDOUT) {
        f->bad = asy_exc_new(&asy_ValueError, "STDOUT can only be used for stderr");
        return &f->co;
    }
    size_t n = 0;
    while (argv[n] != NULL)
        n++;
    f->argv = calloc(n + 1, sizeof *f->argv);
    if (f->argv == NULL)
        asy_out_of_memory("an argument vector");
    for (size_t i = 0; i < n; i++)
        if ((f->argv[i] = strdup(argv[i])) == NULL)
            asy_out_of_memory("an argument");
    return &f->co;
}

asy_coro *asy_create_subprocess_execv(const char *const *argv, const asy_subprocess_opts *opts)
{
    return create_new(argv, opts, "create_subprocess_exec");
}

asy_coro *asy_create_subprocess_shell(const char *cmd, const asy_subprocess_opts *opts)
{
    if (cmd == NULL) {
        asy_coro *co = create_new(NULL, opts, "create_subprocess_shell");
        create_frame *f = (create_frame *)co;
        asy_decref(f->bad);
        f->bad = asy_exc_new(&asy_TypeError, "expected a command string, got NULL");
        return co;
    }
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    return create_new(argv, opts, "create_subprocess_shell");
}
