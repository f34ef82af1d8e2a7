/*
 * test_task_step.c - exercise 12.1: each outcome of a step, on the virtual
 * clock. The loop is turned by hand, one turn at a time, and never when
 * nothing is scheduled (a loop with nothing to do would wait forever).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "task_step.h"

static asy_loop *vloop(void)
{
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

/* Run up to n turns, stopping early when nothing is left to run. */
static void turns(asy_loop *loop, int n)
{
    for (int i = 0; i < n && asy_loop_scheduled_count(loop) > 0; i++)
        CHECK_NULL(asy_loop_run_once(loop));
}

static void done_with(asy_loop *loop, mini_task *t)
{
    mini_task_clear(t);
    turns(loop, 5);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* async def answer(): return 42 */
static asy_status answer_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(42));
    ASY_END(co);
}

static void test_returned(void)
{
    asy_loop *loop = vloop();
    mini_task t;
    mini_task_start(&t, loop, asy_coro_new(sizeof(asy_coro), answer_body, "answer"));
    turns(loop, 3);
    CHECK(t.done);
    CHECK_STR_EQ(ASY_REPR(t.result), "42");
    CHECK_NULL(t.exc);
    CHECK_INT_EQ(t.steps, 1);
    CHECK_MSG(t.coro == NULL, "a finished coroutine is let go: t->coro should be NULL");
    done_with(loop, &t);
}

/* async def fails(): raise ValueError("no") */
static asy_status fails_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "no"));
    ASY_END(co);
}

static void test_raised(void)
{
    asy_loop *loop = vloop();
    mini_task t;
    mini_task_start(&t, loop, asy_coro_new(sizeof(asy_coro), fails_body, "fails"));
    turns(loop, 3);
    CHECK(t.done);
    CHECK_STR_EQ(t.exc ? ASY_EXC_STR(t.exc) : "(no exception)", "ValueError: no");
    CHECK_INT_EQ(t.steps, 1);
    CHECK_MSG(t.coro == NULL, "a finished coroutine is let go: t->coro should be NULL");
    done_with(loop, &t);
}

/* async def waits(fut): try: return await fut + 1 except Exception as e: return str(e) */
typedef struct {
    asy_coro co;
    asy_future *fut;
} waits_frame;

static asy_status waits_body(asy_coro *co)
{
    waits_frame *f = (waits_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_incref(f->fut));
    if (ASY_EXC(co) != NULL) {
        asy_exc *e = ASY_CATCH(co);
        asy_value msg = asy_str(ASY_EXC_STR(e));
        asy_decref(e);
        ASY_RETURN(co, msg);
    }
    ASY_RETURN(co, asy_int(ASY_SENT(co).u.i + 1));
    ASY_END(co);
}

static void waits_clear(asy_gen *g) { asy_decref(((waits_frame *)g)->fut); }

static asy_coro *waits(asy_future *fut)
{
    waits_frame *f = ASY_CORO_NEW(waits_frame, waits_body, "waits");
    f->fut = asy_incref(fut);
    asy_gen_set_clear(&f->co, waits_clear);
    return &f->co;
}

static void test_yielded_future_waits_then_resumes(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    mini_task t;
    mini_task_start(&t, loop, waits(fut));
    turns(loop, 3);
    CHECK_MSG(!t.done, "the coroutine awaits a pending future: the task must wait");
    CHECK_MSG(t.waiting == fut, "t->waiting should be the future the coroutine yielded");
    CHECK_INT_EQ(t.steps, 1);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0); /* waiting is not polling */
    asy_decref(asy_future_set_result(fut, asy_int(41)));
    turns(loop, 3);
    CHECK_MSG(t.done, "the future completed: its done callback should have stepped the task");
    CHECK_STR_EQ(ASY_REPR(t.result), "42");
    CHECK_INT_EQ(t.steps, 2);
    CHECK_NULL(t.waiting);
    asy_decref(fut);
    done_with(loop, &t);
}

static void test_failed_future_throws_in(void)
{
    asy_loop *loop = vloop();
    asy_future *fut = asy_future_new(loop);
    mini_task t;
    mini_task_start(&t, loop, waits(fut));
    turns(loop, 3);
    asy_decref(asy_future_set_exception(fut, asy_exc_new(&asy_OSError, "disk")));
    turns(loop, 3);
    CHECK(t.done);
    CHECK_STR_EQ(asy_str_cstr(t.result), "OSError: disk"); /* it arrived at the await */
    asy_decref(fut);
    done_with(loop, &t);
}

/* async def twice(): yield; yield; return "third step"  (bare yields) */
static asy_status twice_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_YIELD(co, asy_none());
    ASY_YIELD(co, asy_none());
    ASY_RETURN(co, asy_str("third step"));
    ASY_END(co);
}

static void test_bare_yield_steps_again_next_turn(void)
{
    asy_loop *loop = vloop();
    mini_task t;
    mini_task_start(&t, loop, asy_coro_new(sizeof(asy_coro), twice_body, "twice"));
    turns(loop, 1);
    CHECK_INT_EQ(t.steps, 1);
    CHECK_MSG(asy_loop_scheduled_count(loop) == 1, "after a bare yield the next step must be scheduled");
    turns(loop, 1);
    CHECK_INT_EQ(t.steps, 2); /* one step per turn, not all at once */
    CHECK(!t.done);
    turns(loop, 1);
    CHECK_INT_EQ(t.steps, 3);
    CHECK(t.done);
    CHECK_STR_EQ(ASY_STR(t.result), "third step");
    done_with(loop, &t);
}

/* async def odd(): try: yield 7 except RuntimeError as e: return str(e) */
static asy_status odd_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_YIELD_TRY(co, asy_int(7));
    if (ASY_EXC(co) != NULL) {
        asy_exc *e = ASY_CATCH(co);
        asy_value msg = asy_str(ASY_EXC_STR(e));
        asy_decref(e);
        ASY_RETURN(co, msg);
    }
    ASY_RETURN(co, asy_str("no exception came in"));
    ASY_END(co);
}

static void test_bad_yield_throws_runtime_error(void)
{
    asy_loop *loop = vloop();
    mini_task t;
    mini_task_start(&t, loop, asy_coro_new(sizeof(asy_coro), odd_body, "odd"));
    turns(loop, 3);
    CHECK(t.done);
    CHECK_STR_EQ(asy_str_cstr(t.result), "RuntimeError: Task got bad yield: 7");
    CHECK_INT_EQ(t.steps, 2);
    done_with(loop, &t);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a coroutine that returns 42: the task is done with result 42", test_returned},
        {"a coroutine that raises ValueError: the task is done with that exception", test_raised},
        {"yielding a pending future: the task waits, then resumes with its result", test_yielded_future_waits_then_resumes},
        {"a future that fails: its exception is thrown in at the await", test_failed_future_throws_in},
        {"a bare yield: the task steps again at the next turn, once per turn", test_bare_yield_steps_again_next_turn},
        {"yielding 7: RuntimeError 'Task got bad yield: 7' is thrown in", test_bad_yield_throws_runtime_error},
        {NULL, NULL},
    };
    return check_main("task_step", tests, argc, argv);
}
