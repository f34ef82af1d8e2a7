import asyncio


async def foo():
    return 42


async def main():
    task = asyncio.create_task(foo())
    done, pending = await asyncio.wait((task,))
    if task in done:
        print(f"The task's result is {task.result()}")

    # 3.11: a bare coroutine is refused (wrap it in a task yourself)
    coro = foo()
    try:
        await asyncio.wait([coro])
    except TypeError as e:
        print(f"wait([foo()]) raised TypeError: {e}")
    coro.close()  # never run: close it so Python does not warn

    try:
        await asyncio.wait([])
    except ValueError as e:
        print(f"wait([]) raised ValueError: {e}")


asyncio.run(main())
