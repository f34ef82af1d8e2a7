/*
 * Chapter 25, demo 1: the notes' async generator, driven three ways.
 *
 * The notes (seed 003): "async修饰将普通函数和生成器函数包装成异步函数和异步生成器"
 * and the example `async def async_generator(): yield 1`. Chapter 04 drove
 * async_function() by hand with send(None) and caught StopIteration(1).
 * An async generator is driven through its operations: asend(None) is an
 * awaitable, and sending None into THAT ends with StopIteration(1): the
 * value the generator yielded comes out of the awaitable as its return
 * value. The next asend(None) finds the body finished: StopAsyncIteration.
 * Then the same generator under a loop, by `async for` and by awaiting
 * asend(None). 1-async-generator.py is the same program in Python.
 */
#include <stdio.h>

#include "asyncgen.h"
#include "runners.h"
#include "task.h"

/* async def async_generator():
 *     yield 1                                                              */
static asy_status async_generator_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_AGEN_YIELD(g, asy_int(1));
    ASY_END(g);
}

static asy_asyncgen *async_generator(void)
{
    return asy_asyncgen_new(sizeof(asy_asyncgen), async_generator_body, "async_generator");
}

/* Python's "except SomeError:" on an outcome: prints the type's name. */
static void print_outcome(const char *what, asy_result *r)
{
    if (r->status == ASY_RAISED)
        printf("%s: %s\n", what, r->exc->type->name);
    else
        printf("%s: StopIteration %s\n", what, ASY_STR(r->value));
    asy_result_clear(r);
}

/* async def main():
 *     async for x in async_generator():
 *         print("async for:", x)
 *     g = async_generator()
 *     print("await g.asend(None):", await g.asend(None))
 *     try:
 *         await g.asend(None)
 *     except StopAsyncIteration:
 *         print("await g.asend(None) again: StopAsyncIteration")          */
typedef struct {
    asy_coro co;
    asy_asyncgen *ag;
    asy_asyncgen *g;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->ag = async_generator();
    ASY_ASYNC_FOR(co, f->ag) {
        printf("async for: %s\n", ASY_STR(ASY_SENT(co)));
    } ASY_ASYNC_FOR_END(co);
    f->g = async_generator();
    ASY_AWAIT(co, asy_asend(f->g, asy_none()));
    printf("await g.asend(None): %s\n", ASY_STR(ASY_SENT(co)));
    ASY_AWAIT_TRY(co, asy_asend(f->g, asy_none()));
    if (ASY_EXC(co) != NULL && asy_exc_is(ASY_EXC(co), &asy_StopAsyncIteration)) {
        asy_decref(ASY_CATCH(co));
        printf("await g.asend(None) again: StopAsyncIteration\n");
    }
    ASY_END(co); /* anything else still pending propagates */
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->ag);
    asy_decref(f->g);
}

int main(void)
{
    /* By hand, no loop: g.asend(None).send(None), twice. */
    asy_asyncgen *g = async_generator();
    printf("%s\n", ASY_REPR(asy_obj_value(g))); /* borrowed: no reference taken */
    asy_coro *aw = asy_asend(g, asy_none());
    asy_result r = asy_gen_send(aw, asy_none());
    print_outcome("asend(None).send(None)", &r);
    asy_decref(aw);
    aw = asy_asend(g, asy_none());
    r = asy_gen_send(aw, asy_none());
    print_outcome("again", &r);
    asy_decref(aw);
    asy_decref(g);

    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    r = asy_run(&f->co, &opts);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
