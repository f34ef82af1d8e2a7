/*
 * 1-event.c - the notes' event example (seed 001 §4.3(4)).
 *
 * Two tasks wait on one Event; a callback sets it 0.1 s later, and that
 * one set() releases both: nobody has to take anything before running on.
 * 1-event.py is the same program in Python. Runs on the virtual clock.
 */
#include <stdio.h>

#include "event.h"
#include "runners.h"
#include "task.h"

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* def set_event(event):
 *     print('setting event in callback')
 *     event.set()                                                         */
static asy_exc *set_event(asy_value arg)
{
    printf("setting event in callback\n");
    asy_event_set(asy_value_event(arg));
    return NULL;
}

/* async def test(name, event):
 *     print('{} waiting for event'.format(name))
 *     await event.wait()
 *     print('{} triggered'.format(name))                                  */
typedef struct {
    asy_coro co;
    const char *name;
    asy_event *event; /* owned */
} test_frame;

static asy_status test_body(asy_coro *co)
{
    test_frame *f = (test_frame *)co;
    ASY_BEGIN(co);
    printf("%s waiting for event\n", f->name);
    ASY_AWAIT(co, asy_event_wait(f->event));
    printf("%s triggered\n", f->name);
    ASY_END(co);
}

static void test_clear(asy_gen *g) { asy_decref(((test_frame *)g)->event); }

static asy_coro *test(const char *name, asy_event *event)
{
    test_frame *f = ASY_CORO_NEW(test_frame, test_body, "test");
    f->name = name;
    f->event = asy_incref(event);
    asy_gen_set_clear(&f->co, test_clear);
    return &f->co;
}

/* async def main():
 *     loop = asyncio.get_running_loop()
 *     event = asyncio.Event()
 *     print('event start state: {}'.format(event.is_set()))
 *     loop.call_later(0.1, functools.partial(set_event, event))
 *     t1 = asyncio.create_task(test('e1', event))
 *     t2 = asyncio.create_task(test('e2', event))
 *     await t1
 *     await t2
 *     print('event end state: {}'.format(event.is_set()))               */
typedef struct {
    asy_coro co;
    asy_event *event;   /* owned */
    asy_task *t1, *t2;  /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->event = asy_event_new();
    printf("event start state: %s\n", py_bool(asy_event_is_set(f->event)));
    asy_decref(asy_loop_call_later(asy_get_running_loop(NULL), 0.1, set_event, asy_event_value(f->event), NULL));
    f->t1 = asy_create_task(test("e1", f->event), NULL, &err);
    if (f->t1 == NULL)
        ASY_RAISE(co, err);
    f->t2 = asy_create_task(test("e2", f->event), NULL, &err);
    if (f->t2 == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_incref(f->t1));
    ASY_AWAIT(co, asy_incref(f->t2));
    printf("event end state: %s\n", py_bool(asy_event_is_set(f->event)));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->t1);
    asy_decref(f->t2);
    asy_decref(f->event);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);               /* asyncio.run(main()) */
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
