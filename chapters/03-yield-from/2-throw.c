/*
 * 2-throw.c - throw(): raise an exception inside a generator, at the yield
 * where it is suspended. Chapter 03.
 *
 *   1. the generator catches it (Python's except) and yields again;
 *   2. it does not catch it: its cleanup (finally) runs and the exception
 *      comes out of throw() to the caller;
 *   3. and 4. the same two, thrown into a generator that is inside a
 *      yield from: the exception goes to the delegate first.
 */
#include <stdio.h>

#include "gen.h"

/* def catcher():
 *     try:
 *         yield 1
 *         yield 2
 *     except ValueError as e:
 *         print(f"catcher: caught ValueError: {e}")
 *         yield "recovered"
 *     finally:
 *         print("catcher: cleanup")
 *     return 42                                                            */
static asy_status catcher_body(asy_gen *g)
{
    ASY_BEGIN(g);
    /* The _TRY yields leave a thrown exception in ASY_EXC(g) instead of
     * leaving the body at once, so the body can handle it. */
    ASY_YIELD_TRY(g, asy_int(1));
    if (ASY_EXC(g) != NULL)
        goto except;
    ASY_YIELD_TRY(g, asy_int(2));
    if (ASY_EXC(g) != NULL)
        goto except;
    goto cleanup;

except:
    if (asy_exc_is(ASY_EXC(g), &asy_ValueError)) {
        asy_exc *e = ASY_CATCH(g); /* handled: it will not propagate */
        printf("catcher: caught %s\n", ASY_EXC_STR(e));
        asy_decref(e);
        ASY_YIELD_TRY(g, asy_str("recovered"));
    }
    /* Any other exception is still in ASY_EXC(g): not handled here. */

cleanup:
    printf("catcher: cleanup\n");
    ASY_RETURN(g, asy_int(42)); /* if an exception is pending, it wins */
    ASY_END(g);
}

static asy_gen *catcher(void) { return asy_gen_new(sizeof(asy_gen), catcher_body, "catcher"); }

/* def delegator():
 *     try:
 *         result = yield from catcher()
 *         print(f"delegator: catcher returned {result!r}")
 *     finally:
 *         print("delegator: cleanup")                                      */
static asy_status delegator_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD_FROM_TRY(g, catcher());
    if (ASY_EXC(g) == NULL)
        printf("delegator: catcher returned %s\n", ASY_REPR(ASY_SENT(g)));
    printf("delegator: cleanup\n");
    ASY_END(g); /* a pending exception propagates from here */
}

static asy_gen *delegator(void) { return asy_gen_new(sizeof(asy_gen), delegator_body, "delegator"); }

/* print(next(g)) or print(g.throw(e)); say what came out otherwise. */
static void show(asy_result r)
{
    if (r.status == ASY_YIELDED)
        printf("%s\n", ASY_STR(r.value));
    else if (r.status == ASY_RETURNED)
        printf("caller: StopIteration(%s)\n", ASY_REPR(r.value));
    else
        printf("caller got %s\n", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
}

/* g.throw(TYPE(msg)): the exception is borrowed by asy_gen_throw. */
static void throw_into(asy_gen *g, const asy_exc_type *type, const char *msg)
{
    asy_exc *e = asy_exc_new(type, "%s", msg);
    show(asy_gen_throw(g, e));
    asy_decref(e);
}

int main(void)
{
    printf("-- throw, caught inside --\n");
    asy_gen *g = catcher();
    show(asy_gen_next(g));
    throw_into(g, &asy_ValueError, "bad value");
    show(asy_gen_next(g));
    asy_decref(g);

    printf("-- throw, not caught --\n");
    g = catcher();
    show(asy_gen_next(g));
    throw_into(g, &asy_TypeError, "not a number");
    printf("state: %s\n", asy_gen_state_name(asy_gen_getstate(g)));
    asy_decref(g);

    printf("-- throw through yield from, caught by the delegate --\n");
    g = delegator();
    show(asy_gen_next(g));
    throw_into(g, &asy_ValueError, "passed down");
    show(asy_gen_next(g));
    asy_decref(g);

    printf("-- throw through yield from, not caught --\n");
    g = delegator();
    show(asy_gen_next(g));
    throw_into(g, &asy_TypeError, "passed down");
    asy_decref(g);
    return 0;
}
