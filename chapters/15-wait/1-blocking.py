import asyncio
import time

t0 = 0.0


def log(text):
    print(f"[{asyncio.get_running_loop().time() - t0:.1f} s] {text}")


async def work_1(x):
    log(f"Starting {x}")
    time.sleep(1)  # a BLOCKING call: the whole loop stops here for 1 s
    log(f"Starting {x}")
    for _ in range(3):
        log(f"Work {x} is running ..")
        await asyncio.sleep(2)
    return f"Work {x} is finished"


async def work_2(x):
    log(f"Starting {x}")
    for _ in range(3):
        await asyncio.sleep(1)
        log(f"Work {x} is running ..")
    return f"Work {x} is finished"


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    tasks = [
        asyncio.ensure_future(work_1(1)),
        asyncio.ensure_future(work_2(2)),
    ]
    dones, pendings = await asyncio.wait(tasks)
    for task in tasks:  # the notes loop over the set dones; its order is arbitrary
        if task in dones:
            print(task.result())
    print(f"pending: {len(pendings)}")


asyncio.run(main())
