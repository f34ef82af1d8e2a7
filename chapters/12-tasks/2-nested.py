# Chapter 12, demo 2: the notes' nested1..4 example (seed 001, 4.2(6)).
import asyncio


async def nested1():
    print("nested1")
    await asyncio.sleep(0.5)
    print("nested1 is finished!")
    return 1


async def nested2():
    print("nested2")
    await asyncio.sleep(0.5)
    print("nested2 is finished!")
    return 2


async def nested3():
    print("nested3")
    await asyncio.sleep(0.5)
    print("nested3 is finished!")
    return 3


async def nested4():
    print("nested4")
    await asyncio.sleep(0.5)
    print("nested4 is finished!")
    return 4


async def main():
    # Schedule nested() to run soon concurrently with "main()".
    print("main")

    task1 = asyncio.create_task(nested1())
    task2 = asyncio.create_task(nested2())
    task3 = asyncio.create_task(nested3())
    task4 = asyncio.create_task(nested4())

    await asyncio.sleep(1)

    # "task" can now be used to cancel "nested()", or
    # can simply be awaited to wait until it is complete:
    print(await task1)
    print(await task2)
    print(await task3)
    print(await task4)

asyncio.run(main())
