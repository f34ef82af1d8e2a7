# Chapter 22, demo 2: wait_for(predicate), notify_all, and the lock rule.
# Three buyers wait until the stock covers what each needs; a supplier
# adds 2 items every 0.5 s and notifies everyone. Each woken buyer takes the
# lock in turn, checks ITS predicate again, and buys or waits again.
import asyncio

t0 = 0.0
stock = 0


def now():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def buyer(cond, name, need):
    global stock
    async with cond:
        print(f"{name} waits for stock >= {need}")
        lots = await cond.wait_for(lambda: stock // need)
        stock -= need
        print(f"{name} bought {need} at {now()} s, wait_for -> {lots}, stock = {stock}")


async def supplier(cond, rounds):
    global stock
    for _ in range(rounds):
        await asyncio.sleep(0.5)
        async with cond:
            stock += 2
            print(f"supplier: stock = {stock} at {now()} s, notify_all()")
            cond.notify_all()


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    cond = asyncio.Condition()
    try:
        await cond.wait()
    except RuntimeError as e:
        print(f"wait() without the lock: RuntimeError: {e}")
    buyers = [asyncio.create_task(buyer(cond, name, need))
              for name, need in (("a", 3), ("b", 1), ("c", 4))]
    await asyncio.create_task(supplier(cond, 4))
    for b in buyers:
        await b
    print(f"done at {now()} s, stock = {stock}")


asyncio.run(main())
