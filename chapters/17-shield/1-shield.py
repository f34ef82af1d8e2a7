# Chapter 17, demo 1: shield (seed 001 §4.4(2)). Cancelling the caller of
# `await shield(inner)` cancels the caller only; the inner runs to its end.
# Without shield the cancel goes down to the inner too. Prints elapsed loop
# time.
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def something():
    print(f"something: started at {elapsed()}")
    try:
        await asyncio.sleep(1.0)
    except asyncio.CancelledError:
        print(f"something: cancelled at {elapsed()}")
        raise
    print(f"something: finished at {elapsed()}")
    return 'result'


async def caller(inner, shielded):
    try:
        if shielded:
            res = await asyncio.shield(inner)
        else:
            res = await inner
        print(f"caller: got {res!r}")
    except asyncio.CancelledError:
        print(f"caller: CancelledError at {elapsed()}")
        raise


async def cancel_caller_after(seconds, shielded):
    inner = asyncio.create_task(something())
    task = asyncio.create_task(caller(inner, shielded))
    await asyncio.sleep(seconds)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: caller cancelled() = {task.cancelled()}, inner done() = {inner.done()}")
    try:
        print(f"main: inner gave {await inner!r} at {elapsed()}")
    except asyncio.CancelledError:
        print(f"main: inner was cancelled too, at {elapsed()}")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    print("--- without shield: cancelling the caller cancels the work ---")
    await cancel_caller_after(0.5, shielded=False)
    print("--- with shield: the caller is cancelled, the work is not ---")
    await cancel_caller_after(0.5, shielded=True)

    print("--- the inner cancelled from elsewhere: the shield is cancelled too ---")
    inner = asyncio.create_task(something())
    task = asyncio.create_task(caller(inner, shielded=True))
    await asyncio.sleep(0.5)
    inner.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: caller cancelled() = {task.cancelled()}")

    print("--- wait_for(shield(inner), 0.5): the timeout cancels the shield only ---")
    inner = asyncio.create_task(something())
    try:
        await asyncio.wait_for(asyncio.shield(inner), timeout=0.5)
    except TimeoutError:
        print(f"main: TimeoutError at {elapsed()}")
    print(f"main: inner gave {await inner!r} at {elapsed()}")


asyncio.run(main())
