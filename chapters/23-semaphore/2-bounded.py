# Chapter 23, demo 2: locked(), and why BoundedSemaphore exists.
# A release() without its acquire() is a bug. A plain Semaphore just
# counts it: from then on one more task than intended gets in. A
# BoundedSemaphore refuses to count above its initial value.
import asyncio


async def main():
    sem = asyncio.Semaphore(1)
    sem.release()  # the bug
    print(f"Semaphore(1) after a stray release(): value {sem._value}: two may enter now")

    bsem = asyncio.BoundedSemaphore(2)
    print(f"BoundedSemaphore(2): locked() = {bsem.locked()}")
    async with bsem:
        async with bsem:
            print(f"two inside: locked() = {bsem.locked()}")
    print(f"both left: locked() = {bsem.locked()}")
    try:
        bsem.release()  # the same bug
    except ValueError as e:
        print(f"a stray release(): ValueError: {e}")
    print(f"value still {bsem._value}")


asyncio.run(main())
