# Chapter 04, demo 3: a round-robin scheduler (a trampoline).
# Three work(x) coroutines (the notes' work, seed 001 §4.2) take turns:
# a ready queue, and one driver that is the only caller of send().
import types
from collections import deque


@types.coroutine
def switch():
    # A bare yield: "I can go on later, give the others a turn".
    yield


async def work(x):
    for _ in range(3):
        print('Work {} is running ..'.format(x))
        await switch()
    return 'Work {} is finished'.format(x)


def on_done(coro, value, exc):
    if exc is not None:
        print(f"on_done: {coro.__name__} raised {type(exc).__name__}: {exc}")
    else:
        print(f"on_done: {coro.__name__} returned {value!r}")


def trampoline(coros):
    ready = deque(coros)             # the ready queue
    sends = 0
    while ready:
        coro = ready.popleft()       # the front one gets a turn
        sends += 1
        try:
            coro.send(None)
        except StopIteration as e:   # returned: report it, drop it
            on_done(coro, e.value, None)
            continue
        except Exception as exc:     # raised: report it, drop it
            on_done(coro, None, exc)
            continue
        ready.append(coro)           # it yielded: to the back of the queue
    return sends


sends = trampoline([work(1), work(2), work(3)])
print(f"{sends} sends")
