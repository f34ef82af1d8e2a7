# Chapter 13, demo 4: what asyncio reports about tasks and coroutines that
# were forgotten. A custom exception handler prints, on stdout, what the
# loop hands it, then calls the default handler (whose report goes to
# stderr, as does the RuntimeWarning of a coroutine never awaited).
import asyncio
import gc
import sys


def handler(loop, context):
    task = context.get("future") or context.get("task")
    print(f"handler: {context['message']!r}, exception {context.get('exception')!r}, "
          f"task.done() = {task.done()}")
    loop.default_exception_handler(context)  # the usual report, on stderr


async def nested():
    return 42


async def fail():
    await asyncio.sleep(0.5)
    raise ValueError("nobody looks at me")


cleanup_saw = None  # what forever()'s cleanup saw arrive at its await


async def forever():
    global cleanup_saw
    try:
        await asyncio.get_running_loop().create_future()  # nobody completes it
    except BaseException as e:
        cleanup_saw = type(e).__name__
        raise


async def main():
    print("-- 1. a coroutine that is never awaited")
    nested()  # RuntimeWarning: coroutine 'nested' was never awaited (stderr)
    print(f"main: await nested() -> {await nested()}")

    print("-- 2. a task whose exception nobody retrieves")
    task = asyncio.create_task(fail(), name="fail")
    await asyncio.sleep(1)
    print(f"main: task.done() = {task.done()}, dropping the last reference")
    del task
    gc.collect()  # CPython reports when the task is collected
    print("main: a retrieved exception is not reported:")
    task = asyncio.create_task(fail(), name="fail-2")
    await asyncio.sleep(1)
    print(f"main: task.exception() = {task.exception()!r}")
    del task
    gc.collect()

    print("-- 3. a task still pending when its loop closes")
    asyncio.create_task(forever(), name="forever")
    await asyncio.sleep(0)  # it starts and waits on its future


sys.stdout.reconfigure(line_buffering=True)  # stdout and stderr interleave in order
loop = asyncio.new_event_loop()
loop.set_exception_handler(handler)
loop.run_until_complete(main())
print("main returned; closing the loop")
loop.close()
gc.collect()  # CPython reports the pending task when the cycle is collected
print(f"loop closed; forever's cleanup ran after {cleanup_saw}")
