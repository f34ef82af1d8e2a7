# Chapter 22, demo 1: the notes' condition example (seed 001 §4.3(3)).
# The notes wrote `with await cond:` (gone since Python 3.10) and
# asyncio.wait([coroutines]) (3.11 wants tasks): here `async with cond:`
# and the consumer tasks awaited in turn. The output is the notes' own.
import asyncio


async def consumer(cond, name, second):
    await asyncio.sleep(second)
    async with cond:
        await cond.wait()
        print('{}: Resource is available to consumer'.format(name))


async def producer(cond):
    await asyncio.sleep(2)
    for n in range(1, 3):
        async with cond:
            print('notifying consumer {}'.format(n))
            cond.notify(n=n)
        await asyncio.sleep(0.1)


async def producer2(cond):
    await asyncio.sleep(2)
    async with cond:
        print('Making resource available')
        cond.notify_all()


async def main():
    condition = asyncio.Condition()

    task = asyncio.create_task(producer(condition))
    consumers = [asyncio.create_task(consumer(condition, name, index))
                 for index, name in enumerate(('c1', 'c2'))]
    for c in consumers:
        await c
    task.cancel()

    task = asyncio.create_task(producer2(condition))
    consumers = [asyncio.create_task(consumer(condition, name, index))
                 for index, name in enumerate(('c1', 'c2'))]
    for c in consumers:
        await c
    task.cancel()


asyncio.run(main())
