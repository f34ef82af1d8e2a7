/*
 * subprocess.h - asyncio's subprocesses: spawn a child, watch it, reap it.
 * Chapter: 28
 *
 * A child process (子进程) is another program the loop starts and then
 * waits for WITHOUT blocking: a task awaiting proc.wait() sleeps, the other
 * tasks run, and the loop wakes the waiter when the kernel says the child
 * has exited.
 *
 *     proc = await asyncio.create_subprocess_exec(      asy_subprocess_opts o = {0};
 *         "sh", "-c", "exit 3")                          ASY_AWAIT(co, asy_create_subprocess_exec(
 *                                                            &o, "sh", "-c", "exit 3"));
 *                                                        f->proc = asy_value_process(   // keep it
 *                                                            asy_value_incref(ASY_SENT(co)));
 *     rc = await proc.wait()      # 3                    ASY_AWAIT(co, asy_process_wait(f->proc));
 *
 * SPAWNING. fork, then exec in the child, as CPython's _posixsubprocess:
 *   - every descriptor this module makes is close-on-exec from birth
 *     (pipe2(O_CLOEXEC), open(O_CLOEXEC)), so no other child inherits it
 *     and nothing leaks into the parent's later children;
 *   - the child moves its pipe ends onto 0, 1, 2 (dup2 clears the flag on
 *     the copies), closes every other descriptor above 2 (close_range, as
 *     close_fds=True), resets SIGPIPE to its default and unblocks signals;
 *   - an exec that fails (no such program, not executable) cannot raise in
 *     the parent by itself: the child writes errno into an "error pipe",
 *     a close-on-exec pipe whose write end vanishes when exec succeeds.
 *     The parent reads it: EOF means the exec worked; 4 bytes are the
 *     errno, and the parent reaps the dead child at once (no zombie),
 *     closes the pipes it made (no fd left) and raises
 *     FileNotFoundError "[Errno 2] No such file or directory: 'prog'".
 *
 * WATCHING (the child watcher). Linux 5.3+ gives a process a descriptor:
 * pidfd_open(pid) returns an fd that becomes readable when the child
 * exits. The loop already waits on descriptors (chapter 10), so a child is
 * one more reader: add_reader(pidfd, child_ready), and child_ready calls
 * waitpid(pid, WNOHANG), which cannot block because the child has exited.
 * No signal handler, no thread, and only OUR children are ever reaped.
 * The watch is its own object, owned by the loop's reader, so a Process
 * released before its child exits still has its child reaped by the loop.
 * If the loop is closed while a child still runs, nobody will ever wait
 * for it: when the Process is released too, the watch kills it (SIGKILL)
 * and reaps it (CPython kills it too, from the transport's close()).
 * The fallback for kernels without pidfd_open (ENOSYS) is SIGCHLD through
 * a self-pipe: the signal handler writes a byte into a pipe the loop
 * reads, and that reader calls waitpid(pid, WNOHANG) for every child the
 * loop watches. It serves the loops of one thread at a time, and installs
 * a SIGCHLD handler for the whole process (once, before the first fork).
 *
 * PIPES ARE STREAMS. Each pipe end the parent keeps gets a pipe transport
 * (unix_pipes.h: chapter 26's transport over a pipe) with chapter 27's
 * StreamReaderProtocol on it, as CPython's SubprocessStreamProtocol does:
 *   - stdout=PIPE, stderr=PIPE: a read-pipe transport feeds a
 *     StreamReader, so `await readline()` on the child's output works as
 *     on a socket, and a reader nobody reads pauses the transport at
 *     2 * limit (128 KiB): the pipe fills and the CHILD waits, the
 *     parent's memory does not grow;
 *   - stdin=PIPE: a StreamWriter over a write-pipe transport: write never
 *     blocks, drain() waits above 64 KiB buffered, close() (= write_eof)
 *     gives the child EOF once the buffer is flushed; once the child has
 *     closed its end the write fails with EPIPE, the transport is lost
 *     with BrokenPipeError, and drain() raises ConnectionResetError
 *     "Connection lost", as CPython's does.
 * Writing into a pipe whose reader has gone raises SIGPIPE, which kills
 * the writer by default; Python ignores SIGPIPE from startup, and the
 * write-pipe transport does the same (SIG_IGN, process-wide) when it is
 * made, if SIGPIPE is still at its default. Children get it back.
 *
 * OWNERSHIP. asy_create_subprocess_exec/_shell return a new coroutine
 * whose result is the Process (a new reference, in an ASY_OBJ value).
 * asy_process_wait and asy_process_communicate return new coroutines that
 * hold a reference to the Process until they finish. The Process holds a reference to its loop
 * (so it may outlive asyncio.run), owns its pipes, and closes them when it
 * is released. asy_process_stdin/stdout/stderr answer borrowed pointers,
 * valid while the Process lives (incref to keep one longer).
 */
#ifndef ASY_SUBPROCESS_H
#define ASY_SUBPROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "coro.h"
#include "streams.h"
#include "exc.h"
#include "waiters.h"
#include "loop.h"
#include "value.h"

/* The OSError subclasses a child raises (Python's builtins):
 *   OSError
 *    +-- FileNotFoundError     exec: ENOENT
 *    +-- PermissionError       exec: EACCES, EPERM
 *    +-- ProcessLookupError    signalling a child already reaped (ESRCH)
 *    +-- ChildProcessError     waitpid: ECHILD                            */
extern const asy_exc_type asy_FileNotFoundError;
extern const asy_exc_type asy_PermissionError;
extern const asy_exc_type asy_ProcessLookupError;
extern const asy_exc_type asy_ChildProcessError;

/* What to connect to the child's stdin, stdout, stderr (the arguments
 * stdin=, stdout=, stderr= of create_subprocess_exec):
 *   ASY_INHERIT  None, the default: the child shares the parent's;
 *   ASY_PIPE     asyncio.subprocess.PIPE: a pipe to the parent;
 *   ASY_DEVNULL  asyncio.subprocess.DEVNULL: /dev/null;
 *   ASY_STDOUT   asyncio.subprocess.STDOUT (stderr only): wherever stdout
 *                goes.                                                    */
typedef enum { ASY_INHERIT = 0, ASY_PIPE, ASY_DEVNULL, ASY_STDOUT } asy_stdio;

typedef struct asy_subprocess_opts {
    asy_stdio in, out, err;
} asy_subprocess_opts;

/* One child the loop watches: the pidfd registered as a reader. */
typedef struct asy_child_watch asy_child_watch;
/* asyncio.subprocess.Process */
typedef struct asy_process {
    asy_obj ob;
    pid_t pid;
    asy_loop *loop;           /* owned */
    asy_child_watch *watch;   /* owned; holds the returncode once reaped */
    asy_ilist waiters;        /* wait() calls (asy_waiter links) */
    asy_stream_writer *stdin_w;  /* owned, or NULL unless stdin=PIPE */
    asy_transport *stdout_t;     /* owned read-pipe transports, or NULL */
    asy_transport *stderr_t;
    asy_stream_reader *stdout_r; /* owned: what they feed, or NULL */
    asy_stream_reader *stderr_r;
} asy_process;

extern const asy_type asy_process_type;

/* await asyncio.create_subprocess_exec(argv[0], argv[1], ...): a new
 * coroutine that spawns argv (NULL-terminated; argv[0] is looked up in
 * PATH, as execvp does) and returns the Process. opts may be NULL (all
 * three inherited). Raises, when awaited: FileNotFoundError or
 * PermissionError for a program that cannot be run, ValueError for an
 * empty argv or ASY_STDOUT given for stdin/stdout, TypeError for a NULL
 * argv, RuntimeError without a running loop, OSError for the rest. argv
 * is copied: it may be released once this returns. */
asy_coro *asy_create_subprocess_execv(const char *const *argv, const asy_subprocess_opts *opts);
/* The same with the arguments listed: exec(&opts, "echo", "hi"). */
#define asy_create_subprocess_exec(opts, ...) \
    asy_create_subprocess_execv((const char *const[]){__VA_ARGS__, NULL}, (opts))
/* await asyncio.create_subprocess_shell(cmd): /bin/sh -c cmd. */
asy_coro *asy_create_subprocess_shell(const char *cmd, const asy_subprocess_opts *opts);

/* proc.returncode: false while the child runs (Python's None); true with
 * *rc = its exit status, or -N when signal N killed it. False for NULL. */
bool asy_process_returncode(const asy_process *proc, int *rc);

/* await proc.wait(): a new coroutine that returns the returncode (an int)
 * once the child has exited (at once if it has). */
asy_coro *asy_process_wait(asy_process *proc);

/* proc.send_signal(sig), proc.terminate() (SIGTERM), proc.kill()
 * (SIGKILL). ProcessLookupError() once the child has been reaped (the pid
 * may belong to another process by then), TypeError for NULL. */
asy_exc *asy_process_send_signal(asy_process *proc, int sig);
asy_exc *asy_process_terminate(asy_process *proc);
asy_exc *asy_process_kill(asy_process *proc);

/* proc.stdin: chapter 27's StreamWriter (borrowed) over a write-pipe
 * transport (unix_pipes.h); NULL unless stdin=PIPE. */
asy_stream_writer *asy_process_stdin(const asy_process *proc);
/* proc.stdout, proc.stderr: chapter 27's StreamReader (borrowed), fed by
 * a read-pipe transport; NULL unless that stream is a PIPE. */
asy_stream_reader *asy_process_stdout(const asy_process *proc);
asy_stream_reader *asy_process_stderr(const asy_process *proc);

/* await proc.communicate(input): a new coroutine that writes input (n
 * bytes, copied; NULL for Python's None) to stdin and closes it, reads
 * stdout and stderr to EOF, all three AT ONCE (gather), then waits for
 * the child. Its result is a list [stdout, stderr] (Python: a tuple),
 * each a bytes value, or None for a stream that is not a PIPE. A child
 * that exits or closes its stdin before taking all the input is not an
 * error: BrokenPipeError and ConnectionResetError are ignored, as
 * CPython's _feed_stdin does. Input given without stdin=PIPE is ignored
 * (CPython writes nothing either). */
asy_coro *asy_process_communicate(asy_process *proc, const void *input, size_t n);

/* The Process held by a value (borrowed), or NULL. */
asy_process *asy_value_process(asy_value v);

/* Use the SIGCHLD fallback for the children spawned from now on, even
 * where pidfd_open works (for the tests and the chapter's text); false
 * goes back to pidfds. */
void asy_subprocess_force_sigchld(bool on);

/* How many children the loops of this process still watch (spawned and
 * not yet reaped): 0 at the end of every test. */
size_t asy_subprocess_live_children(void);

#endif /* ASY_SUBPROCESS_H */
