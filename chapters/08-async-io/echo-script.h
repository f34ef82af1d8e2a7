/*
 * echo-script.h - the workload shared by this chapter's two echo servers.
 * Chapter: 08
 *
 * Demo 1 (signal-driven) and demo 2 (completion-based) serve the very same
 * client, so their transcripts can be read side by side.  The client is a
 * thread of the demo process that uses plain blocking sockets; it talks to
 * the server on 127.0.0.1 at a port the kernel picks (bind to port 0).
 *
 * Why the transcript is deterministic although two threads print: every
 * line is printed BEFORE the action that lets the other side go on.  The
 * client prints "sends" before send(); the server prints after recv() and
 * before send(); the client prints "got" after its recv().  And the server
 * greets each new connection, so the client never sends before the server
 * has accepted (and armed) that connection.
 *
 * The server's protocol: on accept, send "welcome, conn N\n"; then echo
 * every byte back; when the client shuts down its sending half, close.
 */
#ifndef ECHO_SCRIPT_H
#define ECHO_SCRIPT_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* A listening TCP socket on 127.0.0.1, port chosen by the kernel; the port
   is stored in *port.  The caller owns the descriptor. */
static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (listen(fd, 16) < 0) die("listen");
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) die("getsockname");
    *port = ntohs(a.sin_port);
    return fd;
}

/* Read exactly n bytes (blocking); 0 on success, -1 on EOF or error. */
static int recv_exact(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

static int client_connect(int port, int conn)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("client socket");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    /* The greeting ends with '\n'; read it byte by byte (it is short). */
    char line[64];
    size_t n = 0;
    while (n < sizeof line - 1 && recv_exact(fd, line + n, 1) == 0 && line[n] != '\n') n++;
    line[n] = '\0';
    printf("client: conn %d connected; server says \"%s\"\n", conn, line);
    return fd;
}

static void client_roundtrip(int fd, int conn, const char *msg)
{
    size_t n = strlen(msg);
    char back[64];
    printf("client: conn %d sends \"%s\"\n", conn, msg);
    if (send(fd, msg, n, 0) != (ssize_t)n) die("client send");
    if (n >= sizeof back || recv_exact(fd, back, n) < 0) die("client recv");
    back[n] = '\0';
    printf("client: conn %d got \"%s\" back\n", conn, back);
}

/* Half-close, then wait until the server closes its side (recv returns 0). */
static void client_hangup(int fd, int conn)
{
    char c;
    printf("client: conn %d shuts down its sending half\n", conn);
    if (shutdown(fd, SHUT_WR) < 0) die("shutdown");
    if (recv(fd, &c, 1, 0) != 0) die("expected end of stream");
    printf("client: conn %d sees the server close\n", conn);
    close(fd);
}

/* The script: two connections, interleaved; five messages in all. */
static void *client_script(void *arg)
{
    int port = *(int *)arg;
    int c1 = client_connect(port, 1);
    client_roundtrip(c1, 1, "hello");
    client_roundtrip(c1, 1, "how are you?");
    int c2 = client_connect(port, 2);
    client_roundtrip(c2, 2, "world");
    client_roundtrip(c1, 1, "still here");
    client_hangup(c1, 1);
    client_roundtrip(c2, 2, "bye");
    client_hangup(c2, 2);
    return NULL;
}

/* Start the client thread with every signal blocked, so that signals meant
   for the server (SIGIO, SIGRTMIN) are never delivered to the client. */
static pthread_t start_client(int *port)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t t;
    int e = pthread_create(&t, NULL, client_script, port);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e != 0) { errno = e; die("pthread_create"); }
    return t;
}

#endif /* ECHO_SCRIPT_H */
