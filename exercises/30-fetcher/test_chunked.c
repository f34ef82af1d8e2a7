/*
 * test_chunked.c - the chunked decoder (exercise, chapter 30): bodies fed
 * whole, one byte at a time and in 300 random splits give the same data
 * and stop exactly at the end of the body; extensions, upper-case hex,
 * trailers; malformed bodies are refused.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "chunked.h"

typedef struct {
    const char *wire; /* the body as sent, followed by the next response */
    size_t body_len;  /* how many bytes of wire are the body */
    const char *data; /* what it decodes to */
} sample;

#define NEXT "HTTP/1.1 200 OK\r\n"
static const char W0[] = "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n" NEXT;
static const char W1[] = "1a;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\nA\r\n0123456789\r\n0\r\n\r\n" NEXT;
static const char W2[] = "3\r\n\r\n\n\r\n0\r\nExpires: never\r\nX-A: b\r\n\r\n" NEXT;
static const char W3[] = "0\r\n\r\n" NEXT;
static const sample samples[] = {
    {W0, sizeof W0 - 1 - strlen(NEXT), "Wikipedia"},
    {W1, sizeof W1 - 1 - strlen(NEXT), "abcdefghijklmnopqrstuvwxyz0123456789"},
    {W2, sizeof W2 - 1 - strlen(NEXT), "\r\n\n"},
    {W3, sizeof W3 - 1 - strlen(NEXT), ""},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static unsigned long long rng = 30;
static size_t rnd(size_t n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (size_t)((rng >> 33) % n);
}

/* Feed s in pieces (cut at the offsets chosen by `how`: 0 whole, 1 byte
 * by byte, 2 random); check the data and where the body ended. */
static bool run(const sample *s, int how)
{
    chunked c;
    char out[256];
    size_t outlen = 0, len = strlen(s->wire), pos = 0, consumed = 0;
    chunked_init(&c);
    while (pos < len) {
        size_t piece = how == 0 ? len - pos : how == 1 ? 1 : 1 + rnd(len - pos < 9 ? len - pos : 9);
        long r = chunked_feed(&c, s->wire + pos, piece, out, &outlen);
        if (r < 0 || (size_t)r > piece) {
            CHECK_MSG(false, "chunked_feed returned %ld for a piece of %zu bytes at %zu", r, piece, pos);
            return false;
        }
        consumed += (size_t)r;
        if ((size_t)r < piece && !chunked_done(&c)) {
            CHECK_MSG(false, "stopped at %zu before the end of the body", consumed);
            return false;
        }
        pos += piece;
    }
    CHECK_MSG(chunked_done(&c), "the body of %zu bytes was not finished", s->body_len);
    CHECK_MSG(consumed == s->body_len, "consumed %zu bytes, the body is %zu", consumed, s->body_len);
    CHECK_MSG(outlen == strlen(s->data) && memcmp(out, s->data, outlen) == 0, "decoded %zu bytes: '%.*s'",
              outlen, (int)outlen, out);
    CHECK_INT_EQ(chunked_feed(&c, "5\r\n", 3, out, &outlen), 0);
    return chunked_done(&c) && consumed == s->body_len && outlen == strlen(s->data) &&
           memcmp(out, s->data, outlen) == 0;
}

static void test_whole(void)
{
    for (size_t i = 0; i < NSAMPLES; i++)
        CHECK_MSG(run(&samples[i], 0), "sample %zu fed whole", i);
}

static void test_byte_by_byte(void)
{
    for (size_t i = 0; i < NSAMPLES; i++)
        CHECK_MSG(run(&samples[i], 1), "sample %zu fed one byte at a time", i);
}

static void test_random_splits(void)
{
    for (int k = 0; k < 300; k++) {
        size_t i = (size_t)k % NSAMPLES;
        if (!run(&samples[i], 2)) {
            CHECK_MSG(false, "sample %zu, random split number %d", i, k);
            return;
        }
    }
}

static long feed_all(const char *wire)
{
    chunked c;
    char out[256];
    size_t outlen = 0;
    chunked_init(&c);
    for (size_t i = 0; wire[i]; i++) {
        long r = chunked_feed(&c, wire + i, 1, out, &outlen);
        if (r < 0)
            return -1;
    }
    return chunked_done(&c) ? 1 : 0;
}

static void test_malformed(void)
{
    CHECK_INT_EQ(feed_all("zz\r\nab\r\n0\r\n\r\n"), -1);             /* not hex */
    CHECK_INT_EQ(feed_all("2\r\nabc\r\n0\r\n\r\n"), -1);             /* no CRLF after the data */
    CHECK_INT_EQ(feed_all("\r\n"), -1);                              /* an empty size line */
    CHECK_INT_EQ(feed_all("4x\r\nWiki\r\n0\r\n\r\n"), -1);           /* junk after the size */
    CHECK_INT_EQ(feed_all("0000000000000000000000000000000000000000000000000000000000000000001\r\n"), -1);
    CHECK_INT_EQ(feed_all("4\r\nWiki\r\n"), 0);                      /* not finished: not an error */
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a body fed whole", test_whole},
        {"a body fed one byte at a time", test_byte_by_byte},
        {"300 random splits", test_random_splits},
        {"malformed bodies are refused", test_malformed},
        {NULL, NULL},
    };
    return check_main("chunked", tests, argc, argv);
}
