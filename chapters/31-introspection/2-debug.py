# Chapter 31, demo 2 in Python: debug mode reports a slow callback and a
# call_soon from another thread. (The slow-callback line is a logging
# warning in CPython; this prints it as the C demo's handler does.)
import asyncio
import logging
import sys
import threading
import time


class Print(logging.Handler):
    def emit(self, record):
        print("handler:", record.getMessage())
        sys.stdout.flush()


logging.getLogger("asyncio").addHandler(Print())
logging.getLogger("asyncio").propagate = False


def blocking():
    time.sleep(0.15)  # a blocking call: the whole loop stops


def hello():
    print("hello")


def other_thread(loop):
    try:
        loop.call_soon(hello)
    except RuntimeError as e:
        print("other thread: RuntimeError:", e)


async def main():
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    print("debug:", loop.get_debug())
    print("slow_callback_duration:", loop.slow_callback_duration)
    loop.call_soon(blocking)
    await asyncio.sleep(0.01)
    t = threading.Thread(target=other_thread, args=(loop,))
    t.start()
    t.join()
    loop.call_soon(hello)
    await asyncio.sleep(0)


asyncio.run(main())
