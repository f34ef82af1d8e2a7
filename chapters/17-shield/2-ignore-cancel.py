# Chapter 17, demo 2: ignoring cancellation with shield, as the notes show
# it (not recommended), and why it is dangerous: the task can no longer be
# stopped, not even by wait_for. Prints elapsed loop time.
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def something():
    await asyncio.sleep(1.0)
    print(f"something: finished at {elapsed()}")
    return 'result'


async def stubborn():
    inner = asyncio.create_task(something())
    try:
        res = await asyncio.shield(inner)
    except asyncio.CancelledError:
        res = None
    print(f"stubborn: res = {res!r} at {elapsed()}, going on as if nothing happened")
    await asyncio.sleep(1.0)
    print(f"stubborn: still running at {elapsed()}")
    return 'stubborn done'


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    print("--- try: res = await shield(...) except CancelledError: res = None ---")
    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0.5)
    print(f"main: task.cancel() -> {task.cancel()} at {elapsed()}")
    res = await task
    print(f"main: cancelled() = {task.cancelled()}, result {res!r} at {elapsed()}")

    print("--- why it is dangerous: wait_for cannot stop it ---")
    try:
        res = await asyncio.wait_for(stubborn(), timeout=0.5)
        print(f"main: wait_for returned {res!r} at {elapsed()}, no TimeoutError")
    except TimeoutError:
        print("not reached")


asyncio.run(main())
