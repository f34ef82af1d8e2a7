# bench_streams.py - chapter 27's benchmark: CPython's asyncio streams echo
# server, the same program as bench-streams.c. Prints its port, then
# serves until killed.
import asyncio


async def echo(reader, writer):
    while data := await reader.read(4096):
        writer.write(data)
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(echo, '127.0.0.1', 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
