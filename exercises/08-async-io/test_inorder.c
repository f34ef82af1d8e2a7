/*
 * test_inorder.c - tests for exercise 08 inorder.
 *
 * The device is a fake that completes requests in an order the test picks
 * (oldest first, newest first, or pseudo-random).  It hands out data in ONE
 * buffer that the next reap() overwrites, as a real completion queue
 * reuses its entries, so keeping the pointer instead of copying shows up
 * as wrong data.  It counts calls, so a loop that never ends fails instead
 * of hanging.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "inorder.h"

enum { MAX_BLOCKS = 200, MAX_INFLIGHT = 64 };
enum order { OLDEST_FIRST, NEWEST_FIRST, RANDOM };

struct fake {
    enum order order;
    unsigned seed;
    unsigned allowed;           /* submit() refuses beyond this many in flight */
    long fail_block;            /* submit() of this block fails; -1: never */
    size_t flight_block[MAX_INFLIGHT];
    unsigned long flight_tag[MAX_INFLIGHT];
    unsigned in_flight, max_in_flight;
    int submitted[MAX_BLOCKS];  /* times each block was submitted */
    int bad_calls;              /* submit/reap misuse seen */
    long calls;                 /* all calls, against endless loops */
    char buf[CQ_BLOCK_MAX];     /* the one completion buffer */
};

/* Block b's content: "block b" and b % 5 stars; every 8th block is empty. */
static size_t block_content(size_t b, char *out)
{
    if (b % 8 == 7) return 0;
    int n = snprintf(out, CQ_BLOCK_MAX, "block %zu", b);
    for (size_t i = 0; i < b % 5; i++) out[n++] = '*';
    return (size_t)n;
}

static int fake_submit(void *self, size_t block, unsigned long tag)
{
    struct fake *f = self;
    if (++f->calls > 10 * MAX_BLOCKS) return -1;
    if (block >= MAX_BLOCKS || f->in_flight >= f->allowed || f->in_flight >= MAX_INFLIGHT) {
        f->bad_calls++;
        return -1;
    }
    if ((long)block == f->fail_block) return -1;
    f->submitted[block]++;
    f->flight_block[f->in_flight] = block;
    f->flight_tag[f->in_flight] = tag;
    f->in_flight++;
    if (f->in_flight > f->max_in_flight) f->max_in_flight = f->in_flight;
    return 0;
}

static int fake_reap(void *self, struct cq_completion *out)
{
    struct fake *f = self;
    if (++f->calls > 10 * MAX_BLOCKS) return -1;
    if (f->in_flight == 0) { f->bad_calls++; return 0; }
    unsigned i = 0;
    if (f->order == NEWEST_FIRST) i = f->in_flight - 1;
    if (f->order == RANDOM) {
        f->seed = f->seed * 1103515245u + 12345u;
        i = (f->seed >> 16) % f->in_flight;
    }
    memset(f->buf, '#', sizeof f->buf); /* the previous completion's data is gone */
    out->tag = f->flight_tag[i];
    out->len = block_content(f->flight_block[i], f->buf);
    out->data = f->buf;
    for (unsigned k = i + 1; k < f->in_flight; k++) { /* keep submission order */
        f->flight_block[k - 1] = f->flight_block[k];
        f->flight_tag[k - 1] = f->flight_tag[k];
    }
    f->in_flight--;
    return 1;
}

struct record {
    size_t delivered;  /* how many deliver() calls */
    int out_of_order;  /* a block arrived out of turn */
    int wrong_data;    /* a block's bytes were not its content */
};

static void record_deliver(void *ctx, size_t block, const char *data, size_t len)
{
    struct record *r = ctx;
    char want[CQ_BLOCK_MAX];
    size_t want_len = block_content(block, want);
    if (block != r->delivered) r->out_of_order++;
    if (len != want_len || memcmp(data, want, len) != 0) r->wrong_data++;
    r->delivered++;
}

/* Run read_in_order on a fake; returns its result. */
static int run(struct fake *f, struct record *r, size_t n, unsigned depth)
{
    struct cq_device dev = { fake_submit, fake_reap, f };
    memset(r, 0, sizeof *r);
    return read_in_order(&dev, n, depth, record_deliver, r);
}

static struct fake make_fake(enum order order, unsigned seed)
{
    struct fake f;
    memset(&f, 0, sizeof f);
    f.order = order;
    f.seed = seed;
    f.allowed = MAX_INFLIGHT;
    f.fail_block = -1;
    return f;
}

static void check_all_delivered(const struct fake *f, const struct record *r, int rc, size_t n)
{
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(r->delivered, n);
    CHECK_INT_EQ(r->out_of_order, 0);
    CHECK_MSG(r->wrong_data == 0, "%d blocks had wrong data: copy c.data before the next reap()",
              r->wrong_data);
    CHECK_INT_EQ(f->bad_calls, 0);
    CHECK_INT_EQ(f->in_flight, 0);
    int once = 1;
    for (size_t b = 0; b < n; b++) once = once && f->submitted[b] == 1;
    CHECK_MSG(once, "every block must be submitted exactly once");
}

static void test_newest_first(void)
{
    struct fake f = make_fake(NEWEST_FIRST, 0);
    struct record r;
    int rc = run(&f, &r, 20, 4);
    check_all_delivered(&f, &r, rc, 20);
}

static void test_random_orders(void)
{
    for (unsigned seed = 1; seed <= 3; seed++) {
        struct fake f = make_fake(RANDOM, seed);
        struct record r;
        int rc = run(&f, &r, 100, 8);
        check_all_delivered(&f, &r, rc, 100);
    }
}

static void test_depth_one(void)
{
    struct fake f = make_fake(OLDEST_FIRST, 0);
    f.allowed = 1;
    struct record r;
    int rc = run(&f, &r, 10, 1);
    check_all_delivered(&f, &r, rc, 10);
    CHECK_INT_EQ(f.max_in_flight, 1);
}

static void test_window_is_full_and_bounded(void)
{
    struct fake f = make_fake(NEWEST_FIRST, 0);
    struct record r;
    int rc = run(&f, &r, 50, 6);
    check_all_delivered(&f, &r, rc, 50);
    CHECK_MSG(f.max_in_flight <= 6, "%u requests were in flight at once; depth is 6", f.max_in_flight);
    CHECK_MSG(f.max_in_flight == 6, "at most %u requests were in flight: submit up to depth before "
                                    "waiting, keep the device busy", f.max_in_flight);
}

static void test_fewer_blocks_than_depth(void)
{
    struct fake f = make_fake(RANDOM, 7);
    struct record r;
    int rc = run(&f, &r, 3, 16);
    check_all_delivered(&f, &r, rc, 3);
    struct fake g = make_fake(RANDOM, 7);
    rc = run(&g, &r, 0, 4);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(r.delivered, 0);
    CHECK_INT_EQ(g.bad_calls, 0);
}

static void test_device_error(void)
{
    struct fake f = make_fake(OLDEST_FIRST, 0);
    f.fail_block = 10;
    struct record r;
    int rc = run(&f, &r, 30, 4);
    CHECK_INT_EQ(rc, -1);
    CHECK_MSG(r.delivered >= 7 && r.delivered <= 10,
              "%zu blocks delivered; blocks 0..6 had completed before block 10 failed to submit",
              r.delivered);
    CHECK_INT_EQ(r.out_of_order, 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        { "20 blocks completing newest-first are delivered 0..19 with their data", test_newest_first },
        { "100 blocks completing in random orders are delivered in order", test_random_orders },
        { "depth 1 reads one block at a time", test_depth_one },
        { "the window fills up to depth and never beyond", test_window_is_full_and_bounded },
        { "fewer blocks than depth, and zero blocks", test_fewer_blocks_than_depth },
        { "a failed submit returns -1 and stops delivery in order", test_device_error },
        { NULL, NULL }
    };
    return check_main("inorder", tests, argc, argv);
}
