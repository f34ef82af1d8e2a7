# Chapter 12, demo 4: the notes' sequence-diagram example (seed 001, 4.1).
# The notes call asyncio.get_event_loop(); a new loop is the same here and
# is what Python 3.12+ asks for.
import asyncio


async def compute(x, y):
    print('Compute {} + {} ...'.format(x, y))
    await asyncio.sleep(1.0)
    return x + y


async def print_sum(x, y):
    result = await compute(x, y)
    print('{} + {} = {}'.format(x, y, result))


loop = asyncio.new_event_loop()
loop.run_until_complete(print_sum(1, 2))
loop.close()
