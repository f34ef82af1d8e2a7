# Chapter 25, demo 4: `async with` as one protocol (__aenter__/__aexit__).
# Chapter 20's lock example (seed 001 §4.3(2)), with the two tasks in a
# TaskGroup: the lock and the group are both entered with `async with`.
# The body of l2's block raises, to show __aexit__ seeing the exception:
# the lock is released and the error goes on (into the TaskGroup).
import asyncio
import functools


def unlock(lock):
    print('callback releasing lock')
    lock.release()


async def test(locker, lock, fail):
    print('{} waiting for the lock'.format(locker))
    async with lock:
        print('{} acquired lock'.format(locker))
        if fail:
            raise ValueError(locker + ' failed inside the block')
    print('{} released lock'.format(locker))


async def main():
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    await lock.acquire()
    loop.call_later(0.1, functools.partial(unlock, lock))
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(test('l1', lock, False))
            tg.create_task(test('l2', lock, True))
    except* ValueError as eg:
        print('the group raised:', repr(eg.exceptions[0]))
    print('lock locked after both:', lock.locked())


asyncio.run(main())
