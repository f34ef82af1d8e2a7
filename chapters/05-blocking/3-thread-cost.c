/*
 * Chapter 05, demo 3: what a thread costs.
 *
 * Thread-per-connection works (demo 2), so what is wrong with it? Each
 * waiting connection holds a whole thread. This demo measures one:
 *   - memory: the stack each thread reserves (pthread_attr_getstacksize,
 *     which follows `ulimit -s`) against the memory it really touches,
 *     read from /proc/self/statm before and after 1000 threads have been
 *     started and parked on a barrier (measured first, while glibc has no
 *     freed stacks cached for reuse);
 *   - time: create + join, in 10 rounds of 200; the median round and the
 *     best one are printed, because a single round on a busy machine (or a
 *     virtual one) can be several times slower than the next.
 * and puts the numbers next to what a suspended task costs later in the
 * course.
 *
 * The numbers depend on the machine; the demo's .sed replaces them by N
 * when the transcript is compared. The lines around them do not change.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 10        /* timing: ROUNDS rounds of ROUND_SIZE threads */
#define ROUND_SIZE 200
#define N_PARKED 1000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *do_nothing(void *arg)
{
    return arg;
}

/* Microseconds per pthread_create + pthread_join of a thread that returns
 * at once, over one round of n threads: the price of starting a thread for
 * a connection (and reaping it when the connection ends). */
static double create_join_us(int n)
{
    double start = now_s();
    for (int i = 0; i < n; i++) {
        pthread_t t;
        int err = pthread_create(&t, NULL, do_nothing, NULL);
        if (err != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(err));
            exit(1);
        }
        pthread_join(t, NULL);
    }
    return (now_s() - start) * 1e6 / n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* /proc/self/statm: sizes in pages; the 1st is all virtual memory the
 * process has mapped (reserved), the 2nd the part resident in RAM. */
static void read_statm(long *virt_pages, long *rss_pages)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", virt_pages, rss_pages) != 2) {
        perror("/proc/self/statm");
        exit(1);
    }
    fclose(f);
}

static pthread_barrier_t arrived, release;

/* A thread that does what an idle connection's thread does: wait. */
static void *park(void *arg)
{
    pthread_barrier_wait(&arrived); /* "I am running" */
    pthread_barrier_wait(&release); /* sleep until main has measured */
    return arg;
}

static void print_kib(const char *what, double bytes)
{
    printf("%s%.0f KiB\n", what, bytes / 1024.0);
}

int main(void)
{
    static pthread_t threads[N_PARKED];
    long page = sysconf(_SC_PAGESIZE);
    long virt0, rss0, virt1, rss1;
    pthread_attr_t attr;
    size_t stack_size;
    struct rlimit rl;
    double us[ROUNDS], reserved_per, resident_per;

    printf("What one thread costs, measured on this machine:\n\n");

    pthread_attr_init(&attr);
    pthread_attr_getstacksize(&attr, &stack_size);
    pthread_attr_destroy(&attr);
    getrlimit(RLIMIT_STACK, &rl);
    printf("memory, %d threads parked on a barrier:\n", N_PARKED);
    print_kib("  default stack size (pthread_attr_getstacksize): ", (double)stack_size);
    if (rl.rlim_cur == RLIM_INFINITY)
        printf("  stack limit (ulimit -s): unlimited\n");
    else
        print_kib("  stack limit (ulimit -s): ", (double)rl.rlim_cur);

    pthread_barrier_init(&arrived, NULL, N_PARKED + 1);
    pthread_barrier_init(&release, NULL, N_PARKED + 1);
    read_statm(&virt0, &rss0);
    for (int i = 0; i < N_PARKED; i++) {
        int err = pthread_create(&threads[i], NULL, park, NULL);
        if (err != 0) {
            fprintf(stderr, "pthread_create #%d: %s\n", i + 1, strerror(err));
            exit(1);
        }
    }
    pthread_barrier_wait(&arrived); /* all N_PARKED are running and waiting */
    read_statm(&virt1, &rss1);
    pthread_barrier_wait(&release);
    for (int i = 0; i < N_PARKED; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&arrived);
    pthread_barrier_destroy(&release);

    reserved_per = (double)(virt1 - virt0) * (double)page / N_PARKED;
    resident_per = (double)(rss1 - rss0) * (double)page / N_PARKED;
    printf("  virtual memory grew by %.0f MiB: %.0f KiB reserved per thread\n",
           (double)(virt1 - virt0) * (double)page / (1024.0 * 1024.0), reserved_per / 1024.0);
    printf("  resident memory grew by %.1f MiB: %.1f KiB touched per thread\n",
           (double)(rss1 - rss0) * (double)page / (1024.0 * 1024.0), resident_per / 1024.0);
    printf("  (not counted: the kernel's own memory per thread, such as its kernel stack)\n\n");

    for (int r = 0; r < ROUNDS; r++)
        us[r] = create_join_us(ROUND_SIZE);
    qsort(us, ROUNDS, sizeof us[0], cmp_double);
    printf("time, %d rounds of %d threads, each created and joined in turn:\n", ROUNDS, ROUND_SIZE);
    printf("  %.1f us per thread (median round), %.1f us (best round)\n\n",
           us[ROUNDS / 2], us[0]);

    printf("what one waiting connection costs, in memory:\n");
    printf("  a parked thread, measured above:       %.1f KiB resident, %.0f KiB reserved\n",
           resident_per / 1024.0, reserved_per / 1024.0);
    printf("  a suspended CPython asyncio task:      about 1.7 KB\n");
    printf("  a suspended task of this library:      under 200 bytes (Part III's target)\n");
    printf("even counting only the memory it touches, a thread costs %.0fx a CPython task\n"
           "and %.0fx this library's target.\n", resident_per / 1700.0, resident_per / 200.0);
    return 0;
}
