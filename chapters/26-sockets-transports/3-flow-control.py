# Chapter 26, demo 3: flow control. A fast writer against a slow reader:
# the reader pauses reading for 0.1 s, the writer's buffer passes the
# high-water mark and the transport calls pause_writing(); the reader
# resumes, the buffer drains to the low-water mark and the transport calls
# resume_writing(). The writer writes only while it is not paused, so its
# buffer stays bounded, and nothing ever blocks. Buffer sizes depend on the
# kernel: 3-flow-control.sed hides them. 3-flow-control.c is the same in C.
import asyncio

PATTERN = bytes(range(251))
CHUNK = PATTERN * 256                 # 64256 bytes, a whole number of patterns
TOTAL = 500 * len(CHUNK)              # about 32 MB: more than the kernel buffers
LONG = PATTERN * 1200                 # any received piece is a slice of this


class SlowReader(asyncio.Protocol):
    def __init__(self, done):
        self.done = done
        self.received = 0
        self.in_order = True

    def connection_made(self, transport):
        self.transport = transport
        # Read nothing for now. (The pause is made one callback later: Python
        # 3.11.2, for one, forgets a pause_reading() made inside a server's
        # connection_made, because the transport starts reading after it.)
        loop = asyncio.get_running_loop()
        loop.call_soon(transport.pause_reading)
        loop.call_later(0.1, self.resume)

    def resume(self):
        print('reader: resume_reading() after 0.1 s; the writer is paused:', writer.paused)
        self.transport.resume_reading()

    def data_received(self, data):
        start = self.received % len(PATTERN)
        if data != LONG[start:start + len(data)]:
            self.in_order = False
        self.received += len(data)

    def connection_lost(self, exc):
        self.done.set_result(None)


class FastWriter(asyncio.Protocol):
    def __init__(self, done, all_written):
        self.done = done
        self.all_written = all_written
        self.sent = 0
        self.paused = False
        self.pauses = self.resumes = 0

    def connection_made(self, transport):
        self.transport = transport
        low, high = transport.get_write_buffer_limits()
        print(f'writer: low-water mark {low}, high-water mark {high}')
        self.write_more()

    def write_more(self):
        while not self.paused and self.sent < TOTAL:
            self.transport.write(CHUNK)   # never blocks: what the socket cannot take is buffered
            self.sent += len(CHUNK)
        if self.sent == TOTAL and not self.all_written.done():
            self.all_written.set_result(None)

    def pause_writing(self):
        self.paused = True
        self.pauses += 1
        if self.pauses == 1:
            size = self.transport.get_write_buffer_size()
            print(f'writer: pause_writing() with {size} bytes buffered, above the high-water mark:', size > 65536)

    def resume_writing(self):
        self.paused = False
        self.resumes += 1
        if self.resumes == 1:
            size = self.transport.get_write_buffer_size()
            print(f'writer: resume_writing() with {size} bytes buffered, at most the low-water mark:', size <= 16384)
        self.write_more()

    def connection_lost(self, exc):
        self.done.set_result(None)


async def main():
    global writer
    loop = asyncio.get_running_loop()
    reader_done, writer_done = loop.create_future(), loop.create_future()
    reader = None

    def make_reader():
        nonlocal reader
        reader = SlowReader(reader_done)
        return reader

    server = await loop.create_server(make_reader, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    all_written = loop.create_future()
    writer = FastWriter(writer_done, all_written)
    transport, _ = await loop.create_connection(lambda: writer, '127.0.0.1', port)
    await all_written
    transport.close()                     # sends what is still buffered, then closes
    await writer_done
    await reader_done
    print(f'writer: {writer.sent} bytes written; paused as often as resumed:', writer.pauses == writer.resumes)
    print(f'reader: {reader.received} bytes received, in order:', reader.in_order)
    server.close()
    await server.wait_closed()


asyncio.run(main())
