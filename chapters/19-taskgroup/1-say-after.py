# Chapter 19, demo 1: the notes' say_after with a TaskGroup (seed 004).
# Both tasks run side by side; leaving the `async with` block waits for
# them. Prints elapsed loop time instead of time.strftime('%X').
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
    async with asyncio.TaskGroup() as tg:
        task1 = tg.create_task(
            say_after(1, 'hello'))

        task2 = tg.create_task(
            say_after(2, 'world'))

        print(f"started at {elapsed()}")

    # The await is implicit when the context manager exits.

    print(f"finished at {elapsed()}")


asyncio.run(main())
