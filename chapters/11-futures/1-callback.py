# Chapter 11, demo 1: the notes' done callback, before there are tasks.
# The notes wrap work(1) in a task; here the "work" is a chain of loop
# callbacks (call_soon, then call_later) and the last one fills in a future
# made with loop.create_future(). run_until_complete is written by hand:
# a second done callback stops the loop.
import asyncio


def work(loop, fut, x, round=0):
    print('Work {} is running ..'.format(x))
    if round < 2:
        loop.call_later(0.1, work, loop, fut, x, round + 1)
    else:
        fut.set_result("Work {} is finished".format(x))


def call_back(future):
    print("Callback: {}".format(future.result()))


def stop_loop(future):  # what run_until_complete adds for you
    future.get_loop().stop()


loop = asyncio.new_event_loop()
t0 = loop.time()
fut = loop.create_future()
print(fut)
fut.add_done_callback(call_back)
fut.add_done_callback(stop_loop)
loop.call_soon(work, loop, fut, 1)
loop.run_forever()
print(fut)
print(f"finished at {loop.time() - t0:.1f} s")
loop.close()
