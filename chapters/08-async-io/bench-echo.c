/*
 * bench-echo.c - readiness (epoll, SIGIO) against completion (io_uring,
 * POSIX AIO) on one echo workload over loopback.
 * Chapter: 08
 *
 * The workload: N client threads (in a separate, forked process), each with
 * its own TCP connection, each sending M messages of S bytes and waiting for
 * each echo before sending the next (ping-pong).  The server is one thread
 * and serves all N connections with one of four backends:
 *
 *   epoll     epoll_wait(), then recv() + send() per ready connection
 *   sigio     O_ASYNC + F_SETSIG real-time signals, taken with sigwaitinfo()
 *   io_uring  recv/send requests; one io_uring_enter() submits and reaps
 *   aio       POSIX AIO: aio_read()/aio_write(), aio_suspend(), aio_error()
 *
 * Measured: messages per second (wall time from the moment all N clients are
 * accepted to the moment all have closed), and the server's system calls
 * per message, counted by the server itself around each call (SYS() below).
 * POSIX AIO is counted as "-": glibc runs each request on a helper thread
 * that makes the blocking calls, out of our sight; `strace -f -c` sees them
 * (the chapter README quotes one such run).
 *
 *   bench-echo                           the two workloads the README quotes:
 *                                        1 x 20000 and 50 x 1000, 64 bytes, 5 runs
 *   bench-echo N M S [ROUNDS]            all backends on one workload
 *   bench-echo --serve KIND N M S        one server; prints "port P" first
 *   bench-echo --clients PORT N M S      only the clients
 * The last two exist so that `strace -f -c` can watch the server alone.
 * The full bench pins itself to one CPU (see pin_to_one_cpu()).
 */
#define _GNU_SOURCE /* F_SETSIG, F_SETOWN_EX, accept4, gettid, aio_init */
#include <aio.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_N = 1000, MAX_S = 4096 };

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* Every system call the server's loop makes goes through SYS(), which counts it. */
static unsigned long n_sys;
#define SYS(call) (n_sys++, (call))

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) die("fcntl");
}

/* ---- clients ------------------------------------------------------------- */

struct workload { int n, m, s, port; };
static pthread_barrier_t go;

static void *client(void *arg)
{
    const struct workload *w = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)w->port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("client connect");
    nodelay(fd);
    char buf[MAX_S];
    memset(buf, 'x', sizeof buf);
    pthread_barrier_wait(&go); /* everyone connected: start together */
    for (int i = 0; i < w->m; i++) {
        if (send(fd, buf, (size_t)w->s, 0) != w->s) die("client send");
        for (int got = 0; got < w->s;) {
            ssize_t r = recv(fd, buf + got, (size_t)(w->s - got), 0);
            if (r <= 0) die("client recv");
            got += (int)r;
        }
    }
    close(fd);
    return NULL;
}

static void run_clients(struct workload w)
{
    static pthread_t t[MAX_N];
    pthread_barrier_init(&go, NULL, (unsigned)w.n);
    for (int i = 0; i < w.n; i++)
        if (pthread_create(&t[i], NULL, client, &w) != 0) die("pthread_create");
    for (int i = 0; i < w.n; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
}

/* ---- server state shared by the backends --------------------------------- */

struct conn {
    int fd;             /* -1 once closed */
    char buf[MAX_S];
    struct aiocb cb;    /* aio backend only */
    int writing;        /* aio/io_uring: 1 while the echo is in flight */
};

static struct conn conns[MAX_N];
static int n_conns, n_open;
static long long bytes_echoed;

static void conn_closed(struct conn *c)
{
    close(c->fd);
    c->fd = -1;
    n_open--;
}

/* ---- epoll --------------------------------------------------------------- */

static void serve_epoll(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < n_conns; i++) {
        set_nonblocking(conns[i].fd);
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0) die("epoll_ctl");
    }
    struct epoll_event evs[64];
    while (n_open > 0) {
        int n = SYS(epoll_wait(ep, evs, 64, -1));
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int k = 0; k < n; k++) {
            struct conn *c = &conns[evs[k].data.u32];
            ssize_t r = SYS(recv(c->fd, c->buf, sizeof c->buf, 0));
            if (r > 0) {
                /* Ping-pong messages of <= 4 KiB never fill a socket buffer. */
                if (SYS(send(c->fd, c->buf, (size_t)r, MSG_NOSIGNAL)) != r) die("send");
                bytes_echoed += r;
            } else if (r == 0) {
                conn_closed(c); /* close() also removes it from the epoll set */
            } else if (errno != EAGAIN) {
                die("recv");
            }
        }
    }
    close(ep);
}

/* ---- signal-driven --------------------------------------------------------- */

/* Serve one connection.  Every arrival of data queues its own signal, so
   one recv() per signal suffices unless it filled the whole buffer (then
   more may wait behind it, already signalled).  A surplus signal costs one
   recv() that fails with EAGAIN. */
static void sigio_serve_conn(struct conn *c)
{
    for (;;) {
        ssize_t r = SYS(recv(c->fd, c->buf, sizeof c->buf, 0));
        if (r > 0) {
            if (SYS(send(c->fd, c->buf, (size_t)r, MSG_NOSIGNAL)) != r) die("send");
            bytes_echoed += r;
            if ((size_t)r < sizeof c->buf) return;
        } else if (r == 0) {
            conn_closed(c);
            return;
        } else if (errno == EAGAIN) {
            return;
        } else {
            die("recv");
        }
    }
}

static void serve_sigio(void)
{
    /* The signals stay blocked: sigwaitinfo() takes them from the queue, with
       no handler, no interrupted code and no self-pipe.  F_SETOWN_EX names
       this thread, so no other thread (glibc's AIO helpers) is ever chosen. */
    int sig = SIGRTMIN + 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigaddset(&set, SIGIO); /* sent instead when the real-time queue overflows */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct f_owner_ex owner = { F_OWNER_TID, gettid() };
    int by_fd[MAX_N + 64];
    for (int i = 0; i < n_conns; i++) {
        int fd = conns[i].fd;
        if (fd >= MAX_N + 64) die("descriptor too large for this bench");
        by_fd[fd] = i;
        if (fcntl(fd, F_SETOWN_EX, &owner) < 0 || fcntl(fd, F_SETSIG, sig) < 0) die("fcntl");
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_ASYNC | O_NONBLOCK) < 0) die("O_ASYNC");
    }
    /* Data may have arrived before O_ASYNC was on: serve everyone once. */
    for (int i = 0; i < n_conns; i++) sigio_serve_conn(&conns[i]);
    while (n_open > 0) {
        siginfo_t si;
        int got = SYS(sigwaitinfo(&set, &si));
        if (got < 0) {
            if (errno == EINTR) continue;
            die("sigwaitinfo");
        }
        if (got == SIGIO) { /* overflow: we do not know who, ask everyone */
            for (int i = 0; i < n_conns; i++)
                if (conns[i].fd >= 0) sigio_serve_conn(&conns[i]);
            continue;
        }
        if (si.si_fd < 0 || si.si_fd >= MAX_N + 64) continue;
        struct conn *c = &conns[by_fd[si.si_fd]];
        if (c->fd == si.si_fd) sigio_serve_conn(c); /* else: closed already, a late signal */
    }
    /* Signals queued for connections that are closed by now would kill us
       once unblocked (the default action): take them off the queue first. */
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&set, NULL, &zero) > 0) continue;
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- io_uring ------------------------------------------------------------ */

static void uring_arm(struct io_uring *ring, int i, int writing, size_t len)
{
    struct conn *c = &conns[i];
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    if (!sqe) die("submission queue full");
    if (writing) io_uring_prep_send(sqe, c->fd, c->buf, len, MSG_NOSIGNAL);
    else io_uring_prep_recv(sqe, c->fd, c->buf, sizeof c->buf, 0);
    c->writing = writing;
    io_uring_sqe_set_data64(sqe, (uint64_t)i);
}

static void serve_uring(struct io_uring *ring)
{
    for (int i = 0; i < n_conns; i++) uring_arm(ring, i, 0, 0);
    while (n_open > 0) {
        int e = SYS(io_uring_submit_and_wait(ring, 1)); /* submit + wait: one io_uring_enter() */
        if (e < 0 && e != -EINTR) { errno = -e; die("io_uring_enter"); }
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(ring, head, cqe) { /* reaping is a memory read, no call */
            int i = (int)io_uring_cqe_get_data64(cqe), res = cqe->res;
            struct conn *c = &conns[i];
            seen++;
            if (res < 0) { errno = -res; die(c->writing ? "uring send" : "uring recv"); }
            if (c->writing) {
                uring_arm(ring, i, 0, 0);
            } else if (res > 0) {
                bytes_echoed += res;
                uring_arm(ring, i, 1, (size_t)res);
            } else {
                conn_closed(c);
            }
        }
        io_uring_cq_advance(ring, seen);
    }
}

/* ---- POSIX AIO ----------------------------------------------------------- */

static void aio_arm(struct conn *c, int writing, size_t len)
{
    memset(&c->cb, 0, sizeof c->cb);
    c->cb.aio_fildes = c->fd;
    c->cb.aio_buf = c->buf;
    c->cb.aio_nbytes = writing ? len : sizeof c->buf;
    c->cb.aio_sigevent.sigev_notify = SIGEV_NONE;
    c->writing = writing;
    if ((writing ? aio_write(&c->cb) : aio_read(&c->cb)) < 0) die("aio_read/aio_write");
}

static void serve_aio(void)
{
    /* glibc serves each request on a helper thread; a read on an idle
       socket holds its thread until data comes, so we need one per client. */
    struct aioinit init = { .aio_threads = n_conns + 4, .aio_num = n_conns + 4, .aio_idle_time = 1 };
    aio_init(&init);
    static const struct aiocb *list[MAX_N];
    for (int i = 0; i < n_conns; i++) aio_arm(&conns[i], 0, 0);
    while (n_open > 0) {
        int n = 0;
        for (int i = 0; i < n_conns; i++)
            if (conns[i].fd >= 0) list[n++] = &conns[i].cb;
        if (aio_suspend(list, n, NULL) < 0 && errno != EINTR) die("aio_suspend");
        for (int i = 0; i < n_conns; i++) { /* which finished? ask each: O(N) */
            struct conn *c = &conns[i];
            if (c->fd < 0 || aio_error(&c->cb) == EINPROGRESS) continue;
            ssize_t res = aio_return(&c->cb);
            if (res < 0) die(c->writing ? "aio_write" : "aio_read");
            if (c->writing) {
                aio_arm(c, 0, 0);
            } else if (res > 0) {
                bytes_echoed += res;
                aio_arm(c, 1, (size_t)res);
            } else {
                conn_closed(c);
            }
        }
    }
}

/* ---- one measured run ---------------------------------------------------- */

static const char *const kinds[] = { "epoll", "sigio", "io_uring", "aio" };
enum { N_KINDS = 4 };

struct result { double msgs_per_s; double sys_per_msg; /* < 0: not counted */ };

static int uring_ok(char *why, size_t n)
{
    struct io_uring ring;
    int e = io_uring_queue_init(8, &ring, 0);
    if (e < 0) {
        const char *name = strerrorname_np(-e);
        snprintf(why, n, "%s", name ? name : strerror(-e));
        return 0;
    }
    io_uring_queue_exit(&ring);
    return 1;
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, MAX_N) < 0) die("bind/listen");
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) die("getsockname");
    *port = ntohs(a.sin_port);
    return fd;
}

/* Accept N, serve them with KIND until all have closed, return the numbers. */
static struct result serve(int kind, int lfd, struct workload w)
{
    n_conns = n_open = 0;
    bytes_echoed = 0;
    for (int i = 0; i < w.n; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) die("accept");
        nodelay(fd);
        conns[n_conns].fd = fd;
        conns[n_conns].writing = 0;
        n_conns++;
        n_open++;
    }
    struct io_uring ring;
    if (kind == 2) {
        int e = io_uring_queue_init(2 * MAX_N, &ring, 0);
        if (e < 0) { errno = -e; die("io_uring_queue_init"); }
    }
    n_sys = 0;
    double t0 = now();
    switch (kind) {
    case 0: serve_epoll(); break;
    case 1: serve_sigio(); break;
    case 2: serve_uring(&ring); break;
    default: serve_aio(); break;
    }
    double dt = now() - t0;
    if (kind == 2) io_uring_queue_exit(&ring);
    double msgs = (double)bytes_echoed / w.s;
    if ((long long)msgs != (long long)w.n * w.m) fprintf(stderr, "warning: %.0f messages echoed\n", msgs);
    struct result r = { msgs / dt, kind == 3 ? -1.0 : (double)n_sys / msgs };
    return r;
}

static struct result run_once(int kind, struct workload w)
{
    int lfd = listen_loopback(&w.port);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(lfd);
        run_clients(w);
        _exit(0);
    }
    struct result r = serve(kind, lfd, w);
    close(lfd);
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) die("clients failed");
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Run every backend ROUNDS times on W (interleaved, so that drift in the
   machine hits all alike) and print the medians. */
static void table(struct workload w, int rounds, int have_uring)
{
    printf("echo over loopback: %d client%s x %d messages of %d bytes, ping-pong; median of %d runs\n",
           w.n, w.n == 1 ? "" : "s", w.m, w.s, rounds);
    double rate[N_KINDS][15], sys[N_KINDS][15];
    for (int round = 0; round < rounds; round++)
        for (int k = 0; k < N_KINDS; k++) {
            if (k == 2 && !have_uring) continue;
            struct result r = run_once(k, w);
            rate[k][round] = r.msgs_per_s;
            sys[k][round] = r.sys_per_msg;
        }
    printf("%-10s %11s %19s %18s %9s\n", "backend", "messages/s", "(min - max)", "syscalls/message", "vs epoll");
    double base = 0;
    for (int k = 0; k < N_KINDS; k++) {
        if (k == 2 && !have_uring) continue;
        qsort(rate[k], (size_t)rounds, sizeof(double), cmp_double);
        qsort(sys[k], (size_t)rounds, sizeof(double), cmp_double);
        double mr = rate[k][rounds / 2], ms = sys[k][rounds / 2];
        if (k == 0) base = mr;
        char sysbuf[32];
        if (ms < 0) snprintf(sysbuf, sizeof sysbuf, "-");
        else snprintf(sysbuf, sizeof sysbuf, "%.2f", ms);
        char range[32];
        snprintf(range, sizeof range, "(%.0f - %.0f)", rate[k][0], rate[k][rounds - 1]);
        printf("%-10s %11.0f %19s %18s %8.2fx\n", kinds[k], mr, range, sysbuf, mr / base);
    }
}

/* Put this process (and so its forked clients and all threads) on one CPU.
   Client and server then take turns on it, and what is measured is the CPU
   cost per message.  Spread over two CPUs of a virtual machine, the same
   run varied by 3x from one try to the next (cross-CPU wake-ups). */
static void pin_to_one_cpu(void)
{
    if (getenv("BENCH_NO_PIN")) {
        printf("not pinned (BENCH_NO_PIN): expect large run-to-run variation\n");
        return;
    }
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) < 0) return;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set)) continue;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) == 0)
            printf("server and clients pinned to CPU %d (BENCH_NO_PIN=1 to spread them)\n", cpu);
        return;
    }
}

static int kind_of(const char *name)
{
    for (int k = 0; k < N_KINDS; k++)
        if (strcmp(name, kinds[k]) == 0) return k;
    fprintf(stderr, "unknown backend '%s' (epoll, sigio, io_uring, aio)\n", name);
    exit(2);
}

static struct workload parse(char **argv, int at, int argc)
{
    struct workload w = { 50, 2000, 64, 0 };
    if (argc > at) w.n = atoi(argv[at]);
    if (argc > at + 1) w.m = atoi(argv[at + 1]);
    if (argc > at + 2) w.s = atoi(argv[at + 2]);
    if (w.n < 1 || w.n > MAX_N || w.m < 1 || w.s < 1 || w.s > MAX_S) {
        fprintf(stderr, "N in 1..%d, M >= 1, S in 1..%d\n", MAX_N, MAX_S);
        exit(2);
    }
    return w;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 3 && strcmp(argv[1], "--serve") == 0) {
        int kind = kind_of(argv[2]);
        struct workload w = parse(argv, 3, argc);
        int lfd = listen_loopback(&w.port);
        printf("port %d\n", w.port);
        fflush(stdout);
        struct result r = serve(kind, lfd, w);
        close(lfd);
        if (r.sys_per_msg < 0) printf("%s: %.0f messages/s, syscalls not counted\n", kinds[kind], r.msgs_per_s);
        else printf("%s: %.0f messages/s, %.2f syscalls/message\n", kinds[kind], r.msgs_per_s, r.sys_per_msg);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "--clients") == 0) {
        struct workload w = parse(argv, 3, argc);
        w.port = atoi(argv[2]);
        run_clients(w);
        return 0;
    }
    struct workload w = parse(argv, 1, argc);
    int rounds = argc > 4 ? atoi(argv[4]) : 5;
    if (rounds < 1 || rounds > 15) rounds = 5;
    char why[64];
    int have_uring = uring_ok(why, sizeof why);
    if (!have_uring) printf("io_uring is not available here (%s): its row is skipped\n", why);
    pin_to_one_cpu();
    printf("\n");
    if (argc > 1) {
        table(w, rounds, have_uring);
        return 0;
    }
    /* No arguments: the two workloads the chapter quotes.  One client can
       not batch anything; fifty clients let one wait return many events. */
    struct workload one = { 1, 20000, 64, 0 };
    table(one, rounds, have_uring);
    printf("\n");
    struct workload many = { 50, 1000, 64, 0 };
    table(many, rounds, have_uring);
    return 0;
}
