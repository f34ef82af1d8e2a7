/*
 * Chapter 12, demo 6: the eager task factory (Python 3.12). With it,
 * create_task runs the coroutine's first step at once, up to its first
 * real suspension; a coroutine that never suspends is done before
 * create_task returns. 6-eager.py is the Python (it needs 3.12).
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"

/* async def child(name):
 *     print(f"  {name}: first step")
 *     await asyncio.sleep(0)
 *     print(f"  {name}: second step") */
typedef struct {
    asy_coro co;
    const char *name;
} child_frame;

static asy_status child_body(asy_coro *co)
{
    child_frame *f = (child_frame *)co;
    ASY_BEGIN(co);
    printf("  %s: first step\n", f->name);
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    printf("  %s: second step\n", f->name);
    ASY_END(co);
}

static asy_coro *child(const char *name)
{
    child_frame *f = ASY_CORO_NEW(child_frame, child_body, "child");
    f->name = name;
    return &f->co;
}

/* async def quick(): return "quick" */
static asy_status quick_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_str("quick"));
    ASY_END(co);
}

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    ASY_BEGIN(co);
    printf("default factory:\n");
    {
        asy_task *task = asy_create_task(child("lazy"), NULL, &err);
        if (task == NULL)
            ASY_RAISE(co, err);
        printf("  main: create_task returned\n");
        ASY_AWAIT(co, task); /* steals our reference */
    }

    printf("eager factory:\n");
    asy_loop_set_task_factory(asy_get_running_loop(NULL), asy_eager_task_factory);
    {
        asy_task *task = asy_create_task(child("eager"), NULL, &err);
        if (task == NULL)
            ASY_RAISE(co, err);
        printf("  main: create_task returned\n");
        ASY_AWAIT(co, task);
    }

    {
        asy_task *task = asy_create_task(asy_coro_new(sizeof(asy_coro), quick_body, "quick"), NULL, &err);
        if (task == NULL)
            ASY_RAISE(co, err);
        asy_value result;
        asy_decref(asy_future_result(&task->fut, &result)); /* done already: no await needed */
        printf("  quick: done=%s result=%s\n", asy_future_done(&task->fut) ? "True" : "False", ASY_REPR(result));
        asy_value_decref(result);
        asy_decref(task);
    }
    ASY_END(co);
}

int main(void)
{
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), main_body, "main"), NULL);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    return status;
}
