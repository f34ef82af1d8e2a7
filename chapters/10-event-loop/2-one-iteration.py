# Chapter 10, demo 2: the loop, one turn at a time.
# loop._run_once() is asyncio's one iteration of run_forever(). It is a
# PRIVATE method (the leading underscore): fine for looking inside, never
# for real programs. So are loop._ready and loop._scheduled below.
# Real clock: turn 3 really waits one second.
import asyncio

loop = asyncio.new_event_loop()
t0 = loop.time()


def elapsed():
    return loop.time() - t0


def say(msg):
    print(f"{elapsed():.1f} s    say: {msg}")


def third():
    print(f"{elapsed():.1f} s    third")


def first():
    print(f"{elapsed():.1f} s    first: call_soon(third)")
    loop.call_soon(third)  # waits for turn 2


def second():
    print(f"{elapsed():.1f} s    second: call_later(0, say)")
    loop.call_later(0, say, "second's call_later(0)")


def tick():
    print(f"{elapsed():.1f} s    tick: call_soon(say)")
    loop.call_soon(say, "queued by tick")


loop.call_soon(first)
loop.call_soon(second)
loop.call_later(0, say, "main's call_later(0)")
loop.call_later(1.0, tick)
loop.call_later(0.5, say, "cancelled, never runs").cancel()
print("scheduled: call_soon(first), call_soon(second), call_later(0), call_later(1.0), "
      "cancelled call_later(0.5)")

for turn in range(1, 5):
    print(f"--- turn {turn}, loop time {elapsed():.1f} s ---")
    loop._run_once()
scheduled = len(loop._ready) + sum(not h.cancelled() for h in loop._scheduled)
print(f"after turn 4: {scheduled} callbacks scheduled")

loop.close()
