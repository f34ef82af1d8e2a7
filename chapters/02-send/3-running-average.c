/*
 * 3-running-average.c - a generator that keeps state between values sent in.
 *
 *     def running_average():
 *         total = 0.0
 *         count = 0
 *         average = None
 *         while True:
 *             value = yield average
 *             total += value
 *             count += 1
 *             average = total / count
 *
 *     avg = running_average()
 *     print(next(avg))       # priming
 *     print(avg.send(10))
 *     print(avg.send(30))
 *     print(avg.send(5))
 *
 * The locals total, count and average live across yields, so in C they live
 * in the frame (ground rule 1 of gen.h): a C local would be gone each time
 * the body returns at a yield. None of them holds an object, so the frame
 * needs no clear function. This demo sends only ints; exercise
 * 02-send/averager makes it take floats too and refuse what is not a number.
 */
#include <stdio.h>

#include "gen.h"

typedef struct {
    asy_gen gen;     /* the header comes first: the frame IS an asy_gen */
    double total;    /* sum of the values sent so far */
    long long count; /* how many values were sent */
    asy_value average; /* None until the first value, then a float */
} running_average_frame;

static asy_status running_average_body(asy_gen *g)
{
    running_average_frame *f = (running_average_frame *)g;
    ASY_BEGIN(g);
    f->total = 0.0;
    f->count = 0;
    f->average = asy_none();
    for (;;) {
        ASY_YIELD(g, f->average); /* a float or None: nothing to incref */
        f->total += (double)ASY_SENT(g).u.i; /* value = what send() brought: an int here */
        f->count += 1;
        f->average = asy_float(f->total / (double)f->count);
    }
    ASY_END(g);
}

/* running_average(): a new reference to an unstarted generator. */
static asy_gen *running_average(void)
{
    return &ASY_GEN_NEW(running_average_frame, running_average_body, "running_average")->gen;
}

/* Print what a step yielded (str(), as print does) and release the result. */
static void print_result(asy_result r)
{
    printf("%s\n", r.status == ASY_RAISED ? ASY_EXC_STR(r.exc) : ASY_STR(r.value));
    asy_result_clear(&r);
}

int main(void)
{
    asy_gen *avg = running_average();
    print_result(asy_gen_next(avg)); /* priming */
    print_result(asy_gen_send(avg, asy_int(10)));
    print_result(asy_gen_send(avg, asy_int(30)));
    print_result(asy_gen_send(avg, asy_int(5)));
    asy_decref(avg); /* closes it: GeneratorExit arrives at the yield */
    return 0;
}
