# Chapter 27, demo 2: a line protocol. The client sends one command per
# line ("add 2 3", "mul 4 5", ...); the server answers each with one line,
# reading with `async for line in reader` (readline until b''). The client
# ends with write_eof(): the server's loop ends, it says bye and closes.
# 2-line-protocol.c is the same program in C.
import asyncio


async def calculator(reader, writer):
    count = 0
    async for line in reader:
        op, a, b = line.split()
        a, b = int(a), int(b)
        result = a + b if op == b'add' else a * b if op == b'mul' else None
        print(f'server: {line!r} -> {result}')
        writer.write(f'{result}\n'.encode())
        await writer.drain()
        count += 1
    print(f'server: EOF after {count} lines, at_eof() = {reader.at_eof()}')
    writer.write(b'bye\n')
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(calculator, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    for command in [b'add 2 3\n', b'mul 4 5\n', b'add 40 2\n', b'mul 6 7\n']:
        writer.write(command)
        await writer.drain()
        answer = await reader.readline()
        print(f'client: {command!r} -> {answer!r}')
    writer.write_eof()
    print('client: the rest:', await reader.read())
    print('client: at_eof() =', reader.at_eof())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


asyncio.run(main())
