# Chapter 24, demo 1: the notes' PriorityQueue producer/consumer (seed 001
# §4.3(5)). The notes draw random.sample(range(100), 7); a fixed sample
# keeps the output repeatable. The aiohttp fetch is simulated (0.1 s, it
# returns str(a) as httpbin's JSON did); `with (await sema):` is
# `async with sema:` since Python 3.10.
import asyncio

NUMBERS = [6, 4, 22, 48, 9, 90, 40]
sema = asyncio.Semaphore(3)


async def fetch_async(a):
    await asyncio.sleep(0.1)  # the simulated request
    return str(a)


async def collect_result(a):
    async with sema:
        return await fetch_async(a)


async def produce(queue):
    for num in NUMBERS:
        print('producing {}'.format(num))
        item = (num, num)
        await queue.put(item)


async def consume(queue):
    while 1:
        item = await queue.get()
        num = item[0]
        rs = await collect_result(num)
        print('consuming {}...'.format(rs))
        queue.task_done()


async def run():
    queue = asyncio.PriorityQueue()
    consumer = asyncio.ensure_future(consume(queue))
    await produce(queue)
    await queue.join()
    consumer.cancel()


asyncio.run(run())
