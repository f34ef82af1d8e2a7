import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def work(delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(asyncio.current_task().get_name())
    return asyncio.current_task().get_name()


def show(label, tasks, done, pending):
    # sets have no order: list them in the order of `tasks`
    print(f"{label} at {elapsed()} s: done={[t.get_name() for t in tasks if t in done]}"
          f" pending={[t.get_name() for t in tasks if t in pending]}")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    tasks = [
        asyncio.create_task(work(0.1), name="a"),
        asyncio.create_task(work(0.2, fail=True), name="b"),
        asyncio.create_task(work(0.3), name="c"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    show("FIRST_COMPLETED", tasks, done, pending)
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    show("FIRST_EXCEPTION", tasks, done, pending)
    print(f"b raised {tasks[1].exception()!r}")
    done, pending = await asyncio.wait(tasks)
    show("ALL_COMPLETED", tasks, done, pending)

    tasks = [asyncio.create_task(work(0.1), name="d"), asyncio.create_task(work(0.5), name="e")]
    done, pending = await asyncio.wait(tasks, timeout=0.3)
    show("timeout=0.3", tasks, done, pending)
    print(f"e: cancelled={tasks[1].cancelled()}")  # a timeout cancels nothing
    done, pending = await asyncio.wait(pending)
    show("then", tasks, done, pending)


asyncio.run(main())
