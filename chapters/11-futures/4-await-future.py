# Chapter 11, demo 4: a coroutine awaiting a future, driven by hand with
# send(None) as in chapter 04. await fut is yield from fut: a pending
# future yields ITSELF up to the driver; once done, the next send makes
# the await return its result. A future that is already done returns its
# result at the first send, without yielding.
import asyncio


async def waiter(fut):
    print("waiter: await fut")
    value = await fut
    print(f"waiter: await gave {value!r}")
    return value


def set_it(fut):
    print(f"callback at {loop.time() - t0:.1f} s: set_result('the answer')")
    fut.set_result("the answer")


def stop_loop(fut):
    fut.get_loop().stop()


loop = asyncio.new_event_loop()
t0 = loop.time()
fut = loop.create_future()
coro = waiter(fut)

print("driver: send(None) #1")
yielded = coro.send(None)
print("driver: the coroutine yielded", yielded)
print("driver: isfuture:", asyncio.isfuture(yielded), "| our future:", yielded is fut)
# Future.__await__ raised a flag on the way up ("a future, not a bare
# yield"); a Task checks it and lowers it. The C library has no flag: it
# recognises a future by its type.
assert yielded._asyncio_future_blocking
yielded._asyncio_future_blocking = False

print("driver: add a done callback that stops the loop, run the loop")
loop.call_later(0.5, set_it, fut)
yielded.add_done_callback(stop_loop)
loop.run_forever()
print(f"driver: the loop stopped at {loop.time() - t0:.1f} s;", fut)

print("driver: send(None) #2")
try:
    coro.send(None)
except StopIteration as e:
    print("driver: StopIteration, value", repr(e.value))

print("driver: the future is done; a new waiter, send(None) #1")
coro = waiter(fut)
try:
    coro.send(None)
except StopIteration as e:
    print("driver: StopIteration at the first send, value", repr(e.value))
loop.close()
