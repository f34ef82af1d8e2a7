# Chapter 26, demo 2: an echo server and client with protocols and
# transports. The loop calls the protocols; they write to their transports.
# Each protocol notes what it was called with; main() prints both notes at
# the end (the two sides run interleaved, and their order against each
# other depends on the kernel). 2-echo-protocol.c is the same program in C.
import asyncio

server_log = []
client_log = []


class EchoServerProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        peername = transport.get_extra_info('peername')
        server_log.append(f'connection_made: peername {peername}')
        self.transport = transport

    def data_received(self, data):
        server_log.append(f'data_received({data!r}): echoed')
        self.transport.write(data)

    def eof_received(self):
        server_log.append('eof_received(): returns None, so the transport closes')

    def connection_lost(self, exc):
        server_log.append(f'connection_lost({exc})')


class EchoClientProtocol(asyncio.Protocol):
    def __init__(self, message, on_con_lost):
        self.message = message
        self.on_con_lost = on_con_lost

    def connection_made(self, transport):
        client_log.append('connection_made')
        transport.write(self.message)
        transport.write_eof()

    def data_received(self, data):
        client_log.append(f'data_received({data!r})')

    def eof_received(self):
        client_log.append('eof_received()')

    def connection_lost(self, exc):
        client_log.append(f'connection_lost({exc})')
        self.on_con_lost.set_result(True)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(EchoServerProtocol, '127.0.0.1', 0)
    addr = server.sockets[0].getsockname()
    print('serving on', addr)

    on_con_lost = loop.create_future()
    transport, protocol = await loop.create_connection(
        lambda: EchoClientProtocol(b'Hello, World!', on_con_lost), '127.0.0.1', addr[1])
    print('client: connected, sent', repr(b'Hello, World!'), 'and write_eof()')
    await on_con_lost
    print('client: the connection is closed:', transport.is_closing())

    server.close()
    await server.wait_closed()
    print('server closed, serving:', server.is_serving())
    print('the client saw:')
    for line in client_log:
        print('  ' + line)
    print('the server saw:')
    for line in server_log:
        print('  ' + line)


asyncio.run(main())
