/*
 * test_poll_echo.c - exercise 07/poll_echo.
 *
 * poll_echo_serve runs in a child process (so a crash or a hang there is a
 * failed check here, not a dead test), on 127.0.0.1 with a port the kernel
 * picks. The clients live in this process; every recv has a time limit, so
 * a server that never answers makes the test fail, not hang.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "poll_echo.h"

#define EXIT_RETURNED_ERROR 3
#define EXIT_LEAKED_FDS 4

typedef struct {
    pid_t pid;
    int port;
} server_proc;

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Fork a child running poll_echo_serve(listener, nclients). */
static int start_server(server_proc *sp, int nclients)
{
    int lsock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (lsock < 0 || bind(lsock, (struct sockaddr *)&a, sizeof a) < 0 || listen(lsock, 64) < 0 ||
        getsockname(lsock, (struct sockaddr *)&a, &len) < 0)
        return -1;
    fcntl(lsock, F_SETFL, fcntl(lsock, F_GETFL) | O_NONBLOCK);
    sp->port = ntohs(a.sin_port);
    fflush(stdout);
    fflush(stderr);
    sp->pid = fork();
    if (sp->pid < 0)
        return -1;
    if (sp->pid == 0) { /* the server */
        alarm(20);      /* never outlive the test */
        int before = open_fds();
        int rc = poll_echo_serve(lsock, nclients);
        int after = open_fds();
        _exit(rc != 0 ? EXIT_RETURNED_ERROR : after != before ? EXIT_LEAKED_FDS : 0);
    }
    close(lsock); /* the child's copy is the only one: if it dies, connects fail at once */
    return 0;
}

/* Wait up to 3 s for the server to return; kill it if it does not.
 * Checks that it returned 0 and left no descriptor open. */
static void stop_server(server_proc *sp)
{
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 300 && (r = waitpid(sp->pid, &status, WNOHANG)) == 0; i++)
        sleep_ms(10);
    if (r == 0) {
        kill(sp->pid, SIGKILL);
        waitpid(sp->pid, &status, 0);
        CHECK_MSG(0, "poll_echo_serve did not return within 3 s after its %s", "clients had closed");
        return;
    }
    if (WIFSIGNALED(status)) {
        CHECK_MSG(0, "the server crashed: killed by signal %d", WTERMSIG(status));
        return;
    }
    int code = WEXITSTATUS(status);
    CHECK_MSG(code != EXIT_RETURNED_ERROR, "poll_echo_serve returned -1 (a system call failed, or not written yet)");
    CHECK_MSG(code != EXIT_LEAKED_FDS, "poll_echo_serve returned 0 but left connections open (close each one)");
    CHECK_MSG(code == 0 || code == EXIT_RETURNED_ERROR || code == EXIT_LEAKED_FDS, "server exit status %d", code);
}

static int connect_client(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send msg, read back exactly as many bytes; 1 if they are the same. */
static int echoes(int fd, const char *msg, size_t len)
{
    static char back[1 << 17];
    size_t sent = 0, got = 0;
    while (sent < len) {
        ssize_t n = send(fd, msg + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return 0;
        sent += (size_t)n;
    }
    while (got < len) {
        ssize_t n = recv(fd, back + got, len - got, 0);
        if (n <= 0)
            return 0; /* closed, error, or 2 s without an answer */
        got += (size_t)n;
    }
    return memcmp(back, msg, len) == 0;
}

static void test_one_client(void)
{
    server_proc sp;
    CHECK_FATAL(start_server(&sp, 1) == 0);
    int c = connect_client(sp.port);
    CHECK_MSG(c >= 0, "connect to the server: %s", strerror(errno));
    if (c >= 0) {
        CHECK_MSG(echoes(c, "hello", 5), "'hello' comes back within 2 s");
        close(c);
    }
    stop_server(&sp);
}

static void test_three_at_once(void)
{
    server_proc sp;
    CHECK_FATAL(start_server(&sp, 3) == 0);
    int c[3];
    for (int i = 0; i < 3; i++)
        c[i] = connect_client(sp.port);
    int ok = c[0] >= 0 && c[1] >= 0 && c[2] >= 0;
    CHECK_MSG(ok, "three clients connect to the server");
    /* All three stay open while each talks in turn: a server that serves
     * one connection until it closes never answers client 2. */
    for (int round = 0; round < 2 && ok; round++) {
        for (int i = 0; i < 3 && ok; i++) {
            char msg[64];
            int len = snprintf(msg, sizeof msg, "client %d, round %d", i, round);
            ok = echoes(c[i], msg, (size_t)len);
            CHECK_MSG(ok, "client %d (3 connected at once), round %d: its own message comes back", i, round);
        }
    }
    for (int i = 0; i < 3; i++)
        if (c[i] >= 0)
            close(c[i]);
    stop_server(&sp);
}

static void test_big_message(void)
{
    server_proc sp;
    CHECK_FATAL(start_server(&sp, 1) == 0);
    int c = connect_client(sp.port);
    CHECK_MSG(c >= 0, "connect to the server: %s", strerror(errno));
    static char big[65536];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    if (c >= 0) {
        CHECK_MSG(echoes(c, big, sizeof big), "64 KiB in, the same 64 KiB out (it takes several recv calls)");
        close(c);
    }
    stop_server(&sp);
}

static void test_ten_clients(void)
{
    server_proc sp;
    CHECK_FATAL(start_server(&sp, 10) == 0);
    int c[10], good = 0;
    for (int i = 0; i < 10; i++)
        c[i] = connect_client(sp.port);
    /* Reverse order: the last to arrive speaks first. */
    for (int i = 9; i >= 0; i--) {
        char msg[16];
        int len = snprintf(msg, sizeof msg, "#%d", i);
        if (c[i] >= 0 && echoes(c[i], msg, (size_t)len))
            good++;
        else
            break;
    }
    CHECK_MSG(good == 10, "10 clients connected before any spoke: %d of 10 got their echo", good);
    for (int i = 0; i < 10; i++) /* close in an interleaved order */
        if (c[(i * 3) % 10] >= 0)
            close(c[(i * 3) % 10]);
    stop_server(&sp);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    static const check_test tests[] = {
        {"one client: 'hello' comes back, then the server returns 0", test_one_client},
        {"three clients connected at once each get their own echo", test_three_at_once},
        {"a 64 KiB message comes back whole", test_big_message},
        {"ten clients connect before any speaks; all are served, all closed", test_ten_clients},
        {NULL, NULL},
    };
    return check_main("poll_echo", tests, argc, argv);
}
