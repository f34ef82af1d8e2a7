# Chapter 28, demo 2: a child's output, line by line, while a ticker ticks.
import asyncio


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


asyncio.run(main())
