# Chapter 20, demo 1: the notes' lock example (seed 001 §4.3(2)).
# The notes wrote `with await lock:` (gone since Python 3.10) and
# asyncio.wait([coroutines]) (3.11 wants tasks): here `async with lock:`
# and two tasks awaited in turn. The output is the notes' own.
import asyncio
import functools


def unlock(lock):
    print('callback releasing lock')
    lock.release()


async def test(locker, lock):
    print('{} waiting for the lock'.format(locker))
    async with lock:
        print('{} acquired lock'.format(locker))
    print('{} released lock'.format(locker))


async def main():
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    await lock.acquire()
    loop.call_later(0.1, functools.partial(unlock, lock))
    t1 = asyncio.create_task(test('l1', lock))
    t2 = asyncio.create_task(test('l2', lock))
    await t1
    await t2


asyncio.run(main())
