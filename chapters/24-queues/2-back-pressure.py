# Chapter 24, demo 2: maxsize back-pressure, task_done() and join().
# The producer is fast, the consumer takes 0.5 s per item. With
# maxsize=2 the producer gets at most two items ahead: each put() on a
# full queue waits for a get(). join() returns when the last item has had
# its task_done(), which is later than when the queue became empty.
import asyncio

t0 = 0.0


def now():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def producer(q, n):
    for i in range(1, n + 1):
        await q.put(i)
        print(f"put {i} at {now()} s, qsize = {q.qsize()}")


async def consumer(q):
    while True:
        item = await q.get()
        await asyncio.sleep(0.5)
        print(f"    done {item} at {now()} s")
        q.task_done()


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    q = asyncio.Queue(maxsize=2)
    c = asyncio.create_task(consumer(q))
    await producer(q, 6)
    print(f"producer finished at {now()} s, qsize = {q.qsize()}")
    await q.join()
    print(f"join() returned at {now()} s")
    c.cancel()


asyncio.run(main())
