# Chapter 12, demo 1: the notes' say_after, awaited in sequence, then as
# two tasks. Prints elapsed loop time instead of time.strftime('%X').
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(f"{what} at {elapsed()}")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    print(f"started at {elapsed()}")
    await say_after(1, 'hello')
    await say_after(2, 'world')
    print(f"finished at {elapsed()}")


async def main_tasks():
    global t0
    t0 = asyncio.get_running_loop().time()
    task1 = asyncio.create_task(say_after(1, 'hello'))
    task2 = asyncio.create_task(say_after(2, 'world'))
    print(f"started at {elapsed()}")
    # Wait until both tasks are completed (should take around 2 seconds.)
    await task1
    await task2
    print(f"finished at {elapsed()}")


print("--- await say_after() twice: one after the other ---")
asyncio.run(main())
print("--- two tasks: side by side ---")
asyncio.run(main_tasks())
