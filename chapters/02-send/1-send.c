/*
 * 1-send.c - values in, values out: the notes' gen_func driven by send().
 *
 *     def gen_func():
 *         a = yield 1
 *         print("a: ", a)
 *         b = yield 2
 *         print("b: ", b)
 *         c = yield 3
 *         print("c: ", c)
 *         return "finish"
 *
 *     gen = gen_func()
 *     for i in range(4):
 *         if i == 0:
 *             print(gen.send(None))
 *         else:
 *             try:
 *                 print(gen.send(i))
 *             except StopIteration as e:
 *                 print("e: ", e)
 *
 * Python's print("a: ", a) puts a space between its two arguments, so the
 * line reads "a:  1" with two spaces; the C prints the same.
 */
#include <stdio.h>

#include "gen.h"

/* `a = yield 1` is two things: yield 1 goes out, and when the caller sends
 * the next value, it arrives as ASY_SENT(g) right behind the yield. We print
 * it at once, so the borrowed value is enough (see 3-running-average.c for
 * state that must outlive a yield). */
static asy_status gen_func_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    printf("a:  %s\n", ASY_STR(ASY_SENT(g))); /* a = what send() brought */
    ASY_YIELD(g, asy_int(2));
    printf("b:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_YIELD(g, asy_int(3));
    printf("c:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_RETURN(g, asy_str("finish")); /* travels out in the stop signal */
    ASY_END(g);
}

/* gen_func(): builds the frame; nothing in the body runs yet. New reference. */
static asy_gen *gen_func(void) { return asy_gen_new(sizeof(asy_gen), gen_func_body, "gen_func"); }

int main(void)
{
    asy_gen *gen = gen_func();
    for (int i = 0; i < 4; i++) {
        /* The first send must be None: no yield is waiting to receive yet. */
        asy_value v = i == 0 ? asy_none() : asy_int(i);
        asy_result r = asy_gen_send(gen, v); /* v is borrowed; r is ours */
        if (r.status == ASY_YIELDED) {
            printf("%s\n", ASY_STR(r.value));
        } else if (r.status == ASY_RETURNED) {
            /* Python wraps the return value in StopIteration(value); build
             * that object to print it the way `except StopIteration as e`
             * sees it. It steals the value, so r no longer owns it. */
            asy_exc *e = asy_exc_stop_iteration(r.value);
            r.value = asy_none();
            printf("e:  %s\n", asy_exc_message(e));
            asy_decref(e);
        }
        asy_result_clear(&r);
    }
    asy_decref(gen);
    return 0;
}
