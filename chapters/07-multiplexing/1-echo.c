/*
 * 1-echo.c - the notes' selector echo server, once per backend named on
 * the command line (1-echo.args: select poll epoll).
 *
 *     sel = selectors.DefaultSelector()
 *     def accept(sock, mask):
 *         conn, addr = sock.accept()
 *         print('accepted', conn, 'from', addr)
 *         conn.setblocking(False)
 *         sel.register(conn, selectors.EVENT_READ, read)
 *     def read(conn, mask):
 *         data = conn.recv(1000)
 *         if data:
 *             print('echoing', repr(data), 'to', conn)
 *             conn.send(data)
 *         else:
 *             print('closing', conn)
 *             sel.unregister(conn)
 *             conn.close()
 *     ...
 *     while True:
 *         for key, mask in sel.select():
 *             callback = key.data
 *             callback(key.fileobj, mask)
 *
 * One thread runs the server: one selector, one loop, no blocking call
 * except the wait. A client thread in the same process opens two
 * connections and talks on both in turn while both stay open, which a
 * one-connection-at-a-time server (chapter 05) could not serve. Everything
 * is on 127.0.0.1 with a port the kernel picks (port 0).
 *
 * The transcript is the same for the three backends: that is the point of
 * the interface. Lines print in causal order: the server prints before it
 * sends, a client prints after it receives, and both share one stdout.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "selector.h"

/* ---- the server: callbacks stored as the keys' data -------------------- */

typedef struct server server;
typedef struct handler handler;
/* callback(key.fileobj, mask) */
typedef void callback(server *srv, handler *h, int fd, int mask);

/* What a key's data points at: the callback, and which connection this is.
 * (C cannot store a function pointer in a void *, so the key holds a
 * pointer to this struct instead.) */
struct handler {
    callback *cb;
    int conn_id; /* 0 for the listening socket */
};

struct server {
    asy_selector *sel;
    handler acceptor;
    int accepted, closed;
};

static void die_exc(const char *what, asy_exc *e)
{
    fprintf(stderr, "%s: %s\n", what, ASY_EXC_STR(e));
    exit(1);
}

static void on_read(server *srv, handler *h, int fd, int mask);

/* def accept(sock, mask) */
static void on_accept(server *srv, handler *h, int fd, int mask)
{
    (void)h;
    (void)mask;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int conn = accept(fd, (struct sockaddr *)&addr, &len); /* Should be ready */
    if (conn < 0) {
        perror("accept");
        return;
    }
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
    handler *ch = malloc(sizeof *ch);
    if (ch == NULL)
        asy_out_of_memory("a connection handler");
    ch->cb = on_read;
    ch->conn_id = ++srv->accepted;
    printf("accepted connection %d from ('%s', %d)\n", ch->conn_id, ip, ntohs(addr.sin_port));
    fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_NONBLOCK); /* conn.setblocking(False) */
    asy_exc *e = asy_selector_register(srv->sel, conn, ASY_EVENT_READ, ch);
    if (e)
        die_exc("register", e);
}

/* def read(conn, mask) */
static void on_read(server *srv, handler *h, int fd, int mask)
{
    (void)mask;
    char data[1000];
    ssize_t n = recv(fd, data, sizeof data, 0); /* Should be ready */
    if (n > 0) {
        printf("echoing '%.*s' to connection %d\n", (int)n, data, h->conn_id);
        fflush(stdout);
        send(fd, data, (size_t)n, 0); /* Hope it won't block */
    } else {
        printf("closing connection %d\n", h->conn_id);
        fflush(stdout);
        asy_exc *e = asy_selector_unregister(srv->sel, fd); /* before close() */
        if (e)
            die_exc("unregister", e);
        close(fd);
        free(h);
        srv->closed++;
    }
}

/* The loop of the notes, stopping once `nconns` connections have closed
 * (the notes' loop runs forever; a demo has to end). */
static int serve(server *srv, int nconns)
{
    asy_selector_event ready[16];
    while (srv->closed < nconns) {
        int n;
        asy_exc *e = asy_selector_select(srv->sel, 5.0, ready, 16, &n);
        if (e)
            die_exc("select", e);
        if (n == 0) {
            fprintf(stderr, "server: nothing happened for 5 s, giving up\n");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            handler *h = ready[i].key->data; /* callback = key.data */
            h->cb(srv, h, ready[i].key->fd, ready[i].events);
        }
    }
    return 0;
}

/* ---- the client thread: two connections, talking in turn ------------- */

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {5, 0}; /* a server that never answers fails the demo, not hangs it */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

static void say(int fd, const char *who, const char *msg)
{
    send(fd, msg, strlen(msg), 0);
    char buf[100];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
        fprintf(stderr, "client %s: no echo\n", who);
        exit(1);
    }
    printf("client %s got '%.*s'\n", who, (int)n, buf);
    fflush(stdout);
}

/* Half-close, then wait for the server's close: its "closing" line is
 * printed before this returns, so the order of the closes is fixed. */
static void hang_up(int fd, const char *who)
{
    shutdown(fd, SHUT_WR);
    char c;
    ssize_t n = recv(fd, &c, 1, 0);
    printf("client %s: server closed (recv returned %zd)\n", who, n);
    fflush(stdout);
    close(fd);
}

static void *client(void *arg)
{
    int port = *(int *)arg;
    int a = connect_to(port);
    say(a, "A", "hello from A");
    int b = connect_to(port); /* A stays open */
    say(b, "B", "hello from B");
    say(a, "A", "A again");
    say(b, "B", "B again");
    hang_up(a, "A");
    hang_up(b, "B");
    return NULL;
}

/* ---- main ------------------------------------------------------------ */

static int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static int run(const asy_selector_backend *backend)
{
    server srv = {.acceptor = {on_accept, 0}};
    asy_exc *e = asy_selector_new(backend, &srv.sel);
    if (e)
        die_exc("selector", e);
    printf("--- backend: %s ---\n", asy_selector_name(srv.sel));

    /* sock.bind(('localhost', 0)); sock.listen(100); sock.setblocking(False) */
    int lsock = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(lsock, (struct sockaddr *)&a, sizeof a) < 0 || listen(lsock, 100) < 0 ||
        getsockname(lsock, (struct sockaddr *)&a, &len) < 0) {
        perror("listen");
        return 1;
    }
    int port = ntohs(a.sin_port);
    printf("listening on ('127.0.0.1', %d)\n", port);
    /* sel.register(sock, selectors.EVENT_READ, accept) */
    e = asy_selector_register(srv.sel, lsock, ASY_EVENT_READ, &srv.acceptor);
    if (e)
        die_exc("register", e);

    pthread_t th;
    pthread_create(&th, NULL, client, &port);
    int rc = serve(&srv, 2);
    pthread_join(th, NULL);

    asy_selector_unregister(srv.sel, lsock);
    close(lsock);
    printf("server: %d connections served, %zu fds still registered\n", srv.closed,
           asy_selector_count(srv.sel));
    asy_selector_free(srv.sel);
    return rc;
}

int main(int argc, char **argv)
{
    const char *dflt[] = {"argv0", "epoll"};
    if (argc < 2) { /* no arguments: the default backend */
        argc = 2;
        argv = (char **)dflt;
    }
    int fds = count_open_fds();
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const asy_selector_backend *b = asy_selector_backend_named(argv[i]);
        if (b == NULL) {
            fprintf(stderr, "usage: %s [select|poll|epoll]...\n", argv[0]);
            return 2;
        }
        rc = run(b);
    }
    printf("open descriptors: %s as at the start\n", count_open_fds() == fds ? "the same" : "NOT the same");
    return rc;
}
