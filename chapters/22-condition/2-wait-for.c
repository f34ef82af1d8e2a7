/*
 * 2-wait-for.c - wait_for(predicate), notify_all, and the lock rule.
 *
 * Three buyers wait until the stock covers what each needs; a supplier
 * adds 2 items every 0.5 s and notifies everyone. Each woken buyer takes
 * the lock in turn, checks ITS predicate again, and buys or waits again.
 * wait() without the lock is refused first. 2-wait-for.py is the same
 * program in Python. Virtual clock.
 */
#include <stdio.h>

#include "condition.h"
#include "runners.h"
#include "task.h"

static double t0;
static long long stock;

static const char *now(char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    return buf;
}
#define NOW() now((char[32]){0}, 32)

/* The predicate: Python's lambda: stock // need, how many lots of `need`
 * the stock covers; 0 (false) until there is one. arg points at `need`. */
static asy_value lots_in_stock(void *arg) { return asy_int(stock / *(long long *)arg); }

/* async def buyer(cond, name, need):
 *     async with cond:
 *         print(f"{name} waits for stock >= {need}")
 *         lots = await cond.wait_for(lambda: stock // need)
 *         stock -= need
 *         print(f"{name} bought {need} at {now()} s, wait_for -> {lots}, stock = {stock}") */
typedef struct {
    asy_coro co;
    asy_condition *cond; /* owned */
    const char *name;
    long long need;      /* in the frame: the predicate reads it by address */
} buyer_frame;

static asy_status buyer_body(asy_coro *co)
{
    buyer_frame *f = (buyer_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_condition_acquire(f->cond));                         /* async with cond: */
    printf("%s waits for stock >= %lld\n", f->name, f->need);
    ASY_AWAIT_TRY(co, asy_condition_wait_for(f->cond, lots_in_stock, &f->need));
    if (ASY_EXC(co) == NULL) { /* ASY_SENT(co): the predicate's last value */
        stock -= f->need;
        printf("%s bought %lld at %s s, wait_for -> %s, stock = %lld\n", f->name, f->need, NOW(),
               ASY_STR(ASY_SENT(co)), stock);
    }
    ASY_RAISE_IF(co, asy_condition_release(f->cond));
    ASY_END(co);
}

static void buyer_clear(asy_gen *g) { asy_decref(((buyer_frame *)g)->cond); }

/* async def supplier(cond, rounds):
 *     for _ in range(rounds):
 *         await asyncio.sleep(0.5)
 *         async with cond:
 *             stock += 2
 *             print(f"supplier: stock = {stock} at {now()} s, notify_all()")
 *             cond.notify_all()                                           */
typedef struct {
    asy_coro co;
    asy_condition *cond; /* owned */
    int rounds, i;
} supplier_frame;

static asy_status supplier_body(asy_coro *co)
{
    supplier_frame *f = (supplier_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->rounds; f->i++) {
        ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
        ASY_AWAIT(co, asy_condition_acquire(f->cond));
        stock += 2;
        printf("supplier: stock = %lld at %s s, notify_all()\n", stock, NOW());
        asy_decref(asy_condition_notify_all(f->cond));
        ASY_RAISE_IF(co, asy_condition_release(f->cond));
    }
    ASY_END(co);
}

static void supplier_clear(asy_gen *g) { asy_decref(((supplier_frame *)g)->cond); }

typedef struct {
    asy_coro co;
    asy_condition *cond;  /* owned */
    asy_task *buyers[3];  /* owned */
    int i;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    static const char *const names[] = {"a", "b", "c"};
    static const long long needs[] = {3, 1, 4};
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->cond = asy_condition_new(NULL);
    ASY_AWAIT_TRY(co, asy_condition_wait(f->cond)); /* try: await cond.wait() */
    if (asy_exc_is(ASY_EXC(co), &asy_RuntimeError)) {
        asy_exc *e = ASY_CATCH(co);
        printf("wait() without the lock: RuntimeError: %s\n", asy_exc_message(e));
        asy_decref(e);
    }
    for (f->i = 0; f->i < 3; f->i++) {
        buyer_frame *b = ASY_CORO_NEW(buyer_frame, buyer_body, "buyer");
        b->cond = asy_incref(f->cond);
        b->name = names[f->i];
        b->need = needs[f->i];
        asy_gen_set_clear(&b->co, buyer_clear);
        f->buyers[f->i] = asy_create_task(&b->co, NULL, &err);
        if (f->buyers[f->i] == NULL)
            ASY_RAISE(co, err);
    }
    {
        supplier_frame *s = ASY_CORO_NEW(supplier_frame, supplier_body, "supplier");
        s->cond = asy_incref(f->cond);
        s->rounds = 4;
        asy_gen_set_clear(&s->co, supplier_clear);
        ASY_AWAIT(co, asy_create_task(&s->co, NULL, NULL)); /* await create_task(supplier(cond, 4)) */
    }
    for (f->i = 0; f->i < 3; f->i++)
        ASY_AWAIT(co, asy_incref(f->buyers[f->i]));
    printf("done at %s s, stock = %lld\n", NOW(), stock);
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < 3; i++)
        asy_decref(f->buyers[i]);
    asy_decref(f->cond);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
