# Chapter 27, demo 3: what a reader sees at the edges. The server's reader
# has limit=16. The client sends a field ending in '|', then one too long
# for the limit (LimitOverrunError: the bytes stay in the buffer, and the
# server skips them with readexactly), then 'abc' and write_eof(): the
# server's readexactly(5) gets IncompleteReadError, and every read after
# it sees EOF. The connection is only half closed: the server still
# answers, and the client reads that answer to the end.
# 3-eof-and-errors.c is the same program in C.
import asyncio


async def server_side(reader, writer):
    field = await reader.readuntil(b'|')
    print('server: readuntil:', field)
    writer.write(b'ok\n')
    try:
        await reader.readuntil(b'|')
    except asyncio.LimitOverrunError as e:
        print(f'server: LimitOverrunError: {e}; consumed = {e.consumed}')
        skipped = await reader.readexactly(e.consumed + 1)
        print('server: skipped', skipped)
    writer.write(b'ok\n')
    try:
        await reader.readexactly(5)
    except asyncio.IncompleteReadError as e:
        print(f'server: IncompleteReadError: {e}')
        print(f'server: partial = {e.partial!r}, expected = {e.expected}')
        print('server: an EOFError:', isinstance(e, EOFError))
    print('server: at_eof() =', reader.at_eof())
    print('server: read() =', await reader.read())
    print('server: readline() =', await reader.readline())
    try:
        await reader.readuntil(b'|')
    except asyncio.IncompleteReadError as e:
        print(f'server: readuntil: IncompleteReadError: {e}')
    writer.write(b'you said goodbye\n')   # the other direction is still open
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(server_side, '127.0.0.1', 0, limit=16)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(b'key=value|')
    print('client:', await reader.readline())
    writer.write(b'0123456789abcdefXYZ|')
    print('client:', await reader.readline())
    writer.write(b'abc')
    print('client: can_write_eof() =', writer.can_write_eof())
    writer.write_eof()
    print('client: read() =', await reader.read())
    print('client: at_eof() =', reader.at_eof())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


asyncio.run(main())
