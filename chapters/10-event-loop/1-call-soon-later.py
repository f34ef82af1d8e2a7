# Chapter 10, demo 1: call_soon, call_later, call_at and the order in which
# the loop runs them; cancel; stop() from a callback; close().
# asyncio's real loop: this program really waits 2.5 s (the C demo runs on
# the virtual clock and takes no time). Times are printed relative to t0.
import asyncio

loop = asyncio.new_event_loop()
t0 = loop.time()


def elapsed():
    return loop.time() - t0


def hello(name):
    print(f"{elapsed():.1f} s  {name}")


def stop_loop():
    running = asyncio.get_running_loop()
    print(f"{elapsed():.1f} s  stop_loop: stop()  (get_running_loop() is loop: {running is loop})")
    running.stop()


def wind_down():
    # stop() does not cut the turn short: the callback behind it still runs.
    running = asyncio.get_running_loop()
    print(f"{elapsed():.1f} s  wind_down: call_soon(stop_loop), call_soon(hello)")
    running.call_soon(stop_loop)
    running.call_soon(hello, "queued behind stop_loop: same turn")


print(f"{elapsed():.1f} s  scheduling")
loop.call_later(1.0, hello, "call_later(1.0)")
loop.call_at(t0 + 2.0, hello, "call_at(t0 + 2.0) #1")
# CPython leaves the order of EQUAL deadlines undefined (its heapq is not
# stable: with exactly t0 + 2.0 this twin printed #2 before #1). The C
# library breaks ties by a sequence number; to print the same, the twin
# puts #2 one microsecond later.
loop.call_at(t0 + 2.0 + 1e-6, hello, "call_at(t0 + 2.0) #2")
loop.call_at(t0 + 0.5, hello, "call_at(t0 + 0.5)")
loop.call_later(0, hello, "call_later(0)")
loop.call_soon(hello, "call_soon #1")
loop.call_soon(hello, "call_soon #2")
loop.call_soon(hello, "call_soon #3")

soon = loop.call_soon(hello, "cancelled call_soon")
later = loop.call_later(1.5, hello, "cancelled call_later(1.5)")
soon.cancel()
later.cancel()
print(f"{elapsed():.1f} s  cancelled two handles: {soon.cancelled()} {later.cancelled()}")

loop.call_at(t0 + 2.5, wind_down)
loop.call_later(3.0, hello, "call_later(3.0): never runs")

print(f"{elapsed():.1f} s  run_forever()")
loop.run_forever()
print(f"{elapsed():.1f} s  run_forever() returned")

try:
    asyncio.get_running_loop()
except RuntimeError as e:
    print(f"get_running_loop() outside: {type(e).__name__}: {e}")

loop.close()
print(f"is_closed(): {loop.is_closed()}")
