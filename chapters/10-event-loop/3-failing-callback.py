# Chapter 10, demo 3: a callback that fails does not stop the loop.
# Part 1: the default exception handler writes to stderr. Part 2: a handler
# of our own prints context['message'] and context['exception'] to stdout.
# CPython's message ends with " at FILE:LINE"; 3-failing-callback.sed
# removes it (the C library cannot know where a callback was defined).
import asyncio

loop = asyncio.new_event_loop()
t0 = loop.time()


def elapsed():
    return loop.time() - t0


def divide(x):
    print(f"{elapsed():.1f} s  divide({x}): {x} / 0")
    return x / 0


def say(msg):
    print(f"{elapsed():.1f} s  say: {msg}")


def stop_loop():
    asyncio.get_running_loop().stop()


def handler(loop, context):
    print(f"{elapsed():.1f} s  handler: message: {context['message']}")
    exc = context.get('exception')
    if exc is not None:
        print(f"{elapsed():.1f} s  handler: exception: {type(exc).__name__}: {exc}")


print("1. the default exception handler (it writes to stderr)")
loop.call_soon(divide, 1)
loop.call_soon(say, "the next callback still runs")
loop.call_soon(stop_loop)
loop.run_forever()

print("2. set_exception_handler(handler)")
loop.set_exception_handler(handler)
loop.call_soon(divide, 2)
loop.call_later(0.5, divide, 3)
loop.call_later(1.0, say, "still running")
loop.call_later(1.0, stop_loop)
loop.run_forever()

loop.close()
