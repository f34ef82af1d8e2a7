# Chapter 16, demo 3: nested timeout scopes. Only the scope whose deadline
# passed turns the cancellation into TimeoutError.
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def step(name, seconds):
    try:
        await asyncio.sleep(seconds)
        print(f"{name} done at {elapsed()}")
    except asyncio.CancelledError:
        print(f"{name} cancelled at {elapsed()}")
        raise


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()

    print("--- the inner scope (0.3 s) expires first ---")
    async with asyncio.timeout(1.0) as outer:
        try:
            async with asyncio.timeout(0.3) as inner:
                await step("inner work", 10)
        except TimeoutError:
            print(f"inner: TimeoutError at {elapsed()}, "
                  f"expired: inner {inner.expired()}, outer {outer.expired()}")
        await step("more work", 0.2)
    print(f"outer: finished at {elapsed()}, expired: {outer.expired()}")

    print("--- the outer scope (0.3 s) expires first ---")
    try:
        async with asyncio.timeout(0.3) as outer:
            try:
                async with asyncio.timeout(1.0) as inner:
                    await step("inner work", 10)
            except TimeoutError:
                print("not reached: the inner scope did not expire")
            except asyncio.CancelledError:
                print(f"inner: CancelledError passes through at {elapsed()}")
                raise
    except TimeoutError:
        print(f"outer: TimeoutError at {elapsed()}, "
              f"expired: inner {inner.expired()}, outer {outer.expired()}")


asyncio.run(main())
