# Chapter 26, demo 1: chapter 09's echo server, one task per connection,
# written with the loop's socket coroutines. The client is a coroutine of
# the same program: two connections, four messages, each echo awaited
# before the next message, so the lines always come out in this order.
# 1-echo-tasks.c is the same program in C.
import asyncio
import socket


async def handle(conn, addr):
    loop = asyncio.get_running_loop()
    while True:
        data = await loop.sock_recv(conn, 1000)
        if not data:
            break
        print('echoing', repr(data), 'to', addr)
        await loop.sock_sendall(conn, data)
    print('closing', addr)
    conn.close()


async def server(sock):
    loop = asyncio.get_running_loop()
    try:
        while True:
            conn, addr = await loop.sock_accept(sock)
            print('accepted connection from', addr)
            loop.create_task(handle(conn, addr))
    finally:
        sock.close()


async def say(conn, msg):
    loop = asyncio.get_running_loop()
    await loop.sock_sendall(conn, msg)
    assert await loop.sock_recv(conn, 100) == msg


async def hang_up(conn):
    loop = asyncio.get_running_loop()
    conn.shutdown(socket.SHUT_WR)                  # the server reads EOF ...
    assert await loop.sock_recv(conn, 1) == b''    # ... and closes its end
    conn.close()


async def connect(port):
    conn = socket.socket()
    conn.setblocking(False)
    await asyncio.get_running_loop().sock_connect(conn, ('127.0.0.1', port))
    return conn


async def main():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    sock.listen(100)
    sock.setblocking(False)
    port = sock.getsockname()[1]
    server_task = asyncio.create_task(server(sock))

    a = await connect(port)
    await say(a, b'hello')
    b = await connect(port)  # a stays open
    await say(b, b'hi from the second connection')
    await say(a, b'still there?')
    await say(b, b'bye')
    await hang_up(a)
    await hang_up(b)

    server_task.cancel()  # stop the server
    try:
        await server_task
    except asyncio.CancelledError:
        print('server stopped')


asyncio.run(main())
