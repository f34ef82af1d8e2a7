/*
 * bench-load.c - the load generator of chapter 07's benchmark.
 *
 *   bench-load SERVER wakeup     BACKEND N1,N2,... K1,K2,...
 *   bench-load SERVER throughput BACKEND direct|toggle C1,C2,... SECONDS
 *
 * It starts SERVER (bench-server) with BACKEND itself, talks to it over
 * 127.0.0.1 only, and prints CSV rows (no header) on stdout:
 *
 * wakeup: backend,n,k,rounds,wall_us_per_round,server_cpu_us_per_round,wakeups_per_round
 *   N connections are open and idle. In each round K of them (a different
 *   K each round) carry one byte to the server and wait for the echo.
 *   Measured: wall time per round here, and the server's CPU time per
 *   round (its getrusage difference, from the 'S' control message), which
 *   is the cost of the wakeup itself: the wait call, the scan, K recv and
 *   K send. Each point is five windows of at most 4000 rounds and 0.05 s;
 *   the median window is reported.
 *
 * throughput: backend,mode,conns,seconds,messages,msgs_per_s,server_cpu_us_per_msg
 *   C connections, each with one 64-byte message in flight at all times
 *   (send, wait for the echo, send the next), for SECONDS. This side
 *   drives its C sockets with poll(2), the same for every backend.
 *
 * Connections close with SO_LINGER 0 (a reset): no TIME_WAIT, so ten
 * thousand connections per backend do not exhaust the ephemeral ports.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXLIST 32
#define MSG 64

static pid_t server_pid = -1;
static int port;
static int *conns; /* conns[0] is the control connection */
static int nconns, capconns;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void stop_server(void)
{
    if (server_pid <= 0)
        return;
    if (nconns > 0)
        send(conns[0], "Q", 1, MSG_NOSIGNAL);
    int status;
    for (int i = 0; i < 500 && waitpid(server_pid, &status, WNOHANG) == 0; i++)
        usleep(10000);
    if (waitpid(server_pid, &status, WNOHANG) == 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, &status, 0);
    }
    server_pid = -1;
    for (int i = 0; i < nconns; i++)
        close(conns[i]);
    nconns = 0;
}

static void die(const char *msg)
{
    fprintf(stderr, "bench-load: %s: %s\n", msg, strerror(errno));
    stop_server();
    exit(1);
}

/* Start SERVER BACKEND [MODE], read "PORT n" from its stdout. */
static void start_server(const char *server, const char *backend, const char *mode)
{
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    server_pid = fork();
    if (server_pid < 0)
        die("fork");
    if (server_pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl(server, server, backend, mode, (char *)NULL);
        perror("exec bench-server");
        _exit(127);
    }
    close(p[1]);
    char line[64] = {0};
    size_t len = 0;
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    while (len < sizeof line - 1 && strchr(line, '\n') == NULL && poll(&pf, 1, 5000) == 1) {
        ssize_t n = read(p[0], line + len, sizeof line - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(p[0]);
    if (sscanf(line, "PORT %d", &port) != 1) {
        errno = EPROTO;
        die("the server did not say its port");
    }
}

static int connect_one(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One byte there and back: the server has accepted fd (and, the accept
 * queue being FIFO, every connection made before it). */
static int ping(int fd)
{
    char c = 'x';
    return send(fd, &c, 1, MSG_NOSIGNAL) == 1 && recv(fd, &c, 1, 0) == 1 ? 0 : -1;
}

/* Grow to `want` data connections (plus the control one); returns how
 * many data connections there are (fewer if the server refused some). */
static int open_conns(int want)
{
    if (want + 1 > capconns) {
        capconns = want + 1;
        conns = realloc(conns, (size_t)capconns * sizeof *conns);
    }
    while (nconns < want + 1) {
        int fd = connect_one();
        if (fd < 0)
            break;
        conns[nconns++] = fd;
        if (nconns % 256 == 0 && ping(fd) < 0) {
            close(conns[--nconns]);
            break;
        }
    }
    if (nconns > 0 && ping(conns[nconns - 1]) < 0)
        close(conns[--nconns]); /* refused (select: fd >= FD_SETSIZE) */
    return nconns - 1;
}

typedef struct {
    long long cpu_us, wakeups, events;
} stats;

static stats server_stats(void)
{
    stats s = {0, 0, 0};
    char line[128] = {0};
    size_t len = 0;
    if (send(conns[0], "S", 1, MSG_NOSIGNAL) != 1)
        die("stats");
    while (len < sizeof line - 1 && strchr(line, '\n') == NULL) {
        ssize_t n = recv(conns[0], line + len, sizeof line - 1 - len, 0);
        if (n <= 0)
            die("stats reply");
        len += (size_t)n;
    }
    sscanf(line, "STATS %lld %lld %lld", &s.cpu_us, &s.wakeups, &s.events);
    return s;
}

static int parse_list(const char *s, int *out)
{
    int n = 0;
    while (*s && n < MAXLIST) {
        out[n++] = atoi(s);
        s = strchr(s, ',');
        if (!s)
            break;
        s++;
    }
    return n;
}

/* ---- wakeup ---------------------------------------------------------- */

#define WINDOWS 5

static double median(double *v)
{
    for (int i = 0; i < WINDOWS; i++)
        for (int j = i + 1; j < WINDOWS; j++)
            if (v[j] < v[i]) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
    return v[WINDOWS / 2];
}

/* K of the n data connections (conns[1..n]) each carry one byte. */
static void round_trip(int n, int k, long r)
{
    char c = 'x';
    int step = n / k;
    for (int j = 0; j < k; j++)
        if (send(conns[1 + (int)((j * step + r) % n)], &c, 1, MSG_NOSIGNAL) != 1)
            die("send");
    for (int j = 0; j < k; j++)
        if (recv(conns[1 + (int)((j * step + r) % n)], &c, 1, 0) != 1)
            die("recv (no echo within 5 s)");
}

static void bench_wakeup(const char *backend, const int *ns, int nn, const int *ks, int nk)
{
    for (int i = 0; i < nn; i++) {
        int n = open_conns(ns[i]);
        if (n < ns[i]) {
            fprintf(stderr, "bench-load: %s: only %d of %d connections accepted; stopping at %d\n", backend, n,
                    ns[i], n);
            return;
        }
        for (int j = 0; j < nk; j++) {
            int k = ks[j];
            if (k > n)
                continue;
            for (long r = 0; r < 200; r++) /* warm up */
                round_trip(n, k, r);
            /* Five windows of up to 0.05 s (and 4000 rounds) each; the
             * median window is reported, so that a moment when another
             * process had the CPU does not decide the result. */
            double wall[WINDOWS], cpu[WINDOWS], wake[WINDOWS];
            long rounds = 0;
            for (int w = 0; w < WINDOWS; w++) {
                stats s0 = server_stats();
                double t0 = now(), t1 = t0;
                long r = 0;
                while (r < 4000 && (t1 = now()) - t0 < 0.05)
                    round_trip(n, k, rounds + r++);
                stats s1 = server_stats();
                rounds += r;
                wall[w] = (t1 - t0) * 1e6 / (double)r;
                cpu[w] = (double)(s1.cpu_us - s0.cpu_us) / (double)r;
                wake[w] = (double)(s1.wakeups - s0.wakeups - 1) / (double)r; /* -1: the 'S' itself */
            }
            printf("%s,%d,%d,%ld,%.2f,%.2f,%.2f\n", backend, n, k, rounds, median(wall), median(cpu), median(wake));
            fflush(stdout);
        }
    }
}

/* ---- throughput -------------------------------------------------------- */

static void bench_throughput(const char *backend, const char *mode, const int *cs, int nc, double seconds)
{
    for (int i = 0; i < nc; i++) {
        int c = cs[i];
        if (open_conns(c) < c)
            die("connect");
        struct pollfd *pf = calloc((size_t)c, sizeof *pf);
        int *got = calloc((size_t)c, sizeof *got);
        char msg[MSG], buf[MSG];
        memset(msg, 'x', sizeof msg);
        for (int j = 0; j < c; j++) {
            pf[j] = (struct pollfd){.fd = conns[1 + j], .events = POLLIN};
            if (send(pf[j].fd, msg, MSG, MSG_NOSIGNAL) != MSG)
                die("send");
        }
        stats s0 = server_stats();
        long long messages = 0;
        int inflight = c;
        double t0 = now(), end = t0 + seconds, t1 = t0;
        while (inflight > 0) {
            if (poll(pf, (nfds_t)c, 5000) <= 0)
                die("poll (no echo within 5 s)");
            int sending = (t1 = now()) < end;
            for (int j = 0; j < c; j++) {
                if (!(pf[j].revents & POLLIN))
                    continue;
                ssize_t n = recv(pf[j].fd, buf, (size_t)(MSG - got[j]), 0);
                if (n <= 0)
                    die("recv");
                got[j] += (int)n;
                if (got[j] < MSG)
                    continue;
                got[j] = 0;
                messages++;
                if (sending) {
                    if (send(pf[j].fd, msg, MSG, MSG_NOSIGNAL) != MSG)
                        die("send");
                } else {
                    pf[j].fd = -1; /* poll ignores negative fds */
                    inflight--;
                }
            }
        }
        stats s1 = server_stats();
        double dt = t1 - t0;
        printf("%s,%s,%d,%.3f,%lld,%.0f,%.3f\n", backend, mode, c, dt, messages, (double)messages / dt,
               (double)(s1.cpu_us - s0.cpu_us) / (double)messages);
        fflush(stdout);
        free(pf);
        free(got);
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    alarm(100); /* bounded whatever happens */

    int a[MAXLIST], b[MAXLIST];
    if (argc == 6 && strcmp(argv[2], "wakeup") == 0) {
        int na = parse_list(argv[4], a), nb = parse_list(argv[5], b);
        start_server(argv[1], argv[3], "direct");
        bench_wakeup(argv[3], a, na, b, nb);
    } else if (argc == 7 && strcmp(argv[2], "throughput") == 0) {
        int na = parse_list(argv[5], a);
        start_server(argv[1], argv[3], argv[4]);
        bench_throughput(argv[3], argv[4], a, na, atof(argv[6]));
    } else {
        fprintf(stderr, "usage: bench-load SERVER wakeup BACKEND N1,N2,.. K1,K2,..\n"
                        "       bench-load SERVER throughput BACKEND direct|toggle C1,C2,.. SECONDS\n");
        return 2;
    }
    stop_server();
    free(conns);
    return 0;
}
