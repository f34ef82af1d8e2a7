# Chapter 24, demo 3: the three kinds of queue, and the nowait errors.
import asyncio


def drain(q):
    out = []
    while not q.empty():
        out.append(q.get_nowait())
    return out


async def main():
    for kind in (asyncio.Queue, asyncio.LifoQueue):
        q = kind()
        for x in (1, 2, 3):
            q.put_nowait(x)
        print(f"{kind.__name__}: put 1 2 3, get {' '.join(map(str, drain(q)))}")

    pq = asyncio.PriorityQueue()
    for item in ((2, "c"), (0, "z"), (1, "a"), (2, "b")):
        pq.put_nowait(item)
    print(f"PriorityQueue: put c z a b, get {' '.join(v for _, v in drain(pq))}")
    pq.put_nowait((1, "a"))
    try:
        pq.put_nowait((1, 2))
    except TypeError as e:
        print(f"put_nowait((1, 2)) after (1, 'a'): TypeError: {e}")

    q = asyncio.Queue(maxsize=1)
    q.put_nowait("x")
    print(f"full() = {q.full()}")
    try:
        q.put_nowait("y")
    except asyncio.QueueFull:
        print("put_nowait on a full queue: QueueFull")
    q.get_nowait()
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("get_nowait on an empty queue: QueueEmpty")
    q.task_done()
    try:
        q.task_done()
    except ValueError as e:
        print(f"task_done() once too often: ValueError: {e}")


asyncio.run(main())
