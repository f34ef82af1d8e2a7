/*
 * line_server.c - exercise 09/line_server, the reference solution.
 *
 * Two callbacks, as in the notes' echo server: on_accept (the listener's
 * key data) and on_read (each connection's key data). The difference is
 * the per-connection buffer: bytes wait there until their '\n' arrives.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ilist.h"
#include "line_server.h"

typedef struct conn {
    ls_handler handler; /* the key's data: {on_read, this conn} */
    asy_ilist link;     /* in the server's list of open connections */
    struct line_server *srv;
    int fd;
    char *buf; /* the unfinished line: len bytes, none of them '\n' */
    size_t len, cap;
} conn;

struct line_server {
    ls_handler handler; /* the listener's key data: {on_accept, this server} */
    asy_selector *sel;  /* borrowed */
    int listen_fd;      /* borrowed: the caller's */
    asy_ilist conns;
    int nconns;
};

static void on_read(int fd, int mask, void *arg);

static void print_exc(const char *what, asy_exc *e)
{
    fprintf(stderr, "line_server: %s: %s\n", what, ASY_EXC_STR(e));
    asy_decref(e);
}

/* Unregister (before close: see selector.h), close and free one connection. */
static void close_conn(conn *c)
{
    asy_exc *e = asy_selector_unregister(c->srv->sel, c->fd);
    if (e)
        print_exc("unregister", e);
    close(c->fd);
    asy_ilist_remove(&c->link);
    c->srv->nconns--;
    free(c->buf);
    free(c);
}

/* def accept(sock, mask) */
static void on_accept(int fd, int mask, void *arg)
{
    (void)mask;
    line_server *srv = arg;
    int cfd = accept(fd, NULL, NULL); /* Should be ready */
    if (cfd < 0)
        return; /* EAGAIN: another process took it; the loop asks again */
    fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL) | O_NONBLOCK);
    conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(cfd);
        return;
    }
    c->handler = (ls_handler){on_read, c};
    c->srv = srv;
    c->fd = cfd;
    asy_exc *e = asy_selector_register(srv->sel, cfd, ASY_EVENT_READ, &c->handler);
    if (e) {
        print_exc("register", e);
        close(cfd);
        free(c);
        return;
    }
    asy_ilist_push_back(&srv->conns, &c->link);
    srv->nconns++;
}

/* Append n bytes to the pending buffer, growing it by doubling. */
static int append(conn *c, const char *data, size_t n)
{
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap : 256;
        while (cap < c->len + n)
            cap *= 2;
        char *b = realloc(c->buf, cap);
        if (b == NULL)
            return -1;
        c->buf = b;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, data, n);
    c->len += n;
    return 0;
}

/* send() all of it. The replies are small and the socket's buffer large;
 * a reply that does not fit at once would need a write buffer and WRITE
 * interest (chapter 25's drain()). MSG_NOSIGNAL: a client that is gone
 * gives EPIPE, not a SIGPIPE that kills the server. */
static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Answer every complete line in the buffer; keep the unfinished rest. */
static int answer_lines(conn *c)
{
    size_t start = 0;
    char *nl;
    while ((nl = memchr(c->buf + start, '\n', c->len - start)) != NULL) {
        size_t end = (size_t)(nl - c->buf) + 1; /* the line is buf[start, end) */
        for (size_t i = start; i < end; i++)
            c->buf[i] = (char)toupper((unsigned char)c->buf[i]);
        if (send_all(c->fd, c->buf + start, end - start) < 0)
            return -1;
        start = end;
    }
    memmove(c->buf, c->buf + start, c->len - start);
    c->len -= start;
    return 0;
}

/* def read(conn, mask) */
static void on_read(int fd, int mask, void *arg)
{
    (void)mask;
    conn *c = arg;
    char data[4096];
    ssize_t n = recv(fd, data, sizeof data, 0); /* Should be ready */
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return; /* nothing after all: level-triggered, we will be called again */
    if (n <= 0 || append(c, data, (size_t)n) < 0 || answer_lines(c) < 0)
        close_conn(c); /* end of file, an error, or no memory */
}

asy_exc *line_server_start(asy_selector *sel, int listen_fd, line_server **out)
{
    *out = NULL;
    line_server *srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return asy_exc_new(&asy_OSError, "out of memory");
    srv->handler = (ls_handler){on_accept, srv};
    srv->sel = sel;
    srv->listen_fd = listen_fd;
    asy_ilist_init(&srv->conns);
    /* sel.register(sock, selectors.EVENT_READ, accept) */
    asy_exc *e = asy_selector_register(sel, listen_fd, ASY_EVENT_READ, &srv->handler);
    if (e) {
        free(srv);
        return e;
    }
    *out = srv;
    return NULL;
}

int line_server_connections(const line_server *srv) { return srv->nconns; }

void line_server_free(line_server *srv)
{
    if (srv == NULL)
        return;
    asy_ilist *n, *tmp;
    ASY_ILIST_FOREACH_SAFE(n, tmp, &srv->conns)
        close_conn(ASY_CONTAINER_OF(n, conn, link));
    asy_exc *e = asy_selector_unregister(srv->sel, srv->listen_fd);
    if (e)
        print_exc("unregister", e);
    free(srv);
}
