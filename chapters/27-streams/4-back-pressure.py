# Chapter 27, demo 4: back-pressure. A fast writer against a slow reader
# (a server that reads nothing for 0.2 s, then everything). The writer
# sends 64 blocks of 64 KiB, twice: first without drain(): every write
# returns at once and the transport's buffer just grows; then with
# `await writer.drain()` after each write: the writer waits whenever the
# buffer is above the high-water mark (64 KiB) and goes on when it is
# back at the low-water mark, so the buffer never holds much more than
# one block above the mark. The writer's kernel send buffer is set small
# (64 KiB) so that the effect shows with a few MB. Sizes depend on the
# kernel: 4-back-pressure.sed hides them. 4-back-pressure.c is the C.
import asyncio
import socket

BLOCK = bytes(65536)
BLOCKS = 64
HIGH = 65536


async def slow_reader(reader, writer):
    await asyncio.sleep(0.2)              # a slow consumer
    data = await reader.read()            # then everything, to EOF
    print(f'server: received {len(data)} bytes')
    writer.close()
    await writer.wait_closed()
    served.set()


async def flood(port, use_drain):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.get_extra_info('socket').setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
    transport = writer.transport
    largest = waits = 0
    steady = True
    for i in range(BLOCKS):
        before = transport.get_write_buffer_size()
        writer.write(BLOCK)
        size = transport.get_write_buffer_size()
        largest = max(largest, size)
        if before > 0 and size != before + len(BLOCK):
            steady = False
        if not use_drain and (i + 1) % 16 == 0:
            print(f'  buffer after {i + 1} writes: {size} bytes')
        if use_drain:
            if size > HIGH:
                waits += 1                # this drain() will wait
            await writer.drain()
    if use_drain:
        print(f'  largest buffer {largest} bytes: at most high-water mark + one block:',
              largest <= HIGH + len(BLOCK))
        print(f'  drain() waited {waits} times: at least once:', waits > 0)
    else:
        print('  once the kernel took what it could, each write added 65536 bytes:', steady)
        print(f'  largest buffer {largest} bytes: more than half of all written:',
              largest > BLOCKS * len(BLOCK) // 2)
    writer.close()
    await writer.wait_closed()


async def main():
    global served
    served = asyncio.Event()
    server = await asyncio.start_server(slow_reader, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    for use_drain in (False, True):
        print('with drain():' if use_drain else 'without drain():')
        served.clear()
        await flood(port, use_drain)
        await served.wait()                # the server prints what it got
    server.close()
    await server.wait_closed()


asyncio.run(main())
