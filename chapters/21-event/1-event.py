# Chapter 21, demo 1: the notes' event example (seed 001 §4.3(4)).
# asyncio.wait([coroutines]) of the notes becomes two tasks awaited in
# turn (Python 3.11 wants tasks); the output is the notes' own.
import asyncio
import functools


def set_event(event):
    print('setting event in callback')
    event.set()


async def test(name, event):
    print('{} waiting for event'.format(name))
    await event.wait()
    print('{} triggered'.format(name))


async def main():
    loop = asyncio.get_running_loop()
    event = asyncio.Event()
    print('event start state: {}'.format(event.is_set()))
    loop.call_later(0.1, functools.partial(set_event, event))
    t1 = asyncio.create_task(test('e1', event))
    t2 = asyncio.create_task(test('e2', event))
    await t1
    await t2
    print('event end state: {}'.format(event.is_set()))


asyncio.run(main())
