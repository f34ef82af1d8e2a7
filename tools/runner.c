/*
 * runner.c — runs CUnit test programs (tools/check.h) in isolation.
 *
 *   runner exercises [options]          the students' runner, and make test's
 *   runner run [options] -- PROG ARGS   one test program (e.g. a lib test)
 *
 * Every test program runs in a child process of its own, in its own process
 * group, with stdin from /dev/null and stdout+stderr into a pipe, under a
 * time limit.  The runner polls the pipe and a SIGCHLD self-pipe (no busy
 * waiting), keeps the first 64 KiB of output and discards the rest (a child
 * that floods its output cannot block or exhaust memory), and on timeout
 * kills the whole process group with SIGKILL.  The child writes a report
 * (CHECK_REPORT, see check.h) from which the runner learns the failing checks
 * and which test was running when a crash or a hang happened.
 *
 * Outcomes: passed (exit 0), failed (exit 1 with failed checks), crashed
 * (killed by a signal, or a sanitizer report in the output), timed out, does
 * not compile, other exit status.
 *
 * `runner exercises` reads the manifest (format: exercises/manifest.txt),
 * compiles each exercise's test program itself (flags from --cc/--cflags/
 * --libs, so they live only in the Makefile), and runs it.  Modes:
 *   (default)      student view: status lines, progress bar, next exercise
 *   --expect pass  make test: every exercise must pass    (solutions tree)
 *   --expect fail  make test: every stub must compile and fail cleanly
 *   --grade DIR    DIR/junit.xml (rewritten atomically after each exercise)
 *                  and DIR/grade.txt (appended), then the score.
 * Exit status: 0 (student and grade modes, always, unless the manifest is
 * broken), 1 (an --expect was not met / `run` failed), 2 (usage, manifest or
 * internal error).
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_CAP (64 * 1024)
#define COMPILE_TIMEOUT_S 120
#define SHOW_COMPILE_LINES 15
#define SHOW_OUTPUT_LINES 20
#define SHOW_FAILURES 5

static const char *progname = "runner";

/* ---- small utilities ------------------------------------------------------ */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* Growable string. */
typedef struct {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_grow(sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    sb_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static char *sb_take(sbuf *b)
{
    if (!b->s) return xstrdup("");
    char *s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* Path under root; root "." or "" gives rel unchanged (nicer messages). */
static char *path_join(const char *root, const char *rel)
{
    if (!root || !*root || strcmp(root, ".") == 0) return xstrdup(rel);
    sbuf b = {0};
    sb_add(&b, root);
    if (b.s[b.len - 1] != '/') sb_add(&b, "/");
    sb_add(&b, rel);
    return sb_take(&b);
}

/* Single-quote s for /bin/sh. */
static void sb_add_quoted(sbuf *b, const char *s)
{
    sb_add(b, "'");
    for (; *s; s++) {
        if (*s == '\'') sb_add(b, "'\\''");
        else sb_addn(b, s, 1);
    }
    sb_add(b, "'");
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) die("cannot create %s: %s", p, strerror(errno));
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) die("cannot create %s: %s", p, strerror(errno));
    free(p);
}

static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    sbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_addn(&b, buf, n);
    fclose(f);
    if (len_out) *len_out = b.len;
    return sb_take(&b);
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fclose(f) == 0;
    return ok ? 0 : -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int use_color;
static const char *col(const char *code) { return use_color ? code : ""; }
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

/* ---- running a child in isolation ----------------------------------------- */

typedef struct {
    int status;       /* waitpid status, valid unless timed_out */
    int timed_out;
    int exec_failed;  /* exit 127 with our marker */
    char *out;        /* first OUTPUT_CAP bytes of stdout+stderr, NUL-terminated */
    size_t len;
    size_t dropped;   /* bytes read and discarded beyond the cap */
    int flooded;      /* stopped: its output passed the flood limit */
    double secs;
} proc_result;

/*
 * Limits for the test programs of `runner exercises` (students' code): they
 * apply in the child, before exec.  A runaway program cannot take the
 * machine: its address space (not under ASan, whose shadow memory needs
 * terabytes of it; ASan gets hard_rss_limit_mb instead), its number of
 * processes (the user's current count plus limit_procs: RLIMIT_NPROC counts
 * every process of the user), and its output: past flood_limit bytes it is
 * stopped at once instead of at the timeout.  0 means no limit.
 */
static struct {
    int on;
    long mem_mb;
    int procs;
    int asan;           /* the program is built with -fsanitize=address */
    size_t flood_limit;
} limits;

#define NOBODY 65534

/* The user the test programs run as: root's RLIMIT_NPROC is not enforced,
 * so under root they run as nobody (which also keeps them from writing to
 * the course's files). */

/* Can nobody execute prog (every directory on its path searchable by
 * others)?  A course cloned into root's 0700 home is not: there the test
 * programs stay root, without the process limit. */
static int nobody_can_run(const char *prog)
{
    char *full = realpath(prog, NULL);
    if (!full) return 0;
    int ok = 1;
    struct stat st;
    for (char *p = full + 1; ok; p++) {
        char c = *p;
        if (c != '/' && c != '\0') continue;
        *p = '\0';
        ok = stat(full, &st) == 0 && (st.st_mode & S_IXOTH);
        *p = c;
        if (c == '\0') break;
    }
    free(full);
    return ok;
}

/* Tasks (processes and threads: RLIMIT_NPROC counts both) of uid now. */
static long user_tasks(uid_t uid)
{
    DIR *d = opendir("/proc");
    if (!d) return 0;
    long n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)de->d_name[0])) continue;
        char p[300];
        struct stat st;
        snprintf(p, sizeof p, "/proc/%s", de->d_name);
        if (stat(p, &st) != 0 || st.st_uid != uid) continue;
        snprintf(p, sizeof p, "/proc/%s/task", de->d_name);
        DIR *t = opendir(p);
        if (!t) { n++; continue; }
        struct dirent *te;
        while ((te = readdir(t)) != NULL) n += isdigit((unsigned char)te->d_name[0]) != 0;
        closedir(t);
    }
    closedir(d);
    return n;
}

static void apply_limits_in_child(long nproc_base, int as_nobody)
{
    if (!limits.on) return;
    if (limits.mem_mb > 0 && !limits.asan) {
        struct rlimit rl = {(rlim_t)limits.mem_mb << 20, (rlim_t)limits.mem_mb << 20};
        setrlimit(RLIMIT_AS, &rl);
    }
    if (limits.mem_mb > 0 && limits.asan) {
        const char *old = getenv("ASAN_OPTIONS");
        char buf[1024];
        snprintf(buf, sizeof buf, "%s%shard_rss_limit_mb=%ld", old ? old : "", old && *old ? ":" : "",
                 limits.mem_mb);
        setenv("ASAN_OPTIONS", buf, 1);
    }
    if (limits.procs > 0) {
        if (as_nobody) { /* root's limit means nothing: drop to nobody */
            if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
                dprintf(2, "runner: cannot run the test as nobody: %s\n", strerror(errno));
                _exit(126);
            }
        }
        struct rlimit rl = {(rlim_t)(nproc_base + limits.procs), (rlim_t)(nproc_base + limits.procs)};
        setrlimit(RLIMIT_NPROC, &rl);
    }
}

static int chld_pipe[2] = {-1, -1};

static void on_sigchld(int sig)
{
    (void)sig;
    int saved = errno;
    ssize_t r = write(chld_pipe[1], "c", 1); /* nonblocking; a full pipe is fine */
    (void)r;
    errno = saved;
}

static void set_flags(int fd, int fdflags, int flflags)
{
    if (fdflags) fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | fdflags);
    if (flflags) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | flflags);
}

static void proc_init(void)
{
    if (chld_pipe[0] >= 0) return;
    if (pipe(chld_pipe) != 0) die("pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++) set_flags(chld_pipe[i], FD_CLOEXEC, O_NONBLOCK);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &sa, NULL) != 0) die("sigaction: %s", strerror(errno));
}

static void drain_chld_pipe(void)
{
    char buf[64];
    while (read(chld_pipe[0], buf, sizeof buf) > 0) {}
}

static void capture(proc_result *r, const char *buf, size_t n)
{
    size_t room = OUTPUT_CAP - r->len;
    size_t keep = n < room ? n : room;
    memcpy(r->out + r->len, buf, keep);
    r->len += keep;
    r->out[r->len] = '\0';
    r->dropped += n - keep;
}

/* Returns 0 on EOF, 1 if more may come. */
static int read_some(int fd, proc_result *r)
{
    char buf[65536];
    for (int i = 0; i < 16; i++) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) { capture(r, buf, (size_t)n); continue; }
        if (n == 0) return 0;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
        return 0;
    }
    return 1;
}

/*
 * Run argv[0] (searched in PATH) with CHECK_REPORT=report (unset if NULL)
 * for at most timeout_s seconds.
 */
static void run_isolated(char *const argv[], const char *report, double timeout_s, proc_result *r,
                         int limited)
{
    proc_init();
    memset(r, 0, sizeof *r);
    r->out = xmalloc(OUTPUT_CAP + 1);
    r->out[0] = '\0';

    int p[2];
    if (pipe(p) != 0) die("pipe: %s", strerror(errno));
    set_flags(p[0], FD_CLOEXEC, 0);
    drain_chld_pipe();
    fflush(stdout);
    fflush(stderr);
    int as_nobody = limited && limits.on && limits.procs > 0 && geteuid() == 0 && nobody_can_run(argv[0]);
    long nproc_base = limited && limits.on && limits.procs > 0 ? user_tasks(as_nobody ? (uid_t)NOBODY : getuid()) : 0;
    if (as_nobody && report &&
        chown(report, NOBODY, NOBODY) != 0)
        die("cannot hand %s to nobody: %s", report, strerror(errno));
    double start = now_s();
    pid_t pid = fork();
    if (pid < 0) die("fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) { dup2(devnull, 0); if (devnull > 2) close(devnull); }
        dup2(p[1], 1);
        dup2(p[1], 2);
        if (p[1] > 2) close(p[1]);
        if (report) setenv("CHECK_REPORT", report, 1);
        else unsetenv("CHECK_REPORT");
        if (limited) apply_limits_in_child(nproc_base, as_nobody);
        execvp(argv[0], argv);
        dprintf(2, "runner: cannot execute %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* also in the parent: no race with the kill below */
    close(p[1]);
    set_flags(p[0], 0, O_NONBLOCK);

    double deadline = start + timeout_s;
    int eof = 0, reaped = 0;
    while (!reaped) {
        double left = deadline - now_s();
        if (left <= 0) {
            r->timed_out = 1;
            kill(-pid, SIGKILL);
            while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR) {}
            reaped = 1;
            break;
        }
        struct pollfd fds[2] = {
            {.fd = eof ? -1 : p[0], .events = POLLIN},
            {.fd = chld_pipe[0], .events = POLLIN},
        };
        int ms = (int)(left * 1000.0) + 1;
        int n = poll(fds, 2, ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("poll: %s", strerror(errno));
        }
        if (!eof && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) eof = !read_some(p[0], r);
        if (limited && limits.flood_limit && r->len + r->dropped > limits.flood_limit) {
            r->flooded = 1;
            kill(-pid, SIGKILL);
            while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR) {}
            reaped = 1;
            break;
        }
        if (fds[1].revents & POLLIN) {
            drain_chld_pipe();
            pid_t w = waitpid(pid, &r->status, WNOHANG);
            if (w == pid) reaped = 1;
        }
    }
    /* Kill stragglers (grandchildren holding the pipe), then drain the pipe. */
    kill(-pid, SIGKILL);
    double drain_deadline = now_s() + 2.0;
    while (!eof) {
        double left = drain_deadline - now_s();
        if (left <= 0) break;
        struct pollfd fd = {.fd = p[0], .events = POLLIN};
        int n = poll(&fd, 1, (int)(left * 1000.0) + 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        eof = !read_some(p[0], r);
    }
    close(p[0]);
    r->secs = now_s() - start;
    if (!r->timed_out && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 127 &&
        strstr(r->out, "runner: cannot execute "))
        r->exec_failed = 1;
}

/* ---- outcomes --------------------------------------------------------------- */

typedef enum { O_PASS, O_FAIL, O_CRASH, O_TIMEOUT, O_NOCOMPILE, O_EXIT, O_MISSING, O_FLOOD } outcome;

typedef struct {
    char *test, *where, *msg;
} failure;

typedef struct {
    outcome kind;
    char *reason;    /* one line: "crashed: SIGSEGV in test_x", "2 checks failed in 1 test" */
    char *running;   /* test running at a crash/timeout, or NULL */
    failure *fails;
    int nfails;
    int ntests, npassed; /* tests seen in the report */
    char **plan;         /* the PLAN lines: every test the program declared */
    char *plan_state;    /* per plan entry: 0 no verdict, 'P' passed, 'F' failed */
    int nplan;
    char *output;    /* captured output (owned) */
    size_t dropped;
    char *compile_out;
    double secs;
    char *warnings;    /* the compiler's warnings about the student's file, or NULL */
    char *advice;      /* sentences about typical macro mistakes, or NULL */
    char *leaks;       /* "leaked: ..." from a LeakSanitizer report, or NULL */
    char *asan_reason; /* the ASan rerun of a crash: its one-line reason... */
    char *asan_report; /* ...and the report's most useful lines */
} result;

static void result_free(result *r)
{
    free(r->reason);
    free(r->running);
    for (int i = 0; i < r->nfails; i++) {
        free(r->fails[i].test);
        free(r->fails[i].where);
        free(r->fails[i].msg);
    }
    free(r->fails);
    for (int i = 0; i < r->nplan; i++) free(r->plan[i]);
    free(r->plan);
    free(r->plan_state);
    free(r->output);
    free(r->compile_out);
    free(r->warnings);
    free(r->advice);
    free(r->leaks);
    free(r->asan_reason);
    free(r->asan_report);
    memset(r, 0, sizeof *r);
}

static const char *signal_name(int sig)
{
    static const struct { int sig; const char *name; } tab[] = {
        {SIGSEGV, "SIGSEGV"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
        {SIGILL, "SIGILL"},   {SIGKILL, "SIGKILL"}, {SIGTERM, "SIGTERM"}, {SIGPIPE, "SIGPIPE"},
        {SIGTRAP, "SIGTRAP"}, {SIGSYS, "SIGSYS"},   {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
        {SIGALRM, "SIGALRM"}, {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGHUP, "SIGHUP"},
        {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},
    };
    static char buf[32];
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (tab[i].sig == sig) return tab[i].name;
    snprintf(buf, sizeof buf, "signal %d", sig);
    return buf;
}

/* "AddressSanitizer: heap-use-after-free", or NULL if no sanitizer report. */
static char *sanitizer_report(const char *out)
{
    for (const char *p = out; (p = strstr(p, "ERROR: ")) != NULL; p++) {
        const char *name = p + 7, *q = name;
        while (isalpha((unsigned char)*q)) q++;
        if (q - name < 9 || strncmp(q - 9, "Sanitizer", 9) != 0 || q[0] != ':') continue;
        const char *w = q + 1;
        while (*w == ' ') w++;
        const char *e = w;
        if (strncmp(name, "LeakSanitizer", 13) == 0) {
            while (*e && *e != '\n') e++;
        } else {
            while (*e && !isspace((unsigned char)*e)) e++;
        }
        sbuf b = {0};
        sb_addn(&b, name, (size_t)(q - name));
        sb_add(&b, ": ");
        sb_addn(&b, w, (size_t)(e - w));
        return sb_take(&b);
    }
    const char *u = strstr(out, "runtime error: ");
    if (u) {
        const char *w = u + 15, *e = w;
        while (*e && *e != '\n' && e - w < 100) e++;
        sbuf b = {0};
        sb_add(&b, "UndefinedBehaviorSanitizer: ");
        sb_addn(&b, w, (size_t)(e - w));
        return sb_take(&b);
    }
    return NULL;
}

/* Parse the CHECK_REPORT file into r (failures, running test, counts). */
static void parse_report(const char *path, result *r)
{
    char *data = read_file(path, NULL);
    if (!data) return;
    char *running = NULL;
    for (char *line = data; *line;) {
        char *nl = strchr(line, '\n');
        if (!nl) break; /* a torn last line is ignored */
        *nl = '\0';
        char *f[4] = {line, NULL, NULL, NULL};
        for (int i = 1; i < 4; i++) {
            char *t = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
            if (!t) break;
            *t = '\0';
            f[i] = t + 1;
        }
        if (strcmp(f[0], "PLAN") == 0 && f[1]) {
            r->plan = xrealloc(r->plan, sizeof *r->plan * (size_t)(r->nplan + 1));
            r->plan_state = xrealloc(r->plan_state, (size_t)(r->nplan + 1));
            r->plan[r->nplan] = xstrdup(f[1]);
            r->plan_state[r->nplan++] = 0;
        } else if (strcmp(f[0], "RUN") == 0 && f[1]) {
            free(running);
            running = xstrdup(f[1]);
            r->ntests++;
        } else if ((strcmp(f[0], "PASS") == 0 || strcmp(f[0], "FAIL") == 0) && f[1]) {
            if (running && strcmp(running, f[1]) == 0) {
                free(running);
                running = NULL;
                if (f[0][0] == 'P') r->npassed++;
            }
            for (int i = 0; i < r->nplan; i++)
                if (!r->plan_state[i] && strcmp(r->plan[i], f[1]) == 0) {
                    r->plan_state[i] = f[0][0];
                    break;
                }
            if (f[0][0] == 'F') {
                r->fails = xrealloc(r->fails, sizeof *r->fails * (size_t)(r->nfails + 1));
                failure *x = &r->fails[r->nfails++];
                x->test = xstrdup(f[1]);
                x->where = xstrdup(f[2] ? f[2] : "?");
                x->msg = xstrdup(f[3] ? f[3] : "");
            }
        }
        line = nl + 1;
    }
    free(data);
    r->running = running;
}

/* Index of the first declared test without a PASS line, or -1. */
static int plan_missing(const result *r)
{
    for (int i = 0; i < r->nplan; i++)
        if (r->plan_state[i] != 'P') return i;
    return -1;
}

static int count_failed_tests(const result *r)
{
    int n = 0;
    for (int i = 0; i < r->nfails; i++)
        if (i == 0 || strcmp(r->fails[i].test, r->fails[i - 1].test) != 0) n++;
    return n;
}

static void classify(proc_result *pr, const char *report, int timeout_s, result *r)
{
    parse_report(report, r);
    r->output = pr->out;
    pr->out = NULL;
    r->dropped = pr->dropped;
    r->secs = pr->secs;
    sbuf why = {0};
    char *san = sanitizer_report(r->output);
    if (pr->flooded) {
        r->kind = O_FLOOD;
        sb_printf(&why, "stopped: it wrote more than %zu KiB of output", limits.flood_limit / 1024);
        if (r->running) sb_printf(&why, " in %s", r->running);
    } else if (pr->timed_out) {
        r->kind = O_TIMEOUT;
        sb_printf(&why, "timed out after %d s", timeout_s);
        if (r->running) sb_printf(&why, " in %s", r->running);
    } else if (san) {
        r->kind = O_CRASH;
        sb_printf(&why, "crashed: %s", san);
        if (r->running) sb_printf(&why, " in %s", r->running);
    } else if (WIFSIGNALED(pr->status)) {
        r->kind = O_CRASH;
        sb_printf(&why, "crashed: %s", signal_name(WTERMSIG(pr->status)));
        if (r->running) sb_printf(&why, " in %s", r->running);
    } else if (pr->exec_failed) {
        r->kind = O_MISSING;
        sb_add(&why, "cannot execute the test program");
    } else if (WIFEXITED(pr->status) && WEXITSTATUS(pr->status) == 0 && r->nplan == 0) {
        /* check_main never started: exit(0) before main, e.g. in a constructor */
        r->kind = O_EXIT;
        sb_add(&why, "exited with status 0 before its tests started (exit() called before main?)");
    } else if (WIFEXITED(pr->status) && WEXITSTATUS(pr->status) == 0 && plan_missing(r) >= 0) {
        r->kind = O_EXIT;
        int miss = plan_missing(r), left = 0;
        for (int i = 0; i < r->nplan; i++) left += r->plan_state[i] != 'P';
        if (r->running)
            sb_printf(&why, "exited with status 0 in %s, before it finished", r->running);
        else
            sb_printf(&why, "exited with status 0 before %s reported", r->plan[miss]);
        sb_printf(&why, " (%d of %d tests never passed)", left, r->nplan);
    } else if (WIFEXITED(pr->status) && WEXITSTATUS(pr->status) == 0) {
        r->kind = O_PASS;
        sb_printf(&why, "passed (%d test%s)", r->ntests, r->ntests == 1 ? "" : "s");
    } else if (WIFEXITED(pr->status) && WEXITSTATUS(pr->status) == 1 && r->nfails > 0) {
        r->kind = O_FAIL;
        int nt = count_failed_tests(r);
        sb_printf(&why, "%d check%s failed in %d test%s", r->nfails, r->nfails == 1 ? "" : "s", nt,
                  nt == 1 ? "" : "s");
    } else {
        r->kind = O_EXIT;
        sb_printf(&why, "exited with status %d", WIFEXITED(pr->status) ? WEXITSTATUS(pr->status) : -1);
        if (r->running) sb_printf(&why, " in %s", r->running);
        else if (r->nfails == 0 && WIFEXITED(pr->status) && WEXITSTATUS(pr->status) == 1)
            sb_add(&why, " without a failed check");
    }
    free(san);
    r->reason = sb_take(&why);
}

static char *make_report_path(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    sbuf b = {0};
    sb_printf(&b, "%s/runner-report-XXXXXX", tmp);
    char *path = sb_take(&b);
    int fd = mkstemp(path);
    if (fd < 0) die("cannot create a temporary file in %s: %s", tmp, strerror(errno));
    close(fd);
    return path;
}

/* Run a test program and classify what happened. */
static void run_test_program(char *const argv[], int timeout_s, result *r)
{
    memset(r, 0, sizeof *r);
    char *report = make_report_path();
    proc_result pr;
    run_isolated(argv, report, timeout_s, &pr, 1);
    classify(&pr, report, timeout_s, r);
    free(pr.out);
    unlink(report);
    free(report);
}

/* ---- printing results ------------------------------------------------------ */

/* Print up to max lines of text starting at the first line containing
 * `from` (or the last max lines if from is NULL/not found), indented. */
static void print_excerpt(FILE *o, const char *text, const char *from, int max, const char *indent)
{
    if (!text || !*text) return;
    const char *start = NULL;
    if (from && (start = strstr(text, from)) != NULL) {
        while (start > text && start[-1] != '\n') start--;
    } else {
        const char *e = text + strlen(text);
        if (e > text && e[-1] == '\n') e--;
        int lines = 0;
        start = e;
        while (start > text) {
            if (start[-1] == '\n' && ++lines >= max) break;
            start--;
        }
    }
    int n = 0;
    const char *p = start;
    while (*p && n < max) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(o, "%s%.*s\n", indent, (int)len, p);
        n++;
        p = nl ? nl + 1 : p + len;
    }
    if (*p) fprintf(o, "%s[...]\n", indent);
}

/* The program's own output: the captured text minus check.h's FAIL lines
 * and summary line (the runner shows those itself).  Owned. */
static char *own_output(const char *out, int *nlines)
{
    sbuf b = {0};
    int n = 0;
    for (const char *p = out; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        int skip = strncmp(p, "  FAIL ", 7) == 0;
        if (!skip) { /* "<suite>: N tests, N failed" */
            const char *c = memchr(p, ':', len);
            unsigned a1, a2;
            char tail[8];
            if (c && !memchr(p, ' ', (size_t)(c - p)) &&
                sscanf(c, ": %u tests, %u faile%1[d]", &a1, &a2, tail) == 3)
                skip = 1;
        }
        if (!skip) { sb_addn(&b, p, len); n++; }
        p += len;
    }
    *nlines = n;
    return sb_take(&b);
}

static void print_output(FILE *o, const result *r, const char *indent, const char *ind2)
{
    int n;
    char *own = own_output(r->output, &n);
    if (n > 0) {
        int from_error = r->kind == O_CRASH && strstr(own, "ERROR: ") != NULL;
        int tail = !from_error && (r->kind == O_TIMEOUT || r->kind == O_CRASH);
        if (n <= SHOW_OUTPUT_LINES) fprintf(o, "%soutput of the test program (%d line%s):\n", indent, n, n == 1 ? "" : "s");
        else if (from_error) fprintf(o, "%soutput of the test program (from the sanitizer's report; %d lines in all):\n", indent, n);
        else fprintf(o, "%soutput of the test program (%s %d of %d lines):\n", indent, tail ? "last" : "first",
                     SHOW_OUTPUT_LINES, n);
        print_excerpt(o, own, from_error ? "ERROR: " : tail ? NULL : "", SHOW_OUTPUT_LINES, ind2);
    }
    if (r->dropped)
        fprintf(o, "%s(it wrote %zu bytes; the runner kept the first %d KiB)\n", indent,
                r->dropped + (size_t)OUTPUT_CAP, OUTPUT_CAP / 1024);
    free(own);
}

static void print_details(FILE *o, const result *r, const char *indent)
{
    sbuf ind = {0};
    sb_printf(&ind, "%s  ", indent);
    if (r->kind == O_NOCOMPILE || (r->kind == O_MISSING && r->compile_out)) {
        print_excerpt(o, r->compile_out, "error", SHOW_COMPILE_LINES, indent);
    } else {
        int shown = 0;
        for (int i = 0; i < r->nfails && shown < SHOW_FAILURES; i++, shown++) {
            if (i == 0 || strcmp(r->fails[i].test, r->fails[i - 1].test) != 0)
                fprintf(o, "%s%s\n", indent, r->fails[i].test);
            fprintf(o, "%s  %s: %s\n", indent, r->fails[i].where, r->fails[i].msg);
        }
        if (r->nfails > shown) fprintf(o, "%s(%d more failed checks)\n", indent, r->nfails - shown);
        if (r->kind != O_PASS && r->kind != O_MISSING && r->output) print_output(o, r, indent, ind.s);
        if (r->leaks) fprintf(o, "%s%s\n", indent, r->leaks);
        if (r->asan_reason) {
            fprintf(o, "%sThe runner built it again with AddressSanitizer and reran it, to show where:\n", indent);
            fprintf(o, "%s%s\n", ind.s, r->asan_reason);
        } else if (r->asan_report) {
            fprintf(o, "%sAddressSanitizer's report (the runner reran it with ASan after its checks passed):\n", indent);
        }
        if (r->asan_report) print_excerpt(o, r->asan_report, "", 40, ind.s);
        if (r->warnings && *r->warnings) {
            fprintf(o, "%sthe compiler warned about your file (fix these first: a warning is often the bug):\n", indent);
            print_excerpt(o, r->warnings, "", SHOW_COMPILE_LINES, ind.s);
        }
    }
    if (r->advice) print_excerpt(o, r->advice, "", 20, indent);
    free(ind.s);
}

static void tally(const char *file, int ok, const char *label)
{
    if (!file) return;
    FILE *f = fopen(file, "a");
    if (!f) die("cannot open tally file %s: %s", file, strerror(errno));
    fprintf(f, "%s %s\n", ok ? "pass" : "fail", label);
    fclose(f);
}

/* ---- manifest --------------------------------------------------------------- */

typedef struct {
    char *chapter; /* "01-generators" */
    char *name;    /* "countdown" */
    char *title;
    int timeout, points, minutes, line;
    char **hints;
    int nhints;
} entry;

typedef struct {
    entry *v;
    int n;
} manifest;

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) e--;
    *e = '\0';
    return s;
}

static int valid_chapter(const char *s)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != '-' || !s[3])
        return 0;
    for (s += 3; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.') return 0;
    return 1;
}

static int valid_name(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_') return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_') return 0;
    return 1;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

static void manifest_load(const char *path, manifest *m)
{
    FILE *f = fopen(path, "r");
    if (!f) die("cannot read manifest %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;
    entry *cur = NULL;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || *trim(e + 1)) die("%s:%d: expected [CHAPTER/NAME]", path, lineno);
            *e = '\0';
            char *sec = trim(s + 1), *slash = strchr(sec, '/');
            if (!slash) die("%s:%d: section [%s] must be CHAPTERDIR/NAME, e.g. [01-generators/countdown]", path, lineno, sec);
            *slash = '\0';
            if (!valid_chapter(sec))
                die("%s:%d: '%s' is not a chapter directory name (NN-slug)", path, lineno, sec);
            if (!valid_name(slash + 1))
                die("%s:%d: '%s' is not a valid exercise name (letters, digits, _)", path, lineno, slash + 1);
            for (int i = 0; i < m->n; i++)
                if (strcmp(m->v[i].chapter, sec) == 0 && strcmp(m->v[i].name, slash + 1) == 0)
                    die("%s:%d: [%s/%s] already listed at line %d", path, lineno, sec, slash + 1, m->v[i].line);
            m->v = xrealloc(m->v, sizeof *m->v * (size_t)(m->n + 1));
            cur = &m->v[m->n++];
            memset(cur, 0, sizeof *cur);
            cur->chapter = xstrdup(sec);
            cur->name = xstrdup(slash + 1);
            cur->timeout = 10;
            cur->points = 1;
            cur->line = lineno;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) die("%s:%d: expected 'key = value' or [CHAPTER/NAME], got: %s", path, lineno, s);
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        if (!cur) die("%s:%d: '%s' before the first [CHAPTER/NAME] section", path, lineno, key);
        if (strcmp(key, "title") == 0) {
            free(cur->title);
            cur->title = xstrdup(val);
        } else if (strcmp(key, "timeout") == 0) {
            if (parse_int(val, 1, 3600, &cur->timeout))
                die("%s:%d: timeout must be a number of seconds (1..3600), got '%s'", path, lineno, val);
        } else if (strcmp(key, "points") == 0) {
            if (parse_int(val, 0, 1000, &cur->points))
                die("%s:%d: points must be a number (0..1000), got '%s'", path, lineno, val);
        } else if (strcmp(key, "minutes") == 0) {
            if (parse_int(val, 1, 6000, &cur->minutes))
                die("%s:%d: minutes (the time an exercise takes) must be 1..6000, got '%s'", path, lineno, val);
        } else if (strcmp(key, "hint") == 0) {
            cur->hints = xrealloc(cur->hints, sizeof *cur->hints * (size_t)(cur->nhints + 1));
            cur->hints[cur->nhints++] = xstrdup(val);
        } else {
            die("%s:%d: unknown key '%s' (known: title, timeout, points, minutes, hint)", path, lineno, key);
        }
    }
    free(line);
    fclose(f);
    for (int i = 0; i < m->n; i++)
        if (!m->v[i].title) m->v[i].title = xstrdup(m->v[i].name);
}

static void manifest_free(manifest *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->v[i].chapter);
        free(m->v[i].name);
        free(m->v[i].title);
        for (int j = 0; j < m->v[i].nhints; j++) free(m->v[i].hints[j]);
        free(m->v[i].hints);
    }
    free(m->v);
}

/* ---- compiling an exercise --------------------------------------------------- */

typedef struct {
    const char *cc, *cflags, *libs, *root, *build, *tree, *manifest, *tally, *label;
    const char *grade_dir, *expect;
    const char *student; /* --student: where the edited files come from (default: root) */
    char chs[100];       /* chapters selected by --ch (all when none is set) */
    int any_ch;
    int hints;
    const char *state;   /* --state DIR: hints shown, the current exercise */
    const char *pristine_stubs; /* --pristine-stubs DIR: for "not started" in --list */
    int list;
    int leak_check;    /* student view: a pass is rerun under ASan to catch leaks */
    const char *asan_libs; /* --asan-libs: the libraries for those ASan builds (default --libs) */
    int verdict_cache; /* remember passes (the leak check's ASan runs) */
} options;

/* Add "path mtime size" of a file to the stamp (or "path -" if absent). */
static void stamp_file(sbuf *b, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        sb_printf(b, "%s %lld.%09ld %lld\n", path, (long long)st.st_mtim.tv_sec,
                  (long)st.st_mtim.tv_nsec, (long long)st.st_size);
    else
        sb_printf(b, "%s -\n", path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Stamp every *.h in dir, in sorted order so the stamp is stable. */
static void stamp_dir_headers(sbuf *b, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 3 || strcmp(de->d_name + len - 2, ".h") != 0) continue;
        names = xrealloc(names, sizeof *names * (n + 1));
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *full = path_join(dir, names[i]);
        stamp_file(b, full);
        free(full);
        free(names[i]);
    }
    free(names);
}

/* Tokens of --libs that name files (archives, objects) take part in the stamp. */
static void stamp_libs(sbuf *b, const char *libs)
{
    char *copy = xstrdup(libs);
    for (char *t = strtok(copy, " \t"); t; t = strtok(NULL, " \t"))
        if (t[0] != '-' && strchr(t, '.')) stamp_file(b, t);
    free(copy);
}

/* Run a shell command under the compile time limit; returns 0 on success
 * and the compiler's output in *out (owned). */
static int run_compile(const char *cmd, char **out)
{
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    proc_result pr;
    run_isolated(argv, NULL, COMPILE_TIMEOUT_S, &pr, 0);
    int ok = !pr.timed_out && WIFEXITED(pr.status) && WEXITSTATUS(pr.status) == 0;
    if (pr.timed_out) {
        sbuf b = {0};
        sb_add(&b, pr.out);
        sb_printf(&b, "error: the compiler did not finish within %d s\n", COMPILE_TIMEOUT_S);
        free(pr.out);
        pr.out = sb_take(&b);
    }
    *out = pr.out;
    return ok ? 0 : -1;
}

/* Compile cmd into target unless target's stamp shows nothing changed. */
static int compile_cached(const char *cmd, const char *target, sbuf *inputs, char **out)
{
    sbuf st = {0};
    sb_add(&st, cmd);
    sb_add(&st, "\n");
    if (inputs->s) sb_add(&st, inputs->s);
    char *stamp_path = xmalloc(strlen(target) + 8);
    sprintf(stamp_path, "%s.stamp", target);
    char *old = read_file(stamp_path, NULL);
    *out = NULL;
    int rc = 0;
    /* The compiler's output (its warnings) is kept beside the binary, so a
     * cached build still shows them. */
    char *out_path = xmalloc(strlen(target) + 8);
    sprintf(out_path, "%s.out", target);
    if (old && file_exists(target) && strcmp(old, st.s) == 0) {
        *out = read_file(out_path, NULL);
        if (!*out) *out = xstrdup("");
    } else {
        unlink(stamp_path);
        rc = run_compile(cmd, out);
        if (rc == 0) {
            write_file(out_path, *out, strlen(*out));
            write_file(stamp_path, st.s, st.len);
        }
    }
    free(out_path);
    free(old);
    free(stamp_path);
    free(st.s);
    return rc;
}

static char *check_obj_path(const options *o)
{
    return path_join(o->build, "check.o");
}

/* Compile tools/check.c once per build dir. */
static void compile_check(const options *o)
{
    char *src = path_join(o->root, "tools/check.c");
    char *inc = path_join(o->root, "tools");
    char *hdr = path_join(o->root, "tools/check.h");
    char *obj = check_obj_path(o);
    if (!file_exists(src)) die("%s not found (is --root right?)", src);
    sbuf cmd = {0};
    sb_printf(&cmd, "%s %s -I", o->cc, o->cflags);
    sb_add_quoted(&cmd, inc);
    sb_add(&cmd, " -c -o ");
    sb_add_quoted(&cmd, obj);
    sb_add(&cmd, " ");
    sb_add_quoted(&cmd, src);
    sbuf in = {0};
    stamp_file(&in, src);
    stamp_file(&in, hdr);
    char *out;
    if (compile_cached(cmd.s, obj, &in, &out) != 0) {
        fprintf(stderr, "%s: cannot compile %s:\n$ %s\n%s", progname, src, cmd.s, out);
        exit(2);
    }
    free(out);
    free(cmd.s);
    free(in.s);
    free(src);
    free(inc);
    free(hdr);
    free(obj);
}

/* rel path of the file the student edits (tree/chapter/name.c) */
static char *edit_path(const options *o, const entry *e)
{
    sbuf b = {0};
    sb_printf(&b, "%s/%s/%s.c", o->tree, e->chapter, e->name);
    char *rel = sb_take(&b);
    char *p = path_join(o->student ? o->student : o->root, rel);
    free(rel);
    return p;
}

static char *test_path(const options *o, const entry *e)
{
    sbuf b = {0};
    sb_printf(&b, "exercises/%s/test_%s.c", e->chapter, e->name);
    char *rel = sb_take(&b);
    char *p = path_join(o->root, rel);
    free(rel);
    return p;
}

static const void *mem_find(const void *hay, size_t hl, const void *needle, size_t nl)
{
    if (nl == 0) return hay;
    for (const char *h = hay; hl >= nl; h++, hl--)
        if (memcmp(h, needle, nl) == 0) return h;
    return NULL;
}

/* Is this line the start of a compiler diagnostic ("f.c:3:5: warning: ...",
 * "f.c: In function 'x':")?  If so, *file gets its file name's length. */
static int diag_start(const char *line, size_t len, size_t *flen)
{
    const char *c = memchr(line, ':', len);
    if (!c || c == line || memchr(line, ' ', (size_t)(c - line))) return 0;
    *flen = (size_t)(c - line);
    return isdigit((unsigned char)c[1]) || strncmp(c, ": In function", 13) == 0 ||
           strncmp(c, ": At top level", 14) == 0;
}

/* The compiler's warnings about the file whose base name is base (with the
 * source lines and carets that follow them).  Owned, or NULL if none. */
static char *warnings_about(const char *cout, const char *base)
{
    if (!cout) return NULL;
    sbuf b = {0};
    int keep = 0, any = 0;
    size_t bl = strlen(base);
    for (const char *p = cout; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p), flen;
        if (diag_start(p, len, &flen)) {
            int mine = flen >= bl && strncmp(p + flen - bl, base, bl) == 0 &&
                       (flen == bl || p[flen - bl - 1] == '/');
            keep = mine;
            if (mine && mem_find(p, len, "warning:", 8)) any = 1;
        }
        if (keep) sb_addn(&b, p, len);
        p += len;
    }
    if (!any) { free(b.s); return NULL; }
    return sb_take(&b);
}

/* Is word (a macro name) at p, as a whole identifier? */
static int word_at(const char *text, const char *p, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(p, word, n) != 0) return 0;
    if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) return 0;
    return !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/* The suspension macros: each one plants `case __LINE__:`. */
static const char *const suspends[] = {"ASY_YIELD", "ASY_YIELD_TRY", "ASY_YIELD_FROM", "ASY_YIELD_FROM_TRY",
                                       "ASY_AWAIT", "ASY_AWAIT_TRY", NULL};

static const char *suspend_at(const char *text, const char *p)
{
    for (int i = 0; suspends[i]; i++)
        if (word_at(text, p, suspends[i])) return suspends[i];
    return NULL;
}

/*
 * Sentences for the typical mistakes with the body macros (gen.h, coro.h),
 * found in the student's source (comments and strings skipped) and in the
 * compiler's messages: a missing ASY_END, two suspension points on one line,
 * one inside a switch of the body's own, a missing ';' after one.  Owned or NULL.
 */
static char *macro_advice(const char *src, const char *cout)
{
    if (!src) return NULL;
    /* a copy with comments and string/char literals blanked, lines kept */
    char *t = xstrdup(src);
    for (char *p = t; *p; p++) {
        if (p[0] == '/' && p[1] == '*') {
            for (; *p && !(p[0] == '*' && p[1] == '/'); p++) if (*p != '\n') *p = ' ';
            if (*p) { p[0] = ' '; p[1] = ' '; p++; }
        } else if (p[0] == '/' && p[1] == '/') {
            for (; *p && *p != '\n'; p++) *p = ' ';
            if (!*p) break;
        } else if (*p == '"' || *p == '\'') {
            char q = *p;
            for (p++; *p && *p != q && *p != '\n'; p++) {
                if (*p == '\\' && p[1]) *p++ = ' ';
                *p = ' ';
            }
            if (!*p) break;
        }
    }
    sbuf b = {0};
    int begins = 0, ends = 0, line = 1, last_line = -1, said_dup = 0, said_switch = 0, said_semi = 0;
    const char *last_name = NULL;
    int switch_depth[64], nsw = 0, depth = 0, pending_switch = 0;
    for (const char *p = t; *p; p++) {
        if (*p == '\n') { line++; continue; }
        if (word_at(t, p, "ASY_BEGIN")) begins++;
        if (word_at(t, p, "ASY_END")) ends++;
        if (word_at(t, p, "switch")) pending_switch = 1;
        if (*p == '{') {
            depth++;
            if (pending_switch && nsw < 64) switch_depth[nsw++] = depth;
            pending_switch = 0;
        }
        if (*p == '}') {
            if (nsw > 0 && switch_depth[nsw - 1] == depth) nsw--;
            depth--;
        }
        const char *m = suspend_at(t, p);
        if (!m) continue;
        if (line == last_line && !said_dup++)
            sb_printf(&b, "note: line %d has two suspension points (%s and %s). Each one marks where the body "
                          "resumes with `case __LINE__:`, so two on one line collide (\"duplicate case value\"): "
                          "put each on a line of its own.\n", line, last_name, m);
        last_line = line;
        last_name = m;
        if (nsw > 0 && !said_switch++)
            sb_printf(&b, "note: line %d: %s inside a switch statement of your own. The macros resume the body "
                          "through ASY_BEGIN's switch, and a `case` inside your switch belongs to yours: the body "
                          "cannot come back there. Use if/else around a suspension point.\n", line, m);
        /* the ';' after the macro's closing parenthesis */
        const char *q = p + strlen(m);
        while (*q == ' ' || *q == '\t' || *q == '\n') q++;
        if (*q == '(') {
            int par = 0;
            for (; *q; q++) {
                if (*q == '(') par++;
                else if (*q == ')' && --par == 0) break;
            }
            if (*q) q++;
            while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
            if (*q != ';' && !said_semi++)
                sb_printf(&b, "note: line %d: %s(...) needs a ';' after it: it is a statement "
                              "(a do { ... } while (0)), like a function call.\n", line, m);
        }
    }
    if (begins > ends)
        sb_printf(&b, "note: ASY_BEGIN without ASY_END: ASY_BEGIN(g) opens the switch that resumes the body, "
                      "and only ASY_END(g); (the body's last line) closes it. Without it the compiler reports "
                      "a missing '}' at the end of the file.\n");
    if (!said_dup && cout && strstr(cout, "duplicate case value"))
        sb_printf(&b, "note: \"duplicate case value\": two suspension points (ASY_YIELD, ASY_AWAIT...) on one "
                      "line, maybe through a macro of your own; each needs a line of its own.\n");
    free(t);
    if (!b.s) return NULL;
    return sb_take(&b);
}

/* From a LeakSanitizer report: what leaked, by the function that allocated
 * it (the first frame that is not an allocator): "leaked: 2 objects from
 * asy_future_new (lib/future.c:41), 1 from ...".  Owned, or NULL. */
static char *leak_summary(const char *out)
{
    if (!out || !strstr(out, "LeakSanitizer")) return NULL;
    /* One entry per allocation site ("make_box (leak.c:7)"), summed. */
    struct { char *site; unsigned long objs, bytes; } sites[8];
    int nsites = 0, more = 0;
    for (const char *p = out; (p = strstr(p, " leak of ")) != NULL; p++) {
        unsigned long bytes = 0, objs = 0;
        if (sscanf(p, " leak of %lu byte(s) in %lu object(s)", &bytes, &objs) != 2) continue;
        sbuf site = {0};
        const char *f = strchr(p, '\n');
        for (int k = 0; f && k < 12; k++) {
            f++;
            const char *e = strchr(f, '\n');
            if (!e) e = f + strlen(f);
            const char *in = strstr(f, " in ");
            if (strncmp(f, "    #", 5) != 0 || !in || in > e) break;
            const char *fn = in + 4, *fe = fn;
            while (fe < e && *fe != ' ') fe++;
            size_t fl = (size_t)(fe - fn);
            int allocator = (fl >= 5 && mem_find(fn, fl, "alloc", 5)) || (fl >= 6 && mem_find(fn, fl, "strdup", 6)) ||
                            (fl >= 13 && mem_find(fn, fl, "__interceptor", 13)) ||
                            (fl == 11 && strncmp(fn, "asy_obj_new", 11) == 0);
            if (!allocator) {
                sb_addn(&site, fn, fl);
                if (fe < e) { /* the file's base name and line */
                    const char *sl = fe + 1;
                    for (const char *x = fe + 1; x < e; x++) if (*x == '/') sl = x + 1;
                    sb_printf(&site, " (%.*s)", (int)(e - sl), sl);
                }
                break;
            }
            f = e;
        }
        char *name = site.s ? sb_take(&site) : xstrdup("?");
        int i = 0;
        while (i < nsites && strcmp(sites[i].site, name) != 0) i++;
        if (i == nsites && nsites == 8) { more++; free(name); continue; }
        if (i == nsites) { sites[nsites].site = name; sites[nsites].objs = sites[nsites].bytes = 0; nsites++; }
        else free(name);
        sites[i].objs += objs;
        sites[i].bytes += bytes;
    }
    if (nsites == 0) return NULL;
    sbuf b = {0};
    for (int i = 0; i < nsites; i++) {
        sb_printf(&b, "%s%lu object%s (%lu bytes) from %s", i ? ", " : "leaked: ", sites[i].objs,
                  sites[i].objs == 1 ? "" : "s", sites[i].bytes, sites[i].site);
        free(sites[i].site);
    }
    if (more) sb_printf(&b, ", and %d more", more);
    sb_add(&b, ". Each allocation needs a matching release (asy_decref, asy_value_clear) on every path.");
    return sb_take(&b);
}

/* Build and run one exercise. */
static void run_exercise(const options *o, const entry *e, result *r)
{
    memset(r, 0, sizeof *r);
    char *src = edit_path(o, e), *test = test_path(o, e);
    sbuf b = {0};
    sb_printf(&b, "exercises/%s", e->chapter);
    char *exdir_rel = sb_take(&b);
    char *exdir = path_join(o->root, exdir_rel);
    char *libdir = path_join(o->root, "lib"), *tooldir = path_join(o->root, "tools");
    sb_printf(&b, "%s/%s", o->build, e->chapter);
    char *bindir = sb_take(&b);
    sb_printf(&b, "%s/test_%s", bindir, e->name);
    char *bin = sb_take(&b);
    char *checko = check_obj_path(o);

    const char *missing = !file_exists(test) ? test : !file_exists(src) ? src : NULL;
    if (missing) {
        r->kind = O_MISSING;
        sb_printf(&b, "missing file %s", missing);
        r->reason = sb_take(&b);
        goto out;
    }
    if (o->tree[0] == 'e') { /* a student's file must leave the harness's report alone */
        char *text = read_file(src, NULL);
        int forged = text && strstr(text, "CHECK_REPORT") != NULL;
        free(text);
        if (forged) {
            r->kind = O_EXIT;
            r->reason = xstrdup("its file names CHECK_REPORT: the test harness's report is not the exercise's to touch");
            goto out;
        }
    }
    mkdir_p(bindir);
    if (o->student) {
        /* Grading against a pristine tree: only the student's NAME.c is
         * theirs.  It is compiled from a private copy, so an #include "x.h"
         * in it finds the pristine header, never one edited beside it. */
        sb_printf(&b, "%s/src-%s", bindir, e->name);
        char *srcdir = sb_take(&b);
        mkdir_p(srcdir);
        sb_printf(&b, "%s/%s.c", srcdir, e->name);
        char *copy = sb_take(&b);
        size_t len;
        char *data = read_file(src, &len);
        if (!data || write_file(copy, data, len) != 0) die("cannot copy %s to %s", src, copy);
        free(data);
        struct stat st; /* the copy keeps the original's mtime: the build cache still works */
        if (stat(src, &st) == 0) {
            struct timespec ts[2] = {st.st_atim, st.st_mtim};
            utimensat(AT_FDCWD, copy, ts, 0);
        }
        free(srcdir);
        free(src);
        src = copy;
    }
    /* -iquote, not -I: the library's headers answer only #include "x.h",
     * so lib/semaphore.h can never stand in for POSIX <semaphore.h>. */
    sb_printf(&b, "%s %s -iquote ", o->cc, o->cflags);
    sb_add_quoted(&b, libdir);
    sb_add(&b, " -iquote ");
    sb_add_quoted(&b, tooldir);
    sb_add(&b, " -iquote ");
    sb_add_quoted(&b, exdir);
    sb_add(&b, " -o ");
    sb_add_quoted(&b, bin);
    sb_add(&b, " ");
    sb_add_quoted(&b, test);
    sb_add(&b, " ");
    sb_add_quoted(&b, src);
    sb_add(&b, " ");
    sb_add_quoted(&b, checko);
    sb_printf(&b, " %s", o->libs);
    char *cmd = sb_take(&b);

    sbuf in = {0};
    stamp_file(&in, test);
    stamp_file(&in, src);
    stamp_file(&in, checko);
    char *toolh = path_join(o->root, "tools/check.h");
    stamp_file(&in, toolh);
    free(toolh);
    stamp_dir_headers(&in, exdir);
    stamp_dir_headers(&in, libdir);
    stamp_libs(&in, o->libs);
    char *cout = NULL;
    int rc = compile_cached(cmd, bin, &in, &cout);
    free(in.s);
    free(cmd);
    if (rc != 0) {
        unlink(bin);
        r->kind = O_NOCOMPILE;
        r->compile_out = cout;
        r->reason = xstrdup("does not compile");
        goto out;
    }
    r->compile_out = cout;
    char *argv[] = {bin, NULL};
    char *comp = r->compile_out;
    r->compile_out = NULL;
    /* --verdict-cache: a pass is remembered next to the binary with the
     * build's stamp, and not run again until something changes. */
    char *stamp = NULL, *vpath = NULL;
    int remembered = 0;
    if (o->verdict_cache) {
        sb_printf(&b, "%s.stamp", bin);
        char *sp = sb_take(&b);
        stamp = read_file(sp, NULL);
        free(sp);
        sb_printf(&b, "%s.verdict", bin);
        vpath = sb_take(&b);
        char *v = read_file(vpath, NULL);
        if (stamp && v && strcmp(v, stamp) == 0) {
            r->kind = O_PASS;
            r->reason = xstrdup("passed (remembered)");
            remembered = 1;
        }
        free(v);
    }
    if (!remembered) {
        run_test_program(argv, e->timeout, r);
        if (vpath) {
            if (r->kind == O_PASS && stamp) write_file(vpath, stamp, strlen(stamp));
            else unlink(vpath);
        }
    }
    free(stamp);
    free(vpath);
    r->compile_out = comp;
out:
    if (r->kind != O_PASS && r->kind != O_MISSING) {
        char base[300];
        snprintf(base, sizeof base, "%s.c", e->name);
        if (r->kind != O_NOCOMPILE) r->warnings = warnings_about(r->compile_out, base);
        char *text = read_file(src, NULL);
        r->advice = macro_advice(text, r->compile_out);
        free(text);
        r->leaks = leak_summary(r->output);
    }
    free(src);
    free(test);
    free(exdir_rel);
    free(exdir);
    free(libdir);
    free(tooldir);
    free(bindir);
    free(bin);
    free(checko);
}

/* The useful lines of a sanitizer report: its ERROR and access lines, the
 * first frames of each stack, the allocation/free headers, SUMMARY. */
static char *sanitizer_excerpt(const char *out)
{
    const char *p = out ? strstr(out, "ERROR: ") : NULL;
    if (!p) return NULL;
    while (p > out && p[-1] != '\n') p--;
    sbuf b = {0};
    int frames = 0, lines = 0;
    for (; *p && lines < 30;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        const char *t = p;
        while (*t == ' ') t++;
        int keep = 0;
        if (*t == '#') {
            keep = frames++ < 4 && !mem_find(p, len, "libc.so", 7) && !mem_find(p, len, "libcunit", 8);
        } else {
            frames = 0;
            keep = mem_find(p, len, "ERROR: ", 7) || mem_find(p, len, " of size ", 9) ||
                   mem_find(p, len, " by thread ", 11) || mem_find(p, len, "is located", 10) ||
                   mem_find(p, len, "SUMMARY:", 8) || mem_find(p, len, "runtime error:", 14) ||
                   mem_find(p, len, " leak of ", 9);
        }
        if (keep) { sb_addn(&b, p, len); lines++; }
        if (mem_find(p, len, "SUMMARY:", 8)) break;
        p += len;
    }
    return b.s ? sb_take(&b) : NULL;
}

/* A crash in a build without sanitizers: build the exercise again with
 * AddressSanitizer + UBSan (the student's file and the test; the library
 * stays as it is) and rerun it, so the student sees where (use-after-free
 * in await_sum.c:37) instead of a bare SIGSEGV. */
static void asan_rerun(const options *o, const entry *e, result *r)
{
    options a = *o;
    sbuf b = {0};
    sb_printf(&b, "%s -fsanitize=address,undefined -fno-omit-frame-pointer", o->cflags);
    char *cflags = sb_take(&b);
    sb_printf(&b, "%s-asan", o->build);
    char *build = sb_take(&b);
    a.cflags = cflags;
    a.build = build;
    if (o->asan_libs) a.libs = o->asan_libs;
    mkdir_p(build);
    compile_check(&a);
    int was = limits.asan;
    limits.asan = 1;
    result r2;
    run_exercise(&a, e, &r2);
    limits.asan = was;
    if (r2.kind == O_NOCOMPILE) {
        r->asan_reason = xstrdup("(it could not: the ASan build does not compile or link here)");
    } else {
        char *san = sanitizer_report(r2.output ? r2.output : "");
        sb_printf(&b, "%s%s", san ? "" : "no sanitizer report; under ASan it ", r2.reason);
        r->asan_reason = sb_take(&b);
        free(san);
        r->asan_report = sanitizer_excerpt(r2.output);
        if (!r->leaks) r->leaks = leak_summary(r2.output);
    }
    result_free(&r2);
    free(cflags);
    free(build);
}

/* A pass in a build without sanitizers may still leak: the student view
 * runs the ASan build too (its passes remembered, so once per change).  A
 * sanitizer report turns the pass into a failure that says what leaked. */
static void leak_check(const options *o, const entry *e, result *r)
{
    options a = *o;
    sbuf b = {0};
    sb_printf(&b, "%s -fsanitize=address,undefined -fno-omit-frame-pointer", o->cflags);
    char *cflags = sb_take(&b);
    sb_printf(&b, "%s-asan", o->build);
    char *build = sb_take(&b);
    a.cflags = cflags;
    a.build = build;
    if (o->asan_libs) a.libs = o->asan_libs;
    a.verdict_cache = 1;
    mkdir_p(build);
    compile_check(&a);
    int was = limits.asan;
    limits.asan = 1;
    result r2;
    run_exercise(&a, e, &r2);
    limits.asan = was;
    char *san = r2.output ? sanitizer_report(r2.output) : NULL;
    if (san) {
        result_free(r);
        memset(r, 0, sizeof *r);
        r->kind = O_CRASH;
        sb_printf(&b, "its checks pass, but AddressSanitizer says: %s", san);
        if (r2.running) sb_printf(&b, " in %s", r2.running);
        r->reason = sb_take(&b);
        r->leaks = leak_summary(r2.output);
        r->asan_report = sanitizer_excerpt(r2.output);
        r->secs = r2.secs;
    }
    free(san);
    result_free(&r2);
    free(cflags);
    free(build);
}

/* ---- junit / grade --------------------------------------------------------- */

static void xml_escape(sbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '&': sb_add(b, "&amp;"); break;
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '"': sb_add(b, "&quot;"); break;
        case '\'': sb_add(b, "&apos;"); break;
        default:
            if (*p < 0x20 && *p != '\n' && *p != '\t') sb_add(b, "?"); /* not allowed in XML 1.0 */
            else sb_addn(b, (const char *)p, 1);
        }
    }
}

typedef struct {
    const entry *e;
    result r;
} graded;

/* One <testsuite> per chapter (a run of consecutive exercises of one chapter),
 * with its points as properties; the <testsuites> element carries the total. */
static void write_junit(const char *dir, const graded *g, int n)
{
    int failures = 0, errors = 0, score = 0, max = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
        total += g[i].r.secs;
        max += g[i].e->points;
        if (g[i].r.kind == O_PASS) score += g[i].e->points;
        else if (g[i].r.kind == O_FAIL) failures++;
        else errors++;
    }
    sbuf b = {0};
    sb_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb_printf(&b, "<testsuites name=\"exercises\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\" points=\"%d\" max_points=\"%d\">\n",
              n, failures, errors, total, score, max);
    for (int i = 0; i < n; i++) {
        const entry *e = g[i].e;
        const result *r = &g[i].r;
        if (i == 0 || strcmp(g[i - 1].e->chapter, e->chapter) != 0) {
            int cn = 0, cf = 0, ce = 0, cs = 0, cm = 0;
            double ct = 0;
            for (int j = i; j < n && strcmp(g[j].e->chapter, e->chapter) == 0; j++) {
                cn++;
                ct += g[j].r.secs;
                cm += g[j].e->points;
                if (g[j].r.kind == O_PASS) cs += g[j].e->points;
                else if (g[j].r.kind == O_FAIL) cf++;
                else ce++;
            }
            sb_add(&b, "<testsuite name=\"");
            xml_escape(&b, e->chapter);
            sb_printf(&b, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">\n", cn, cf, ce, ct);
            sb_printf(&b, "  <properties><property name=\"points\" value=\"%d\"/><property name=\"max_points\" value=\"%d\"/></properties>\n",
                      cs, cm);
        }
        sb_add(&b, "  <testcase classname=\"");
        xml_escape(&b, e->chapter);
        sb_add(&b, "\" name=\"");
        xml_escape(&b, e->name);
        sb_printf(&b, "\" time=\"%.3f\"", r->secs);
        int last = i + 1 == n || strcmp(g[i + 1].e->chapter, e->chapter) != 0;
        if (r->kind == O_PASS) {
            sb_add(&b, "/>\n");
            if (last) sb_add(&b, "</testsuite>\n");
            continue;
        }
        const char *tag = r->kind == O_FAIL ? "failure" : "error";
        const char *type = r->kind == O_FAIL ? "failed" : r->kind == O_CRASH ? "crashed"
                         : r->kind == O_TIMEOUT ? "timeout" : r->kind == O_NOCOMPILE ? "compile"
                         : "error";
        sb_printf(&b, ">\n    <%s type=\"%s\" message=\"", tag, type);
        xml_escape(&b, r->reason);
        if (r->kind == O_FAIL && r->nfails > 0) {
            sb_add(&b, ": ");
            xml_escape(&b, r->fails[0].msg);
        }
        sb_add(&b, "\">");
        /* details: the same text the student sees */
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (mem) {
            print_details(mem, r, "");
            fclose(mem);
            xml_escape(&b, buf);
            free(buf);
        }
        sb_printf(&b, "</%s>\n  </testcase>\n", tag);
        if (last) sb_add(&b, "</testsuite>\n");
    }
    sb_add(&b, "</testsuites>\n");
    char *final = path_join(dir, "junit.xml"), *tmp = path_join(dir, "junit.xml.tmp");
    if (write_file(tmp, b.s, b.len) != 0 || rename(tmp, final) != 0)
        die("cannot write %s: %s", final, strerror(errno));
    free(final);
    free(tmp);
    free(b.s);
}

/* Is the student's file byte for byte the pristine stub (--pristine-stubs)? */
static int untouched(const options *o, const entry *e)
{
    if (!o->pristine_stubs) return 0;
    char *mine = edit_path(o, e);
    sbuf b = {0};
    sb_printf(&b, "exercises/%s/%s.c", e->chapter, e->name);
    char *rel = sb_take(&b);
    char *orig = path_join(o->pristine_stubs, rel);
    size_t la, lb;
    char *a = read_file(mine, &la), *c = read_file(orig, &lb);
    int same = a && c && la == lb && memcmp(a, c, la) == 0;
    free(a);
    free(c);
    free(mine);
    free(rel);
    free(orig);
    return same;
}

/* chapters/NN-slug of the first chapter after chapter `after`, or NULL. */
static char *chapter_after(const char *root, int after)
{
    char *dir = path_join(root, "chapters");
    DIR *d = opendir(dir);
    char *best = NULL;
    int bestn = 1000;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (!valid_chapter(de->d_name)) continue;
        int n = atoi(de->d_name);
        if (n > after && n < bestn) {
            bestn = n;
            free(best);
            best = xstrdup(de->d_name);
        }
    }
    if (d) closedir(d);
    free(dir);
    if (!best) return NULL;
    sbuf b = {0};
    sb_printf(&b, "chapters/%s", best);
    free(best);
    return sb_take(&b);
}

/* ---- the student's state: hints shown, the current exercise ------------------ */

/* DIR/hints holds "CH/NAME COUNT" lines: how many hints were shown. */
static int hints_shown(const char *dir, const char *full)
{
    if (!dir) return 0;
    char *path = path_join(dir, "hints");
    char *data = read_file(path, NULL);
    free(path);
    int n = 0;
    size_t fl = strlen(full);
    for (char *p = data; p && *p;) {
        char *nl = strchr(p, '\n');
        if (strncmp(p, full, fl) == 0 && p[fl] == ' ') n = atoi(p + fl + 1);
        if (!nl) break;
        p = nl + 1;
    }
    free(data);
    return n;
}

static void set_hints_shown(const char *dir, const char *full, int n)
{
    mkdir_p(dir);
    char *path = path_join(dir, "hints");
    char *data = read_file(path, NULL);
    sbuf b = {0};
    size_t fl = strlen(full);
    for (char *p = data; p && *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (!(strncmp(p, full, fl) == 0 && p[fl] == ' ')) sb_addn(&b, p, len);
        p += len;
    }
    sb_printf(&b, "%s %d\n", full, n);
    if (write_file(path, b.s, b.len) != 0) die("cannot write %s: %s", path, strerror(errno));
    free(b.s);
    free(data);
    free(path);
}

static void set_current(const char *dir, const char *full)
{
    if (!dir) return;
    mkdir_p(dir);
    char *path = path_join(dir, "current");
    sbuf b = {0};
    sb_printf(&b, "%s\n", full);
    write_file(path, b.s, b.len);
    free(b.s);
    free(path);
}

/* ---- the exercises sub-command ----------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage:\n"
            "  %s exercises [--manifest FILE] [--root DIR] [--tree exercises|solutions]\n"
            "         [--build DIR] [--cc CC] [--cflags FLAGS] [--libs LIBS] [--ch NN] [--hints]\n"
            "         [--expect pass|fail [--tally FILE] [--label PREFIX]] [--grade DIR]\n"
            "         [--ch \"NN NN\"] [--ex CH/NAME] [--student DIR] [--require-all]\n"
            "         [--memory MIB] [--procs N] [--flood KIB] [--state DIR] [--list [--pristine-stubs DIR]]\n"
            "         [--no-leak-check] [--asan-libs LIBS]\n"
            "  %s run [--timeout S] [--tally FILE] [--label L] -- PROGRAM [ARGS...]\n"
            "  %s autograding [--manifest FILE] [--ch LIST] json|workflow\n"
            "  %s hint [--manifest FILE] [--state DIR] [--ex CH/NAME]\n",
            progname, progname, progname, progname);
    exit(2);
}

/* Match "--name VALUE" or "--name=VALUE"; advances *i. */
static int opt_val(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return 0;
    if (argv[*i][n] == '=') { *out = argv[*i] + n + 1; return 1; }
    if (argv[*i][n] != '\0') return 0;
    if (*i + 1 >= argc) die("option %s needs a value", name);
    *out = argv[++*i];
    return 1;
}

/* --ch "3", "03", "3 5", "03,05": the chapters to select. */
static void parse_chapters(const char *list, options *o)
{
    char *copy = xstrdup(list);
    for (char *t = strtok(copy, " ,\t"); t; t = strtok(NULL, " ,\t")) {
        int v;
        if (parse_int(t, 0, 99, &v))
            die("--ch wants chapter numbers like 2, 02 or \"2 5\", got '%s'", list);
        o->chs[v] = 1;
        o->any_ch = 1;
    }
    free(copy);
}

/* --ex "01-generators/countdown", "01/countdown", "1/countdown" or "countdown". */
static int ex_matches(const char *spec, const entry *e)
{
    const char *slash = strrchr(spec, '/');
    const char *name = slash ? slash + 1 : spec;
    if (strcmp(name, e->name) != 0) return 0;
    if (!slash) return 1;
    size_t n = (size_t)(slash - spec);
    if (strlen(e->chapter) == n && strncmp(spec, e->chapter, n) == 0) return 1;
    char num[8];
    if (n == 0 || n >= sizeof num) return 0;
    memcpy(num, spec, n);
    num[n] = '\0';
    int v;
    return parse_int(num, 0, 99, &v) == 0 && v == atoi(e->chapter);
}

static void print_bar(int done, int total)
{
    const int width = 20;
    int fill = total ? done * width / total : width;
    printf("%s[", col(C_BOLD));
    for (int i = 0; i < width; i++) fputc(i < fill ? '#' : '.', stdout);
    printf("] %d/%d exercises done%s\n", done, total, col(C_OFF));
}

static int cmd_exercises(int argc, char **argv)
{
    options o = {.cc = "cc", .cflags = "", .libs = "-lcunit", .root = ".", .tree = "exercises"};
    const char *ch = NULL, *ex = NULL, *mem = "1024", *procs = "64", *flood = "1024";
    int require_all = 0, no_leak_check = 0;
    for (int i = 0; i < argc; i++) {
        if (opt_val(argc, argv, &i, "--cc", &o.cc) || opt_val(argc, argv, &i, "--cflags", &o.cflags) ||
            opt_val(argc, argv, &i, "--libs", &o.libs) || opt_val(argc, argv, &i, "--root", &o.root) ||
            opt_val(argc, argv, &i, "--build", &o.build) || opt_val(argc, argv, &i, "--tree", &o.tree) ||
            opt_val(argc, argv, &i, "--manifest", &o.manifest) ||
            opt_val(argc, argv, &i, "--tally", &o.tally) || opt_val(argc, argv, &i, "--label", &o.label) ||
            opt_val(argc, argv, &i, "--grade", &o.grade_dir) ||
            opt_val(argc, argv, &i, "--expect", &o.expect) || opt_val(argc, argv, &i, "--ch", &ch) ||
            opt_val(argc, argv, &i, "--ex", &ex) || opt_val(argc, argv, &i, "--student", &o.student) ||
            opt_val(argc, argv, &i, "--memory", &mem) || opt_val(argc, argv, &i, "--procs", &procs) ||
            opt_val(argc, argv, &i, "--flood", &flood))
            continue;
        if (strcmp(argv[i], "--hints") == 0) { o.hints = 1; continue; }
        if (strcmp(argv[i], "--list") == 0) { o.list = 1; continue; }
        if (strcmp(argv[i], "--no-leak-check") == 0) { no_leak_check = 1; continue; }
        if (opt_val(argc, argv, &i, "--state", &o.state) || opt_val(argc, argv, &i, "--asan-libs", &o.asan_libs) ||
            opt_val(argc, argv, &i, "--pristine-stubs", &o.pristine_stubs))
            continue;
        if (strcmp(argv[i], "--require-all") == 0) { require_all = 1; continue; }
        fprintf(stderr, "%s exercises: unknown option '%s'\n", progname, argv[i]);
        usage();
    }
    if (strcmp(o.tree, "exercises") != 0 && strcmp(o.tree, "solutions") != 0)
        die("--tree must be exercises or solutions, not '%s'", o.tree);
    if (o.expect && strcmp(o.expect, "pass") != 0 && strcmp(o.expect, "fail") != 0)
        die("--expect must be pass or fail, not '%s'", o.expect);
    if (o.expect && o.grade_dir) die("--expect and --grade do not go together");
    if (ch && *ch) parse_chapters(ch, &o);
    if (o.student && !*o.student) o.student = NULL;
    int v;
    limits.on = 1;
    if (parse_int(mem, 0, 1 << 20, &v)) die("--memory wants MiB (0: no limit), got '%s'", mem);
    limits.mem_mb = v;
    if (parse_int(procs, 0, 1 << 20, &v)) die("--procs wants a number (0: no limit), got '%s'", procs);
    limits.procs = v;
    if (parse_int(flood, 0, 1 << 20, &v)) die("--flood wants KiB (0: no limit), got '%s'", flood);
    limits.flood_limit = (size_t)v * 1024;
    limits.asan = strstr(o.cflags, "-fsanitize=address") != NULL;
    char *manifest_path = o.manifest ? xstrdup(o.manifest) : path_join(o.root, "exercises/manifest.txt");
    char *build = NULL;
    if (!o.build) {
        sbuf b = {0};
        sb_printf(&b, "build/runner/%s", o.tree);
        build = sb_take(&b);
        o.build = build;
    }
    if (!o.label) o.label = "";

    manifest m = {0};
    manifest_load(manifest_path, &m);
    int *sel = xmalloc(sizeof *sel * (size_t)(m.n + 1)), nsel = 0;
    for (int i = 0; i < m.n; i++)
        if ((!o.any_ch || o.chs[atoi(m.v[i].chapter)]) && (!ex || ex_matches(ex, &m.v[i])))
            sel[nsel++] = i;

    if (nsel == 0 && ex && *ex) {
        fprintf(stderr, "%s: no exercise '%s' in %s (write CH/NAME, e.g. 01/countdown)\n", progname,
                ex, manifest_path);
        exit(2);
    }
    if (nsel == 0) {
        if (o.any_ch) {
            printf("No exercises for chapter");
            for (int c = 0, k = 0; c < 100; c++)
                if (o.chs[c]) printf("%s %02d", k++ ? "," : "", c);
            printf(" in %s.\n", manifest_path);
        }
        else if (!o.expect) printf("No exercises yet (%s lists none).\n", manifest_path);
        free(sel);
        manifest_free(&m);
        free(manifest_path);
        free(build);
        return 0;
    }

    mkdir_p(o.build);
    compile_check(&o);
    if (o.grade_dir) {
        mkdir_p(o.grade_dir);
        char *gt = path_join(o.grade_dir, "grade.txt");
        if (write_file(gt, "", 0) != 0) die("cannot write %s: %s", gt, strerror(errno));
        free(gt);
        write_junit(o.grade_dir, NULL, 0);
    }

    graded *g = xmalloc(sizeof *g * (size_t)nsel);
    int done = 0, unmet = 0, first_bad = -1, score = 0, max_score = 0, left_minutes = 0, nfresh = 0;
    size_t namew = 0;
    for (int k = 0; k < nsel; k++) {
        const entry *e = &m.v[sel[k]];
        size_t w = (o.list ? 0 : strlen(e->chapter) + 1) + strlen(e->name);
        if (w > namew) namew = w;
    }
    for (int k = 0; k < nsel; k++) {
        const entry *e = &m.v[sel[k]];
        g[k].e = e;
        result *r = &g[k].r;
        char full[512];
        snprintf(full, sizeof full, "%s/%s", e->chapter, e->name);
        run_exercise(&o, e, r);
        if (r->kind == O_PASS && !o.expect && !o.grade_dir && !limits.asan && !no_leak_check)
            leak_check(&o, e, r);
        int passed = r->kind == O_PASS;
        if (passed) done++;
        else if (first_bad < 0) first_bad = k;
        max_score += e->points;
        if (passed) score += e->points;

        if (o.expect) {
            int ok;
            const char *why = r->reason;
            char whybuf[600];
            if (o.expect[0] == 'p') {
                ok = passed;
            } else {
                ok = r->kind == O_FAIL;
                if (passed) why = "the stub passes its test (the test must fail on the stub)";
                else if (!ok) {
                    snprintf(whybuf, sizeof whybuf, "the stub must compile and fail cleanly, but: %s", r->reason);
                    why = whybuf;
                }
            }
            char label[700];
            snprintf(label, sizeof label, "%s%s", o.label, full);
            if (ok) printf("ok   %s\n", label);
            else {
                printf("FAIL %s: %s\n", label, why);
                if (!passed) print_details(stdout, r, "     ");
                unmet++;
            }
            tally(o.tally, ok, label);
        } else if (o.list) {
            if (k == 0 || strcmp(g[k - 1].e->chapter, e->chapter) != 0)
                printf("%s%s%s\n", col(C_BOLD), e->chapter, col(C_OFF));
            int fresh = !passed && untouched(&o, e);
            const char *st = passed ? "done" : fresh ? "not started" : "failing";
            if (!passed) {
                left_minutes += e->minutes;
                if (fresh) nfresh++;
            }
            char mins[32] = "";
            if (e->minutes) snprintf(mins, sizeof mins, "  ~%d min", e->minutes);
            printf("  %s%-11s%s  %-*s  %s%s%s%s\n", col(passed ? C_GREEN : fresh ? "" : C_RED), st, col(C_OFF),
                   (int)namew, e->name, e->title, col(C_DIM), mins, col(C_OFF));
        } else {
            const char *mark = passed ? "\xe2\x9c\x93" : "\xe2\x9c\x97"; /* ✓ ✗ */
            printf("  %s%s%s %-*s  %s%s%s\n", col(passed ? C_GREEN : C_RED), mark, col(C_OFF),
                   (int)namew, full, passed ? "" : col(C_DIM), passed ? e->title : r->reason,
                   passed ? "" : col(C_OFF));
        }
        if (o.grade_dir) {
            char *gt = path_join(o.grade_dir, "grade.txt");
            FILE *f = fopen(gt, "a");
            if (!f) die("cannot write %s: %s", gt, strerror(errno));
            fprintf(f, "%s %s %d/%d\n", full, passed ? "PASS" : "FAIL", passed ? e->points : 0, e->points);
            fclose(f);
            free(gt);
            write_junit(o.grade_dir, g, k + 1);
        }
        fflush(stdout);
    }

    if (o.grade_dir) {
        char *gt = path_join(o.grade_dir, "grade.txt");
        FILE *f = fopen(gt, "a");
        if (!f) die("cannot write %s: %s", gt, strerror(errno));
        printf("\n");
        for (int k = 0; k < nsel; k++) {
            if (k > 0 && strcmp(g[k - 1].e->chapter, g[k].e->chapter) == 0) continue;
            int cs = 0, cm = 0, cd = 0, cn = 0;
            for (int j = k; j < nsel && strcmp(g[j].e->chapter, g[k].e->chapter) == 0; j++) {
                cn++;
                cm += g[j].e->points;
                if (g[j].r.kind == O_PASS) { cd++; cs += g[j].e->points; }
            }
            fprintf(f, "chapter %s %d/%d points (%d/%d exercises)\n", g[k].e->chapter, cs, cm, cd, cn);
            printf("chapter %-22s %3d/%-3d points (%d/%d exercises)\n", g[k].e->chapter, cs, cm, cd, cn);
        }
        fprintf(f, "total %d/%d points (%d/%d exercises)\n", score, max_score, done, nsel);
        fclose(f);
        free(gt);
        printf("\nscore: %d/%d points (%d/%d exercises)\n", score, max_score, done, nsel);
    } else if (o.list) {
        printf("\n%d done, %d failing, %d not started", done, nsel - done - nfresh, nfresh);
        if (left_minutes) printf("; about %d h %02d min of work left (the manifest's estimates)", left_minutes / 60,
                                 left_minutes % 60);
        printf("\n");
        if (first_bad >= 0) {
            char full[512];
            snprintf(full, sizeof full, "%s/%s", g[first_bad].e->chapter, g[first_bad].e->name);
            set_current(o.state, full);
            printf("next: %s (make exercises EX=%s)\n", full, full);
        }
    } else if (!o.expect) {
        printf("\n");
        print_bar(done, nsel);
        if (first_bad < 0) {
            printf("\n%sAll %d exercises pass. Well done!%s\n", col(C_GREEN), nsel, col(C_OFF));
            /* The chapter is done only if all of it was selected (EX= picks one exercise). */
            int last = atoi(g[nsel - 1].e->chapter), in_ch = 0, sel_ch = 0;
            for (int i = 0; i < m.n; i++) in_ch += atoi(m.v[i].chapter) == last;
            for (int k = 0; k < nsel; k++) sel_ch += atoi(g[k].e->chapter) == last;
            char *next = sel_ch == in_ch ? chapter_after(o.root, last) : NULL;
            if (next) printf("Chapter %02d is done. Next: %s/README.md\n", last, next);
            else if (sel_ch == in_ch) printf("Chapter %02d is done, and it is the last one.\n", last);
            free(next);
        } else {
            const entry *e = g[first_bad].e;
            result *r = &g[first_bad].r;
            if (first_bad > 0 && strcmp(g[first_bad - 1].e->chapter, e->chapter) != 0) {
                int prev = atoi(g[first_bad - 1].e->chapter), ok = 1;
                for (int k = 0; k < first_bad; k++)
                    if (atoi(g[k].e->chapter) == prev && g[k].r.kind != O_PASS) ok = 0;
                char *dir = chapter_after(o.root, prev);
                if (ok && dir) printf("\n%sChapter %02d is done.%s On to %s/README.md\n", col(C_GREEN), prev, col(C_OFF), dir);
                free(dir);
            }
            char *san = r->kind == O_CRASH ? sanitizer_report(r->output ? r->output : "") : NULL;
            if (r->kind == O_CRASH && !limits.asan && !san) asan_rerun(&o, e, r);
            free(san);
            char *edit = edit_path(&o, e), *test = test_path(&o, e);
            printf("\n%sNext: %s/%s%s — %s\n", col(C_BOLD), e->chapter, e->name, col(C_OFF), e->title);
            printf("  edit:   %s\n", edit);
            printf("  test:   %s\n", test);
            printf("  status: %s%s%s\n", col(C_RED), r->reason, col(C_OFF));
            if (r->kind == O_FAIL) {
                printf("  failing check%s:\n", r->nfails == 1 ? "" : "s");
                print_details(stdout, r, "    ");
            } else if (r->kind == O_NOCOMPILE) {
                printf("  compiler says:\n");
                print_details(stdout, r, "    ");
            } else {
                print_details(stdout, r, "    ");
            }
            char full[512];
            snprintf(full, sizeof full, "%s/%s", e->chapter, e->name);
            set_current(o.state, full);
            int seen = hints_shown(o.state, full);
            int nh = o.hints ? e->nhints : seen > 0 ? seen : (e->nhints > 0 ? 1 : 0);
            if (nh > e->nhints) nh = e->nhints;
            for (int h = 0; h < nh; h++)
                printf("  %shint %d/%d:%s %s\n", col(C_YELLOW), h + 1, e->nhints, col(C_OFF), e->hints[h]);
            if (nh < e->nhints)
                printf("  (%d more hint%s, one at a time: make hint)\n", e->nhints - nh,
                       e->nhints - nh == 1 ? "" : "s");
            free(edit);
            free(test);
        }
    }

    for (int k = 0; k < nsel; k++) result_free(&g[k].r);
    free(g);
    free(sel);
    manifest_free(&m);
    free(manifest_path);
    free(build);
    if (o.expect && unmet) return 1;
    return require_all && done < nsel ? 1 : 0;
}

/* ---- the hint sub-command --------------------------------------------------------- */

/* runner hint [--manifest F] [--state DIR] [--ex CH/NAME]: the next hint of
 * the exercise (default: the one `runner exercises` showed last), remembered
 * in DIR/hints, so each call shows one more. */
static int cmd_hint(int argc, char **argv)
{
    const char *manifest_path = "exercises/manifest.txt", *state = "build/state", *ex = NULL;
    for (int i = 0; i < argc; i++) {
        if (opt_val(argc, argv, &i, "--manifest", &manifest_path) || opt_val(argc, argv, &i, "--state", &state) ||
            opt_val(argc, argv, &i, "--ex", &ex))
            continue;
        fprintf(stderr, "%s hint: unknown argument '%s'\n", progname, argv[i]);
        usage();
    }
    char *cur = NULL;
    if (!ex || !*ex) {
        char *path = path_join(state, "current");
        cur = read_file(path, NULL);
        free(path);
        if (cur) cur[strcspn(cur, "\n")] = '\0';
        if (!cur || !*cur) {
            printf("Which exercise? Run `make exercises` first (it remembers the one you are on), "
                   "or name it: make hint EX=CH/NAME\n");
            free(cur);
            return 0;
        }
        ex = cur;
    }
    manifest m = {0};
    manifest_load(manifest_path, &m);
    const entry *e = NULL;
    for (int i = 0; i < m.n && !e; i++)
        if (ex_matches(ex, &m.v[i])) e = &m.v[i];
    if (!e) {
        fprintf(stderr, "%s: no exercise '%s' in %s (write CH/NAME, e.g. 01/countdown)\n", progname, ex,
                manifest_path);
        exit(2);
    }
    char full[512];
    snprintf(full, sizeof full, "%s/%s", e->chapter, e->name);
    if (e->nhints == 0) {
        printf("%s has no hints: its header (%s.h) and test are the place to look.\n", full, e->name);
    } else {
        int seen = hints_shown(state, full);
        if (seen < 1) seen = 1; /* `make exercises` shows the first one anyway */
        int fresh = seen < e->nhints;
        if (fresh) seen++;
        if (seen > e->nhints) seen = e->nhints;
        set_hints_shown(state, full, seen);
        printf("%s%s%s — %s\n", col(C_BOLD), full, col(C_OFF), e->title);
        for (int h = 0; h < seen; h++)
            printf("  %shint %d/%d:%s %s\n", h == seen - 1 ? col(C_YELLOW) : col(C_DIM), h + 1, e->nhints,
                   col(C_OFF), e->hints[h]);
        if (!fresh) printf("  (that was the last hint: the rest is yours. The test's failing check says what is still wrong.)\n");
        else if (seen < e->nhints) printf("  (%d more: make hint)\n", e->nhints - seen);
    }
    manifest_free(&m);
    free(cur);
    return 0;
}

/* ---- the autograding sub-command ------------------------------------------------ */

/* JSON string body (no quotes) of s. */
static void json_escape(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
}

/*
 * runner autograding [--manifest F] [--ch LIST] json|workflow
 * Prints, from the manifest, GitHub Classroom's .github/classroom/autograding.json
 * (one test per exercise: `tools/check.sh CH/NAME`, which exits 1 when the
 * exercise fails, where `make check` exits 2; its points, a timeout in
 * minutes) or a CI workflow that grades the same chapters.  `make autograding`
 * writes both; `make test` checks that they match the manifest.
 */
static int cmd_autograding(int argc, char **argv)
{
    options o = {.root = "."};
    const char *ch = NULL, *what = NULL;
    for (int i = 0; i < argc; i++) {
        if (opt_val(argc, argv, &i, "--manifest", &o.manifest) || opt_val(argc, argv, &i, "--ch", &ch))
            continue;
        if (!what && (strcmp(argv[i], "json") == 0 || strcmp(argv[i], "workflow") == 0)) {
            what = argv[i];
            continue;
        }
        fprintf(stderr, "%s autograding: unknown argument '%s'\n", progname, argv[i]);
        usage();
    }
    if (!what) usage();
    if (ch && *ch) parse_chapters(ch, &o);
    manifest m = {0};
    manifest_load(o.manifest ? o.manifest : "exercises/manifest.txt", &m);
    int total = 0, n = 0;
    char chapters[100] = {0};
    for (int i = 0; i < m.n; i++) {
        int c = atoi(m.v[i].chapter);
        if (o.any_ch && !o.chs[c]) continue;
        chapters[c] = 1;
        total += m.v[i].points;
        n++;
    }
    if (what[0] == 'j') {
        printf("{\n  \"tests\": [");
        int k = 0;
        for (int i = 0; i < m.n; i++) {
            const entry *e = &m.v[i];
            if (o.any_ch && !o.chs[atoi(e->chapter)]) continue;
            printf("%s\n    {\n      \"name\": \"", k ? "," : "");
            json_escape(stdout, e->chapter);
            printf("/");
            json_escape(stdout, e->name);
            printf("\",\n      \"setup\": \"%s\",\n", k ? "" : "sudo apt-get update -qq && sudo apt-get install -y -qq libcunit1-dev");
            printf("      \"run\": \"tools/check.sh ");
            json_escape(stdout, e->chapter);
            printf("/");
            json_escape(stdout, e->name);
            /* Classroom's timeout is in minutes; the first test builds the library too. */
            int minutes = (e->timeout + 59) / 60 + (k ? 2 : 5);
            printf("\",\n      \"input\": \"\",\n      \"output\": \"\",\n      \"comparison\": \"included\",\n"
                   "      \"timeout\": %d,\n      \"points\": %d\n    }", minutes, e->points);
            k++;
        }
        printf("\n  ]\n}\n");
    } else {
        printf("# Generated from exercises/manifest.txt by `make autograding` (do not edit:\n"
               "# `make test` checks that it matches the manifest).  It grades %d exercises,\n"
               "# %d points, on every push; build/grade (junit.xml, grade.txt) is kept as an artifact.\n",
               n, total);
        printf("name: grade\non:\n  push:\n  workflow_dispatch:\njobs:\n  grade:\n    runs-on: ubuntu-latest\n"
               "    timeout-minutes: 30\n    env:\n      CHAPTERS: \"");
        for (int c = 0, k = 0; c < 100; c++)
            if (chapters[c]) printf("%s%02d", k++ ? " " : "", c);
        printf("\"\n    steps:\n      - uses: actions/checkout@v4\n"
               "      - run: sudo apt-get update && sudo apt-get install -y libcunit1-dev\n"
               "      - name: grade (skipped in the instructor edition, whose stubs are meant to fail)\n"
               "        run: |\n"
               "          if [ -d solutions ]; then echo 'solutions/ is here: the instructor edition, nothing to grade'; exit 0; fi\n"
               "          make grade CH=\"$CHAPTERS\" REQUIRE_ALL=1\n"
               "      - if: always()\n        uses: actions/upload-artifact@v4\n"
               "        with:\n          name: grade\n          path: build/grade\n          if-no-files-found: ignore\n");
        printf("# The exercises and their points:\n");
        for (int i = 0; i < m.n; i++) {
            const entry *e = &m.v[i];
            if (o.any_ch && !o.chs[atoi(e->chapter)]) continue;
            printf("#   %s/%s %d\n", e->chapter, e->name, e->points);
        }
    }
    manifest_free(&m);
    return 0;
}

/* ---- the run sub-command ------------------------------------------------------ */

static int cmd_run(int argc, char **argv)
{
    const char *timeout = "60", *tallyf = NULL, *label = NULL;
    int i = 0;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { i++; break; }
        if (opt_val(argc, argv, &i, "--timeout", &timeout) || opt_val(argc, argv, &i, "--tally", &tallyf) ||
            opt_val(argc, argv, &i, "--label", &label))
            continue;
        if (argv[i][0] == '-') {
            fprintf(stderr, "%s run: unknown option '%s'\n", progname, argv[i]);
            usage();
        }
        break;
    }
    if (i >= argc) {
        fprintf(stderr, "%s run: no program given\n", progname);
        usage();
    }
    int t;
    if (parse_int(timeout, 1, 86400, &t)) die("--timeout wants seconds, got '%s'", timeout);
    char **prog = argv + i;
    if (!label) {
        const char *s = strrchr(prog[0], '/');
        label = s ? s + 1 : prog[0];
    }
    result r;
    if (strchr(prog[0], '/') && !file_exists(prog[0])) {
        memset(&r, 0, sizeof r);
        r.kind = O_MISSING;
        sbuf b = {0};
        sb_printf(&b, "not built (no %s)", prog[0]);
        r.reason = sb_take(&b);
    } else {
        run_test_program(prog, t, &r);
    }
    int ok = r.kind == O_PASS;
    if (ok) printf("ok   %s\n", label);
    else {
        printf("FAIL %s: %s\n", label, r.reason);
        print_details(stdout, &r, "     ");
    }
    tally(tallyf, ok, label);
    result_free(&r);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0]) {
        const char *s = strrchr(argv[0], '/');
        progname = s ? s + 1 : argv[0];
    }
    use_color = isatty(1) && getenv("NO_COLOR") == NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) usage();
    if (strcmp(argv[1], "exercises") == 0) {
        int rc = cmd_exercises(argc - 2, argv + 2);
        if (getenv("RUNNER_REPORT_RSS")) { /* for tools/runner-tests: memory stays bounded */
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            fprintf(stderr, "runner maxrss: %ld KiB\n", (long)ru.ru_maxrss);
        }
        return rc;
    }
    if (strcmp(argv[1], "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "autograding") == 0) return cmd_autograding(argc - 2, argv + 2);
    if (strcmp(argv[1], "hint") == 0) return cmd_hint(argc - 2, argv + 2);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) usage();
    fprintf(stderr, "%s: unknown command '%s'\n", progname, argv[1]);
    usage();
    return 2;
}
