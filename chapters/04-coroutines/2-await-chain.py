# Chapter 04, demo 2: await is delegation, several levels deep.
# The notes' print_sum/compute (seed 001 §4.1) without asyncio: compute
# awaits an add coroutine instead of sleeping, and add gives the driver a
# turn the way asyncio.sleep(0) does, with a bare yield.
import types


@types.coroutine
def sleep0():
    # asyncio.sleep(0) underneath: a generator-based coroutine whose bare
    # yield travels up the whole await chain to whoever calls send().
    yield


async def add(x, y):
    print(f"  add({x}, {y}): yield to the driver")
    await sleep0()
    print(f"  add({x}, {y}): resumed, return {x + y}")
    return x + y


async def compute(x, y):
    print('  Compute {} + {} ...'.format(x, y))
    result = await add(x, y)
    print(f"  compute: await add({x}, {y}) gave {result}")
    return result


async def print_sum(x, y):
    result = await compute(x, y)
    print('  {} + {} = {}'.format(x, y, result))
    return result


def run(coroutine):
    # The notes' run(), completed: send None until the coroutine stops.
    while True:
        try:
            coroutine.send(None)
        except StopIteration as e:
            return e.value


print("run(print_sum(1, 2)):")
print(f"run returned {run(print_sum(1, 2))}")

print("by hand, print_sum(3, 4):")
coro = print_sum(3, 4)
sends = 0
while True:
    sends += 1
    print(f"driver: send(None) #{sends}")
    try:
        yielded = coro.send(None)
    except StopIteration as e:
        print(f"driver: StopIteration, value {e.value}")
        break
    print(f"driver: the chain yielded {yielded!r}")
