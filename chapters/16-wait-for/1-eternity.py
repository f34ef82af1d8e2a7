# Chapter 16, demo 1: the notes' eternity() under wait_for(timeout=1.0)
# (seed 001 §4.4(3)), then a version whose cleanup takes time, to show that
# wait_for waits for the cancelled inner to finish before raising.
# Prints elapsed loop time; asyncio.TimeoutError is the builtin TimeoutError
# since Python 3.11.
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def eternity():
    # Sleep for one hour
    await asyncio.sleep(3600)
    print('yay!')


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    # Wait for at most 1 second
    try:
        await asyncio.wait_for(eternity(), timeout=1.0)
    except asyncio.TimeoutError:
        print('timeout!')
    print(f"main: after {elapsed()}")


async def eternity_with_cleanup():
    try:
        await asyncio.sleep(3600)
        print('yay!')
    except asyncio.CancelledError:
        print(f"eternity: cancelled at {elapsed()}, cleaning up")
        await asyncio.sleep(0.5)  # the cleanup takes time: wait_for waits for it
        print(f"eternity: cleanup done at {elapsed()}")
        raise


async def main_cleanup():
    global t0
    t0 = asyncio.get_running_loop().time()
    try:
        await asyncio.wait_for(eternity_with_cleanup(), timeout=1.0)
    except TimeoutError as e:
        print(f"timeout! at {elapsed()}, cause: {e.__cause__!r}")


print("--- the notes' eternity() under wait_for(timeout=1.0) ---")
asyncio.run(main())
print("--- the inner's cleanup runs before the caller hears of the timeout ---")
asyncio.run(main_cleanup())
