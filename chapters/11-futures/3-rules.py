# Chapter 11, demo 3: the rules of a future, made visible.
# The loop is turned by hand, one turn at a time: loop.stop() followed by
# loop.run_forever() runs exactly one turn (asyncio documents this).
import asyncio
import functools


def err(e):  # the last line of a traceback
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


loop = asyncio.new_event_loop()
turn = 0


def run_once():
    global turn
    turn += 1
    print(f"turn {turn}")
    loop.stop()
    loop.run_forever()


print("1. result() of a pending future")
fut = loop.create_future()
print(" ", fut)
try:
    fut.result()
except asyncio.InvalidStateError as e:
    print("  result():", err(e))

print("2. set_result twice")
fut.set_result(1)
print("  set_result(1): ok")
try:
    fut.set_result(2)
except asyncio.InvalidStateError as e:
    print("  set_result(2):", err(e))
print("  result():", fut.result())
print("  exception():", fut.exception())
print("  cancel():", fut.cancel())
print(" ", fut)

print("3. cancel")
fut = loop.create_future()
print("  cancel('no longer needed'):", fut.cancel("no longer needed"))
print("  cancel():", fut.cancel())
print("  cancelled():", fut.cancelled(), "done():", fut.done())
try:
    fut.result()
except asyncio.CancelledError as e:
    print("  result():", err(e))
print(" ", fut)

print("4. set_exception")
fut = loop.create_future()
fut.set_exception(ValueError("bad"))
print(" ", fut)
try:
    fut.result()
except ValueError as e:
    print("  result():", err(e))
print("  exception():", repr(fut.exception()))

print("5. done callbacks are scheduled, never called inline")


def report(name, fut):
    print(f"  {name} sees {fut.result()!r} (turn {turn})")
    if name == "A":
        fut.add_done_callback(functools.partial(report, "C"))
        print("  A added C to the done future")


fut = loop.create_future()
fut.add_done_callback(functools.partial(report, "A"))
fut.add_done_callback(functools.partial(report, "B"))
fut.set_result("done")
print("  set_result returned; no callback has run yet")
run_once()
run_once()
fut.add_done_callback(functools.partial(report, "D"))
print("  add_done_callback(D) returned; D has not run")
run_once()

print("6. remove_done_callback")


def shout(fut):
    print("  shout")


def whisper(fut):
    print("  whisper")


fut = loop.create_future()
fut.add_done_callback(shout)
fut.add_done_callback(whisper)
fut.add_done_callback(shout)
print("  removed:", fut.remove_done_callback(shout))
fut.set_result(None)
run_once()

fut = loop.create_future()
first_e = functools.partial(report, "E")
fut.add_done_callback(first_e)
fut.add_done_callback(functools.partial(report, "F"))
fut.add_done_callback(functools.partial(report, "E"))  # another closure
print("  removed first_e:", fut.remove_done_callback(first_e))
fut.set_result("done")
run_once()

print("7. an exception nobody retrieved")


def handler(loop, context):
    print(f"  handler: {context['message']}: {err(context['exception'])}")


loop.set_exception_handler(handler)
fut = loop.create_future()
fut.set_exception(ValueError("lost"))
print("  del fut")
del fut
print("  end")
loop.close()
