# Chapter 16, demo 2: asyncio.timeout (Python 3.11), a deadline around
# several awaits, and a deadline that moves with reschedule().
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def step(name, seconds):
    try:
        await asyncio.sleep(seconds)
        print(f"{name} done at {elapsed()}")
    except asyncio.CancelledError:
        print(f"{name} cancelled at {elapsed()}")
        raise


async def main():
    global t0
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    print("--- one deadline for two steps ---")
    try:
        async with asyncio.timeout(1.0) as cm:
            await step("step 1", 0.6)
            await step("step 2", 0.6)
    except TimeoutError:
        print(f"TimeoutError at {elapsed()}, expired() = {cm.expired()}")

    print("--- a deadline that moves ---")
    async with asyncio.timeout(None) as cm:
        print(f"deadline: {cm.when()}")
        cm.reschedule(loop.time() + 0.5)
        print(f"deadline moved to {cm.when() - t0:.1f} s")
        await step("step 3", 0.3)
        cm.reschedule(cm.when() + 0.5)  # step 4 needs more time
        print(f"deadline moved to {cm.when() - t0:.1f} s")
        await step("step 4", 0.6)
    print(f"done at {elapsed()}, expired() = {cm.expired()}")


asyncio.run(main())
