/*
 * line_server.c - exercise 09/line_server: a server that answers every
 * line with its upper-case version, built from callbacks on a selector.
 *
 * Read line_server.h first. The shape is the notes' echo server: one
 * callback for the listener (accept), one for each connection (read). The
 * new part is the buffer each connection keeps for its unfinished line.
 * Given: the two structs, close_conn, line_server_connections and
 * line_server_free. Yours: line_server_start, on_accept and on_read.
 * Run the tests with `make exercises CH=09`.
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
    asy_ilist conns;    /* the open connections (conn.link) */
    int nconns;
};

/* Given: unregister (before close: see selector.h), close and free one
 * connection. */
static void close_conn(conn *c)
{
    asy_exc *e = asy_selector_unregister(c->srv->sel, c->fd);
    if (e) {
        fprintf(stderr, "line_server: unregister: %s\n", ASY_EXC_STR(e));
        asy_decref(e);
    }
    close(c->fd);
    asy_ilist_remove(&c->link);
    c->srv->nconns--;
    free(c->buf);
    free(c);
}

/* def read(conn, mask): `arg` is the conn. */
static void on_read(int fd, int mask, void *arg)
{
    /* TODO 1: recv() up to a few KiB into a local array.
     *         n < 0 with errno EAGAIN, EWOULDBLOCK or EINTR: return (nothing
     *         there after all; level-triggered, you will be called again).
     *         n == 0 (end of file) or another error: close_conn(c), return.
     * TODO 2: append the n bytes to c->buf (grow it with realloc).
     * TODO 3: for every '\n' in c->buf (memchr): upper-case the line
     *         (toupper on each byte, '\n' included), send all of it
     *         (send(..., MSG_NOSIGNAL) until every byte is out; if send
     *         fails, close_conn(c) and return).
     * TODO 4: move the unfinished rest to the front of c->buf (memmove)
     *         and set c->len. */
    (void)fd;
    (void)mask;
    (void)arg;
}

/* def accept(sock, mask): `arg` is the server. */
static void on_accept(int fd, int mask, void *arg)
{
    /* TODO: accept(fd, NULL, NULL) (return if it fails); make the new
     *       socket non-blocking (fcntl O_NONBLOCK); calloc a conn with
     *       handler = {on_read, c}, srv and fd; register the fd for
     *       ASY_EVENT_READ with &c->handler as the key's data; link it in
     *       srv->conns (asy_ilist_push_back) and count it in srv->nconns. */
    (void)fd;
    (void)mask;
    (void)arg;
    (void)on_read; /* delete this line once on_accept registers on_read */
}

asy_exc *line_server_start(asy_selector *sel, int listen_fd, line_server **out)
{
    /* TODO: calloc a line_server: handler = {on_accept, srv}, sel,
     *       listen_fd, asy_ilist_init(&srv->conns). Register listen_fd for
     *       ASY_EVENT_READ with &srv->handler as the key's data, as the
     *       notes' sel.register(sock, selectors.EVENT_READ, accept). If
     *       that fails: free srv, *out = NULL, return the error. Else
     *       *out = srv and return NULL. */
    (void)sel;
    (void)listen_fd;
    (void)on_accept;
    *out = NULL;
    return asy_exc_new(&asy_NotImplementedError, "line_server_start is not written yet");
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
    if (e) {
        fprintf(stderr, "line_server: unregister: %s\n", ASY_EXC_STR(e));
        asy_decref(e);
    }
    free(srv);
}
