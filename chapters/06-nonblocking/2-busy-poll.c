/*
 * Chapter 06, demo 2: the busy-polling server, and what it costs.
 *
 * One thread, every socket non-blocking, and a loop that asks each socket
 * in turn "is there anything for me?": accept() on the listening socket,
 * recv() on every connection. Nothing blocks, so one silent client cannot
 * hold up another (chapter 05's demo 1 could not do that). But the loop
 * never sleeps either: when nobody says anything it asks again, and again,
 * millions of times a second.
 *
 * The demo measures that. First, for contrast, a thread blocked in recv()
 * on a silent connection for 1 s (chapter 05's way). Then the busy-polling
 * server with two connected, silent clients for 1 s. For each it compares
 * the CPU time the process used (CLOCK_PROCESS_CPUTIME_ID; the clients and
 * main are asleep, so it is the server's) with the wall time.
 *
 * Numbers vary; the .sed replaces them by N in the compared transcript.
 * The verdicts ("asleep", "busy") come from generous thresholds and do not
 * vary: a blocked thread uses some microseconds of CPU in that second
 * (well under 0.5% of a core), a polling one all the CPU it is given: 100%
 * of a core on a quiet machine, and still several percent on a machine so
 * loaded that it gets a small slice of a core (busy means over 1%).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 8
#define IDLE_SECONDS 1

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        die("fcntl");
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* One whole line per call, flushed, so threads never mix their lines. */
static void say(const char *who, const char *fmt, ...)
{
    char label[32];
    va_list ap;
    pthread_mutex_lock(&log_lock);
    snprintf(label, sizeof label, "%s:", who);
    printf("%-8s", label);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the busy-polling server ---------------------------------------------- */

/* One connection and the echo it still owes. Output that send() did not
 * take stays here (out_off..out_len) and goes out on a later turn: this is
 * how a non-blocking server handles a partial write without waiting. */
typedef struct conn {
    int fd;
    int id;
    char out[4096];
    size_t out_off, out_len;
} conn;

typedef struct server {
    int listen_fd;
    conn conns[MAX_CONNS];
    int nconns, served;
    atomic_long asks;    /* accept()/recv() calls: "anything for me?" */
    atomic_long not_yet; /* ... answered with EAGAIN */
    atomic_int stop;     /* set by main: stop once every client has left */
    sem_t hung_up;       /* posted when a client's hang-up has been seen */
} server;

static void try_accept(server *s)
{
    int fd;
    atomic_fetch_add(&s->asks, 1);
    fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            atomic_fetch_add(&s->not_yet, 1); /* nobody is knocking */
        return;
    }
    if (s->nconns == MAX_CONNS) {
        close(fd);
        return;
    }
    set_nonblocking(fd); /* an accepted socket does not inherit O_NONBLOCK */
    s->conns[s->nconns] = (conn){.fd = fd, .id = ++s->served};
    say("server", "accepted client #%d", s->served);
    s->nconns++;
}

/* One turn for one connection. Returns 0 when it is finished with. */
static int serve_turn(server *s, conn *c)
{
    ssize_t n;
    if (c->out_len > 0) { /* an echo is still owed: push what fits */
        n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        c->out_off += (size_t)n;          /* maybe only part of it */
        if (c->out_off == c->out_len)
            c->out_off = c->out_len = 0;
        return 1;
    }
    atomic_fetch_add(&s->asks, 1);
    n = recv(c->fd, c->out, sizeof c->out, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            atomic_fetch_add(&s->not_yet, 1); /* "is there data yet?" "no." */
            return 1;
        }
        return 0;
    }
    if (n == 0) {
        say("server", "client #%d hung up", c->id);
        sem_post(&s->hung_up);
        return 0;
    }
    say("server", "echoes \"%.*s\" to client #%d", (int)n, c->out, c->id);
    c->out_len = (size_t)n; /* sent on the next turn */
    return 1;
}

static void *server_main(void *arg)
{
    server *s = arg;
    /* The loop. It never waits: every pass asks every socket once. */
    while (!(atomic_load(&s->stop) && s->nconns == 0)) {
        try_accept(s);
        for (int i = 0; i < s->nconns; i++) {
            if (!serve_turn(s, &s->conns[i])) {
                close(s->conns[i].fd);
                s->conns[i] = s->conns[--s->nconns];
                i--; /* the last connection moved into slot i */
            }
        }
    }
    say("server", "stops after %d clients", s->served);
    return NULL;
}

/* ---- the clients (ordinary blocking sockets) ------------------------------ */

static int listen_loopback(int *port)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        die("bind/listen");
    *port = ntohs(addr.sin_port);
    return fd;
}

/* Connect, send "hello from NAME", wait for the whole echo. Returns the fd,
 * still connected. */
static int client_hello(const char *name, int port, const char *note)
{
    struct sockaddr_in addr;
    char msg[64], reply[64];
    size_t len, got = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        die("socket");
    snprintf(msg, sizeof msg, "hello from %s", name);
    len = strlen(msg);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)port);
    say(name, "connects and sends \"%s\"", msg);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("connect");
    if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
        die("send");
    while (got < len) {
        ssize_t n = recv(fd, reply + got, len - got, 0);
        if (n <= 0)
            die("recv");
        got += (size_t)n;
    }
    reply[got] = '\0';
    say(name, "got \"%s\" back%s", reply, note);
    return fd;
}

/* ---- measuring -------------------------------------------------------------- */

typedef struct sample {
    double wall, cpu, user, sys;
} sample;

static sample take_sample(void)
{
    struct rusage ru;
    sample s;
    getrusage(RUSAGE_SELF, &ru);
    s.wall = clock_s(CLOCK_MONOTONIC);
    s.cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    s.user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    s.sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    return s;
}

static void report(sample a, sample b, const char *busy_words, const char *idle_words)
{
    double wall = b.wall - a.wall, cpu = b.cpu - a.cpu;
    double share = cpu / wall;
    printf("  %.1f s wall, %.2f s CPU (user %.2f s, system %.2f s): %.0f%% of a core\n",
           wall, cpu, b.user - a.user, b.sys - a.sys, 100.0 * share);
    printf("  verdict: %s\n", share > 0.01 ? busy_words : share < 0.005 ? idle_words : "in between?");
}

/* Chapter 05's way, for contrast: a thread sleeps in recv() until data comes. */
static void *blocked_reader(void *arg)
{
    char c;
    ssize_t n = recv(*(int *)arg, &c, 1, 0);
    return (void *)(long)n;
}

static void measure_blocking(void)
{
    int sv[2];
    pthread_t t;
    sample a, b;
    const struct timespec idle = {IDLE_SECONDS, 0};

    printf("For contrast, chapter 05's way: a thread blocked in recv() on a silent\n"
           "connection, for %d s.\n", IDLE_SECONDS);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        die("socketpair");
    pthread_create(&t, NULL, blocked_reader, &sv[1]);
    a = take_sample();
    nanosleep(&idle, NULL);
    b = take_sample();
    if (send(sv[0], "x", 1, MSG_NOSIGNAL) != 1) /* wake it up */
        die("send");
    pthread_join(t, NULL);
    close(sv[0]);
    close(sv[1]);
    report(a, b, "busy?", "asleep in the kernel, costing nothing while it waits");
}

int main(void)
{
    static server s; /* zeroed: no conns, counters 0, stop 0 */
    pthread_t t;
    int port, a_fd, b_fd;
    long asks0, asks1, no0, no1;
    sample a, b;
    const struct timespec idle = {IDLE_SECONDS, 0};

    measure_blocking();

    printf("\nThe busy-polling server: one thread, every socket non-blocking.\n");
    s.listen_fd = listen_loopback(&port);
    set_nonblocking(s.listen_fd);
    sem_init(&s.hung_up, 0, 0);
    say("server", "listening on 127.0.0.1:%d", port);
    pthread_create(&t, NULL, server_main, &s);

    a_fd = client_hello("A", port, "");
    b_fd = client_hello("B", port, ", while A is still connected");

    say("A, B", "stay connected and say nothing for %d s", IDLE_SECONDS);
    asks0 = atomic_load(&s.asks);
    no0 = atomic_load(&s.not_yet);
    a = take_sample();
    nanosleep(&idle, NULL);
    b = take_sample();
    asks1 = atomic_load(&s.asks);
    no1 = atomic_load(&s.not_yet);

    /* One at a time, so the server's lines come in the same order on every
     * run (it might otherwise see B's hang-up first on its next pass). */
    say("A", "closes its connection");
    close(a_fd);
    sem_wait(&s.hung_up);
    say("B", "closes its connection");
    close(b_fd);
    sem_wait(&s.hung_up);
    atomic_store(&s.stop, 1);
    pthread_join(t, NULL);
    close(s.listen_fd);
    sem_destroy(&s.hung_up);

    printf("\nWhile its two clients were silent, the busy-polling server used\n");
    report(a, b, "busy: all the CPU it got went into asking \"is there data yet?\"",
           "asleep?");
    printf("  it asked %ld times (accept + recv); %ld answers were EAGAIN, \"not yet\"\n",
           asks1 - asks0, no1 - no0);
    return 0;
}
