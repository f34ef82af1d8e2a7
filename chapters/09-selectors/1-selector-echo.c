/*
 * 1-selector-echo.c - the notes' selector echo server, callback by callback.
 *
 *     sel = selectors.DefaultSelector()
 *
 *     def accept(sock, mask):
 *         conn, addr = sock.accept()  # Should be ready
 *         print('accepted', conn, 'from', addr)
 *         conn.setblocking(False)
 *         sel.register(conn, selectors.EVENT_READ, read)
 *
 *     def read(conn, mask):
 *         data = conn.recv(1000)  # Should be ready
 *         if data:
 *             print('echoing', repr(data), 'to', conn)
 *             conn.send(data)  # Hope it won't block
 *         else:
 *             print('closing', conn)
 *             sel.unregister(conn)
 *             conn.close()
 *
 *     def loop():
 *         while True:
 *             events = sel.select()
 *             for key, mask in events:
 *                 callback = key.data
 *                 callback(key.fileobj, mask)
 *
 * The notes' program runs forever on port 1234. This one binds port 0 (the
 * kernel picks a free port), starts a client thread that talks on two
 * connections, and stops when the client writes a byte to a pipe whose
 * read end is registered with the callback `stop`. 1-selector-echo.py is
 * the same program in Python; after 1-selector-echo.sed (fd numbers and
 * ports vary) both print the same lines.
 *
 * Like the notes, the server's state is global: the selector and the
 * `running` flag. Chapter 10 moves them into a loop object.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "selector.h"

/* ---- what a key's data points at ---------------------------------------
 * Python stores the function itself as the key's data. ISO C does not let
 * a function pointer travel through a void *, so the data points at a small
 * struct holding it: `callback = key.data` becomes `callback *cb = key->data`. */
typedef void callback_fn(int fd, int mask); /* callback(key.fileobj, mask) */
typedef struct callback {
    callback_fn *fn;
} callback;

static asy_selector *sel; /* sel = selectors.DefaultSelector() */
static bool running = true;

static void die(const char *what, asy_exc *e)
{
    fprintf(stderr, "%s: %s\n", what, ASY_EXC_STR(e));
    exit(1);
}

/* ---- print() the way Python does ------------------------------------- */

/* repr(sock): <socket.socket fd=8, family=2, type=1, proto=0, laddr=..., raddr=...> */
static const char *sock_repr(int fd, char *buf, size_t size)
{
    struct sockaddr_in l, r;
    socklen_t ll = sizeof l, rl = sizeof r;
    getsockname(fd, (struct sockaddr *)&l, &ll);
    getpeername(fd, (struct sockaddr *)&r, &rl);
    char lip[INET_ADDRSTRLEN], rip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &l.sin_addr, lip, sizeof lip);
    inet_ntop(AF_INET, &r.sin_addr, rip, sizeof rip);
    snprintf(buf, size,
             "<socket.socket fd=%d, family=%d, type=%d, proto=0, laddr=('%s', %d), raddr=('%s', %d)>",
             fd, AF_INET, SOCK_STREAM, lip, ntohs(l.sin_port), rip, ntohs(r.sin_port));
    return buf;
}

/* repr(data) for bytes: b'...', with Python's escapes. */
static const char *bytes_repr(const char *data, size_t n, char *buf, size_t size)
{
    char quote = memchr(data, '\'', n) && !memchr(data, '"', n) ? '"' : '\'';
    size_t k = (size_t)snprintf(buf, size, "b%c", quote);
    for (size_t i = 0; i < n && k + 5 < size; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\\' || c == (unsigned char)quote)
            k += (size_t)snprintf(buf + k, size - k, "\\%c", c);
        else if (c == '\n' || c == '\r' || c == '\t')
            k += (size_t)snprintf(buf + k, size - k, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        else if (c < 32 || c >= 127)
            k += (size_t)snprintf(buf + k, size - k, "\\x%02x", c);
        else
            buf[k++] = (char)c;
    }
    snprintf(buf + k, size - k, "%c", quote);
    return buf;
}

/* ---- the callbacks ------------------------------------------------------ */

static void read_conn(int conn, int mask);
static callback read_cb = {read_conn};

/* def accept(sock, mask) */
static void accept_conn(int sock, int mask)
{
    (void)mask;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int conn = accept(sock, (struct sockaddr *)&addr, &len); /* Should be ready */
    if (conn < 0) {
        perror("accept");
        return;
    }
    char ip[INET_ADDRSTRLEN], r[200];
    inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
    printf("accepted %s from ('%s', %d)\n", sock_repr(conn, r, sizeof r), ip, ntohs(addr.sin_port));
    fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_NONBLOCK); /* conn.setblocking(False) */
    asy_exc *e = asy_selector_register(sel, conn, ASY_EVENT_READ, &read_cb);
    if (e)
        die("register", e);
}
static callback accept_cb = {accept_conn};

/* def read(conn, mask) */
static void read_conn(int conn, int mask)
{
    (void)mask;
    char data[1000], r[200], b[4 * sizeof data + 4];
    ssize_t n = recv(conn, data, sizeof data, 0); /* Should be ready */
    if (n > 0) {
        printf("echoing %s to %s\n", bytes_repr(data, (size_t)n, b, sizeof b),
               sock_repr(conn, r, sizeof r));
        send(conn, data, (size_t)n, 0); /* Hope it won't block */
    } else {
        printf("closing %s\n", sock_repr(conn, r, sizeof r));
        asy_exc *e = asy_selector_unregister(sel, conn); /* before close(), see selector.h */
        if (e)
            die("unregister", e);
        close(conn);
    }
}

/* The demo's own callback: the client is done, leave the loop. */
static void stop(int fd, int mask)
{
    (void)mask;
    char c;
    if (read(fd, &c, 1) != 1)
        perror("read");
    asy_exc *e = asy_selector_unregister(sel, fd);
    if (e)
        die("unregister", e);
    running = false;
}
static callback stop_cb = {stop};

/* ---- the event loop ------------------------------------------------------ */

/* def loop() */
static void loop(void)
{
    asy_selector_event events[16];
    while (running) { /* the notes: while True */
        int n;
        /* events = sel.select(), with 5 s as the limit: a lost client
         * fails the demo instead of hanging it. */
        asy_exc *e = asy_selector_select(sel, 5.0, events, 16, &n);
        if (e)
            die("select", e);
        if (n == 0) {
            fprintf(stderr, "nothing happened for 5 s\n");
            exit(1);
        }
        for (int i = 0; i < n; i++) {                 /* for key, mask in events: */
            const asy_selector_key *key = events[i].key;
            callback *cb = key->data;                 /*     callback = key.data */
            cb->fn(key->fd, events[i].events);        /*     callback(key.fileobj, mask) */
        }
    }
}

/* ---- the demo's client (a thread): one message at a time, each echo
 * awaited, so the server's lines come out in the same order on every run. */

static int stop_w; /* the write end of the stop pipe */

static void fail(const char *what)
{
    fprintf(stderr, "client: %s\n", what);
    exit(1);
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {5, 0}; /* timeout=5, as in the Python twin */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        fail("connect failed");
    return fd;
}

static void say(int fd, const char *msg)
{
    size_t n = strlen(msg);
    char buf[100];
    if (send(fd, msg, n, 0) != (ssize_t)n || recv(fd, buf, sizeof buf, 0) != (ssize_t)n ||
        memcmp(buf, msg, n) != 0)
        fail("no echo");
}

static void hang_up(int fd)
{
    char c;
    shutdown(fd, SHUT_WR);   /* the server reads EOF ... */
    if (recv(fd, &c, 1, 0) != 0) /* ... and closes its end: 'closing' is printed */
        fail("the server did not close");
    close(fd);
}

static void *client(void *arg)
{
    int port = *(int *)arg;
    int a = connect_to(port);
    say(a, "hello");
    int b = connect_to(port); /* a stays open */
    say(b, "hi from the second connection");
    say(a, "still there?");
    say(b, "bye");
    hang_up(a);
    hang_up(b);
    if (write(stop_w, "x", 1) != 1)
        fail("write to the stop pipe");
    return NULL;
}

/* ---- main ------------------------------------------------------------------ */

int main(void)
{
    asy_exc *e = asy_selector_new(NULL, &sel); /* NULL: epoll, Python's DefaultSelector */
    if (e)
        die("selector", e);

    /* sock = socket.socket(); sock.bind(('localhost', 0)); sock.listen(100);
     * sock.setblocking(False); sel.register(sock, selectors.EVENT_READ, accept) */
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(sock, (struct sockaddr *)&a, sizeof a) < 0 || listen(sock, 100) < 0 ||
        getsockname(sock, (struct sockaddr *)&a, &len) < 0) {
        perror("listen");
        return 1;
    }
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
    if ((e = asy_selector_register(sel, sock, ASY_EVENT_READ, &accept_cb)))
        die("register", e);

    int stop_pipe[2];
    if (pipe(stop_pipe) < 0) {
        perror("pipe");
        return 1;
    }
    stop_w = stop_pipe[1];
    if ((e = asy_selector_register(sel, stop_pipe[0], ASY_EVENT_READ, &stop_cb)))
        die("register", e);

    int port = ntohs(a.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, client, &port);
    loop();
    pthread_join(t, NULL);

    asy_selector_unregister(sel, sock);
    close(sock);
    asy_selector_free(sel);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    return 0;
}
