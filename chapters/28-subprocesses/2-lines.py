# Chapter 28, demo 2: a child's output, line by line, while a ticker ticks.
import asyncio
import os


def leftovers(fds_before):
    try:
        os.waitpid(-1, os.WNOHANG)
        children = "a child is left"
    except ChildProcessError:
        children = "no child left"
    fds = len(os.listdir("/proc/self/fd")) - fds_before
    print(f"{children}, {fds} descriptors more than at the start")


async def ticker():
    while True:
        print("tick")
        await asyncio.sleep(0.1)


async def main():
    proc = await asyncio.create_subprocess_shell(
        "for i in 1 2 3; do echo line $i; sleep 0.5; done",
        stdout=asyncio.subprocess.PIPE)
    t = asyncio.create_task(ticker())
    async for line in proc.stdout:
        print("got", line)
    print("EOF, returncode", await proc.wait())
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("ticker cancelled")


fds_before = len(os.listdir("/proc/self/fd"))
asyncio.run(main())
leftovers(fds_before)
