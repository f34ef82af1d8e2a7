# Chapter 20, demo 2: why one thread still needs a lock.
# Three tasks each add 10 to a shared balance three times. Between reading
# the balance and writing it back, each one awaits (here sleep(0): in real
# code a database call, a log write). Without a lock the other tasks run
# in that gap and updates are lost; with one, each read-await-write is
# done by one task at a time.
import asyncio

balance = 0


async def deposit_unsafe(name):
    global balance
    for _ in range(3):
        seen = balance
        print(f"{name} read {seen}")
        await asyncio.sleep(0)      # the others run here
        balance = seen + 10
        print(f"{name} wrote {balance}")


async def deposit_safe(name, lock):
    global balance
    for _ in range(3):
        async with lock:
            seen = balance
            await asyncio.sleep(0)  # the others run here, but not in here
            balance = seen + 10


async def main():
    global balance
    tasks = [asyncio.create_task(deposit_unsafe(n)) for n in "abc"]
    for t in tasks:
        await t
    print(f"without a lock: balance = {balance} (expected 90)")

    balance = 0
    lock = asyncio.Lock()
    tasks = [asyncio.create_task(deposit_safe(n, lock)) for n in "abc"]
    for t in tasks:
        await t
    print(f"with a lock:    balance = {balance} (expected 90)")


asyncio.run(main())
