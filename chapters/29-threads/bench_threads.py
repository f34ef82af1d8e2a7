"""Chapter 29 benchmark, CPython side: the workloads of bench-threads.c in
asyncio, printed the same way ("name value unit").

    python3 bench_threads.py [N_TO_THREAD [N_WAKEUP]]   (defaults 2000 2000)
"""
import asyncio
import sys
import threading
import time

N1 = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
N2 = int(sys.argv[2]) if len(sys.argv) > 2 else 2000


def report(name, value, unit):
    print(f"{name:<24} {value:12.2f} {unit}")


def empty():
    return None


async def to_thread_bench(n):
    await asyncio.to_thread(empty)  # warm-up: the worker starts
    t0 = time.perf_counter_ns()
    for _ in range(n):
        await asyncio.to_thread(empty)
    report("to_thread_ns", (time.perf_counter_ns() - t0) / n, "ns")


async def wakeup_bench(n):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    lat = []
    sent_at = [0]
    go = threading.Semaphore(0)

    def on_wakeup():
        lat.append(time.perf_counter_ns() - sent_at[0])
        if len(lat) == n:
            done.set_result(None)
        else:
            go.release()

    def sender():
        for i in range(n):
            time.sleep(0.00005)
            sent_at[0] = time.perf_counter_ns()
            loop.call_soon_threadsafe(on_wakeup)
            if i + 1 < n:
                go.acquire()

    th = threading.Thread(target=sender)
    th.start()
    await done
    th.join()
    lat.sort()
    report("wakeup_ns", lat[n // 2], "ns")


asyncio.run(to_thread_bench(N1))
asyncio.run(wakeup_bench(N2))
