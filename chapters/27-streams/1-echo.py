# Chapter 27, demo 1: the echo server and client over streams (the
# example of Python's asyncio documentation, both sides in one program).
# The server answers one message and closes; the client sends, reads the
# echo, closes. Each side's lines follow from the other's, so the order is
# always this one. 1-echo.c is the same program in C.
import asyncio


async def handle_echo(reader, writer):
    data = await reader.read(100)
    addr = writer.get_extra_info('peername')
    print(f"server: received {data!r} from {addr!r}")
    print(f"server: send {data!r}")
    writer.write(data)
    await writer.drain()
    print("server: close the connection")
    writer.close()
    await writer.wait_closed()


async def tcp_echo_client(message, port):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    print(f'client: send {message!r}')
    writer.write(message)
    await writer.drain()
    data = await reader.read(100)
    print(f'client: received {data!r}')
    print('client: close the connection')
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle_echo, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    print('serving on', server.sockets[0].getsockname())
    await tcp_echo_client(b'Hello World!\n', port)
    server.close()
    await server.wait_closed()
    print('server stopped')


asyncio.run(main())
