/*
 * scenario.h - what demos 1 and 2 of chapter 05 share: a clock, a log, a
 * listening socket on loopback, and the two clients A and B.
 *
 * Both demos play the same scene against a different server:
 *
 *   t = 0    A connects, sends "hello from A", gets its echo, and then
 *            keeps the connection open (it is "thinking");
 *            B connects, sends "hello from B" and waits for its echo;
 *   t = 1 s  (one second after B has sent) A closes its connection.
 *
 * The question each demo answers: when does B get its echo?
 *
 * Output has to be the same on every run, on a loaded machine too. Three
 * rules make it so:
 *   - a thread logs what it is about to do BEFORE doing what wakes another
 *     thread (a client logs "sending" before connect(); the server logs
 *     "echoing" before send()), so every pair of lines is ordered by cause
 *     and effect, never by luck;
 *   - the only thing ordered by time alone is "t = 0" against "t = 1 s",
 *     a margin of a whole second;
 *   - times are printed truncated to 0.1 s ("[1.0 s]"), and the demo's .sed
 *     keeps only the whole seconds ("[1.x s]") when the transcript is compared.
 *
 * Plain POSIX sockets and threads; no library module is needed yet.
 */
#ifndef CH05_SCENARIO_H
#define CH05_SCENARIO_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- clock and log ------------------------------------------------------- */

static struct timespec scene_t0;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double scene_time(void)
{
    return now_s() - ((double)scene_t0.tv_sec + (double)scene_t0.tv_nsec / 1e9);
}

/* Seconds truncated (not rounded) to tenths: 0.96 s prints as 0.9, so an
 * event of "second 0" can never show up as "1.0". */
static void fmt_tenths(char *buf, size_t size, double s)
{
    long tenths = (long)(s * 10.0);
    snprintf(buf, size, "%ld.%ld", tenths / 10, tenths % 10);
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* One line "[t s] who:  message", written whole and flushed at once, so the
 * lines of several threads never mix. */
static void say(const char *who, const char *fmt, ...)
{
    char t[32], label[32];
    va_list ap;
    pthread_mutex_lock(&log_lock);
    fmt_tenths(t, sizeof t, scene_time());
    snprintf(label, sizeof label, "%s:", who);
    printf("[%s s] %-8s", t, label);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* ---- the listening socket ------------------------------------------------ */

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks (port 0),
 * so two runs never fight over a port. Returns the fd; *port gets the port. */
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
    addr.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind");
    /* The backlog: how many finished handshakes the kernel keeps for us
     * while we are not calling accept(). B waits in there in demo 1. */
    if (listen(fd, 16) < 0)
        die("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        die("getsockname");
    *port = ntohs(addr.sin_port);
    return fd;
}

/* send() until every byte is out: a blocking send may still write less
 * than asked (a signal, a huge buffer), so the loop is the correct idiom. */
static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- the clients ---------------------------------------------------------- */

typedef struct client {
    const char *name;   /* "A" or "B" */
    int port;
    int hold;           /* A: keep the connection open until told to close */
    sem_t sent;         /* posted once the request is on its way */
    sem_t echoed;       /* posted once the echo is back */
    sem_t may_close;    /* A waits for this before closing */
    double waited;      /* seconds from send to echo */
} client;

static void client_init(client *c, const char *name, int port, int hold)
{
    c->name = name;
    c->port = port;
    c->hold = hold;
    c->waited = 0;
    sem_init(&c->sent, 0, 0);
    sem_init(&c->echoed, 0, 0);
    sem_init(&c->may_close, 0, 0);
}

static void client_destroy(client *c)
{
    sem_destroy(&c->sent);
    sem_destroy(&c->echoed);
    sem_destroy(&c->may_close);
}

/* One client: connect, send "hello from X", wait for the echo (a blocking
 * recv: this thread sleeps in the kernel until bytes arrive), maybe hold
 * the connection, close. */
static void *client_main(void *arg)
{
    client *c = arg;
    char msg[64], reply[64];
    struct sockaddr_in addr;
    size_t got = 0, len;
    double sent_at;
    int fd;

    snprintf(msg, sizeof msg, "hello from %s", c->name);
    len = strlen(msg);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)c->port);

    say(c->name, "connects and sends \"%s\"", msg);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    /* connect() returns once the kernel has done the handshake, whether or
     * not the server program has called accept() yet. */
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("connect");
    sent_at = now_s();
    if (send_all(fd, msg, len) < 0)
        die("send");
    sem_post(&c->sent);

    while (got < len) {        /* the echo may arrive in pieces */
        ssize_t n = recv(fd, reply + got, len - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("recv");
        got += (size_t)n;
    }
    reply[got] = '\0';
    c->waited = now_s() - sent_at;
    {
        char w[32];
        fmt_tenths(w, sizeof w, c->waited);
        say(c->name, "got \"%s\" back, %s s after sending", reply, w);
    }
    sem_post(&c->echoed);

    if (c->hold) {
        sem_wait(&c->may_close);
        say(c->name, "closes its connection");
    }
    close(fd);
    return NULL;
}

/*
 * The scene, played against whatever server is already listening on port:
 * A sends and gets its echo; then B sends; one second after B has sent,
 * A closes. Returns how long B waited for its echo.
 */
static double play_scene(int port)
{
    client a, b;
    pthread_t ta, tb;
    const struct timespec one_second = {1, 0};
    double waited;

    client_init(&a, "A", port, 1);
    client_init(&b, "B", port, 0);

    pthread_create(&ta, NULL, client_main, &a);
    sem_wait(&a.echoed);            /* the scene is "A first" */

    pthread_create(&tb, NULL, client_main, &b);
    sem_wait(&b.sent);
    nanosleep(&one_second, NULL);   /* A keeps "thinking" for 1 s */
    sem_post(&a.may_close);

    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    waited = b.waited;
    client_destroy(&a);
    client_destroy(&b);
    return waited;
}

/* Start the scene's clock: every "[t s]" is relative to this moment. */
static void scene_start(void)
{
    clock_gettime(CLOCK_MONOTONIC, &scene_t0);
}

#endif /* CH05_SCENARIO_H */
