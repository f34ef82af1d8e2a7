# Chapter 11, demo 2: the notes' functools.partial example. A done callback
# gets the future as its last argument; partial freezes the ones before it.
import asyncio
import functools


def work(loop, fut, x, round=0):
    print('Work {} is running ..'.format(x))
    if round < 2:
        loop.call_later(0.1, work, loop, fut, x, round + 1)
    else:
        fut.set_result("Work {} is finished".format(x))


def call_back_2(num, future):
    print("Callback_2: {}, the num is {}".format(future.result(), num))


def stop_loop(future):
    future.get_loop().stop()


loop = asyncio.new_event_loop()
fut = loop.create_future()
fut.add_done_callback(functools.partial(call_back_2, 100))
fut.add_done_callback(stop_loop)
loop.call_soon(work, loop, fut, 1)
loop.run_forever()
loop.close()
