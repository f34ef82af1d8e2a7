# Chapter 12, demo 3: three work(x) tasks interleaving (seed 001, 4.2(5)).
# The notes collect the results with asyncio.wait and iterate `dones`, a
# set, so their order is arbitrary; wait() is chapter 15. Here main awaits
# the tasks in order, so the results print in order.
import asyncio


async def work(x):
    for _ in range(3):
        print("Work {} is running ..".format(x))
        await asyncio.sleep(1)
    return "Work {} is finished!".format(x)


async def main_work():
    coroutine_1 = work(1)
    coroutine_2 = work(2)
    coroutine_3 = work(3)

    tasks = [
        asyncio.ensure_future(coroutine_1),
        asyncio.ensure_future(coroutine_2),
        asyncio.ensure_future(coroutine_3),
    ]

    for task in tasks:
        print("The task's result is : {}".format(await task))

if __name__ == "__main__":
    loop = asyncio.new_event_loop()
    loop.run_until_complete(main_work())
    loop.close()
