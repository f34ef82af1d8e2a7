/*
 * 1-sigio-echo.c - a signal-driven echo server (信号驱动式IO).
 * Chapter: 08
 *
 * Every socket is put in signal-driven mode with three fcntl() calls:
 *   F_SETOWN  getpid()  - which process the kernel signals,
 *   F_SETSIG  SIGRTMIN  - which signal: a real-time one, so signals queue
 *                         (one per event) and carry the descriptor in si_fd,
 *   O_ASYNC             - switch the notification on.
 * When a socket becomes ready (a connection to accept, data to read, end of
 * stream) the kernel interrupts the program with SIGRTMIN.  The signal only
 * says "ready": the program still copies the bytes itself with recv().
 *
 * The handler does the only safe thing: it writes a small note (fd, band)
 * into a self-pipe, with write(), which is async-signal-safe.  The main loop
 * reads notes and does the real work: accept(), recv(), send(), printf().
 * If the real-time signal queue overflows, Linux sends plain SIGIO instead
 * (no si_fd); the handler turns that into a "rescan everything" note.
 *
 * The client is the thread in echo-script.h; the server serves its two
 * connections and stops.
 */
#define _GNU_SOURCE /* F_SETSIG, accept4 */
#include <fcntl.h>

#include "echo-script.h"

enum { MAX_CONNS = 8, EXPECTED_CONNS = 2 };

struct conn {
    int fd; /* -1: slot free */
    int id; /* 1, 2, ... in accept order */
};

struct note {
    int fd;   /* the ready descriptor, or -1: rescan everything */
    long band; /* si_band: POLLIN, POLLOUT, ... as the kernel saw it */
};

static int self_pipe[2];
static volatile sig_atomic_t signals_seen;
static volatile sig_atomic_t rescan; /* set when a note could not be written */

static struct conn conns[MAX_CONNS];
static int listener;
static int accepted, open_conns, echoed;

/* The signal handler.  Only async-signal-safe work: write() a note; errno
   is saved because write() may change it under the interrupted code. */
static void on_io_signal(int sig, siginfo_t *si, void *ucontext)
{
    (void)ucontext;
    int saved_errno = errno;
    struct note n = { -1, 0 };
    if (sig != SIGIO) { n.fd = si->si_fd; n.band = si->si_band; }
    signals_seen++;
    if (write(self_pipe[1], &n, sizeof n) != (ssize_t)sizeof n) rescan = 1;
    errno = saved_errno;
}

static void install_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_io_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGRTMIN, &sa, NULL) < 0 || sigaction(SIGIO, &sa, NULL) < 0) die("sigaction");
}

/* Put fd in signal-driven, non-blocking mode. */
static void arm_signal_driven(int fd)
{
    if (fcntl(fd, F_SETOWN, getpid()) < 0) die("F_SETOWN");
    if (fcntl(fd, F_SETSIG, SIGRTMIN) < 0) die("F_SETSIG");
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_ASYNC | O_NONBLOCK) < 0) die("O_ASYNC");
}

static void send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w < 0) die("send (a demo this small never fills the socket buffer)");
        buf += w;
        n -= (size_t)w;
    }
}

/* The listening socket is readable: accept until EAGAIN. */
static void serve_listener(void)
{
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            die("accept4");
        }
        struct conn *c = NULL;
        for (int i = 0; i < MAX_CONNS && !c; i++)
            if (conns[i].fd < 0) c = &conns[i];
        if (!c) die("too many connections for this demo");
        c->fd = fd;
        c->id = ++accepted;
        open_conns++;
        /* Arm BEFORE greeting: the client sends only after the greeting,
           so its data cannot arrive before O_ASYNC is on (else no signal). */
        arm_signal_driven(fd);
        printf("server: signal for the listening socket -> accept() gives conn %d; greet it\n", c->id);
        char hello[32];
        int n = snprintf(hello, sizeof hello, "welcome, conn %d\n", c->id);
        send_all(fd, hello, (size_t)n);
    }
}

/* A connection is ready: drain it with non-blocking recv() until EAGAIN. */
static void serve_conn(struct conn *c)
{
    char buf[256];
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r > 0) {
            printf("server: signal for conn %d -> recv() copies \"%.*s\" -> send() it back\n",
                   c->id, (int)r, buf);
            send_all(c->fd, buf, (size_t)r);
            echoed++;
        } else if (r == 0) {
            printf("server: signal for conn %d -> recv() returns 0, end of stream -> close()\n", c->id);
            close(c->fd);
            c->fd = -1;
            open_conns--;
            return;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return; /* nothing (more) to read: a spurious or an old signal */
        } else {
            die("recv");
        }
    }
}

static struct conn *find_conn(int fd)
{
    for (int i = 0; i < MAX_CONNS; i++)
        if (conns[i].fd == fd) return &conns[i];
    return NULL; /* already closed: a note that arrived late */
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < MAX_CONNS; i++) conns[i].fd = -1;
    if (pipe2(self_pipe, O_CLOEXEC) < 0) die("pipe2");
    /* The handler must never block: a full pipe means "rescan" instead. */
    if (fcntl(self_pipe[1], F_SETFL, O_NONBLOCK) < 0) die("fcntl");
    install_handler();

    int port;
    listener = listen_loopback(&port);
    arm_signal_driven(listener);
    printf("server: listening on 127.0.0.1 port %d; signal-driven (O_ASYNC, F_SETOWN, F_SETSIG=SIGRTMIN)\n",
           port);
    pthread_t client = start_client(&port);

    /* The main loop: sleep until the handler leaves a note, then do the
       work the note asks for.  A busier program would do its own work here
       and look at the pipe now and then; the signal interrupts it anyway. */
    while (accepted < EXPECTED_CONNS || open_conns > 0) {
        struct note n;
        ssize_t r = read(self_pipe[0], &n, sizeof n);
        if (r < 0 && errno == EINTR) continue;
        if (r != (ssize_t)sizeof n) die("read self-pipe");
        if (n.fd < 0 || rescan) { /* queue overflow: we do not know who */
            rescan = 0;
            serve_listener();
            for (int i = 0; i < MAX_CONNS; i++)
                if (conns[i].fd >= 0) serve_conn(&conns[i]);
        } else if (n.fd == listener) {
            serve_listener();
        } else {
            struct conn *c = find_conn(n.fd);
            if (c) serve_conn(c);
        }
    }

    pthread_join(client, NULL);
    printf("server: %d connections served, %d messages echoed, %d signals received\n",
           accepted, echoed, (int)signals_seen);
    /* Ignore further signals before closing the pipe the handler writes to. */
    signal(SIGRTMIN, SIG_IGN);
    signal(SIGIO, SIG_IGN);
    close(listener);
    close(self_pipe[0]);
    close(self_pipe[1]);
    return 0;
}
