# Chapter 19, demo 2: the first failure in a TaskGroup cancels the other
# children and the body; the errors arrive together in an ExceptionGroup,
# which `except*` takes apart by type.
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def worker(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"{name}: cancelled at {elapsed()}")
        raise
    print(f"{name}: done at {elapsed()}")
    return name


async def fail_after(name, delay, exc):
    await asyncio.sleep(delay)
    print(f"{name}: raising {exc!r} at {elapsed()}")
    raise exc


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()

    print("--- one child fails: the others and the body are cancelled ---")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("quick", 0.5))
            tg.create_task(fail_after("boom", 1, ValueError("boom")))
            tg.create_task(worker("slow", 3))
            print(f"body: waiting at {elapsed()}")
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print(f"body: cancelled at {elapsed()}")
                raise
    except* ValueError as eg:
        print(f"except* ValueError at {elapsed()}:")
        print(f"  {type(eg).__name__}: {eg}")
        print(f"  {eg!r}")
    print(f"main: goes on at {elapsed()}, cancelling() = {asyncio.current_task().cancelling()}")

    print("--- two children fail at the same time: one group, both errors ---")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail_after("a", 0.5, ValueError("a")))
            tg.create_task(fail_after("b", 0.5, KeyError("b")))
            tg.create_task(worker("c", 2))
            print(f"body: waiting at {elapsed()}")
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print(f"body: cancelled at {elapsed()}")
                raise
    except* ValueError as eg:
        print(f"except* ValueError: {eg.exceptions}")
    except* KeyError as eg:
        print(f"except* KeyError: {eg.exceptions}")
    print(f"main: finished at {elapsed()}")


asyncio.run(main())
