# Chapter 30, demo 2: the notes' PriorityQueue producer/consumer over real
# HTTP, in plain asyncio (the notes used aiohttp and httpbin.org; here a
# client on asyncio's streams and a server the program starts). The fixed
# sample keeps the output repeatable.
import asyncio
import json

NUMBERS = [6, 4, 22, 48, 9, 90, 40]
URL = 'http://127.0.0.1:{}/get?a={}'
sema = asyncio.Semaphore(3)
pool = []  # idle keep-alive connections
port = 0


async def serve(reader, writer):  # /get?a=N after 0.1 s
    while True:
        try:
            head = await reader.readuntil(b'\r\n\r\n')
        except asyncio.IncompleteReadError:
            break
        a = head.split(b' ')[1].decode().partition('a=')[2]
        await asyncio.sleep(0.1)
        body = json.dumps({'args': {'a': a}}).encode() + b'\n'
        writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
        await writer.drain()
    writer.close()


async def get(url):
    hostport, _, path = url.removeprefix('http://').partition('/')
    host, _, p = hostport.partition(':')
    reader, writer = pool.pop() if pool else await asyncio.open_connection(host, int(p))
    writer.write(f'GET /{path} HTTP/1.1\r\nHost: {hostport}\r\n\r\n'.encode())
    await writer.drain()
    status = await reader.readuntil(b'\r\n')
    headers = {}
    while (line := await reader.readuntil(b'\r\n')) != b'\r\n':
        name, _, value = line.decode().partition(':')
        headers[name.lower()] = value.strip()
    body = await reader.readexactly(int(headers['content-length']))
    pool.append((reader, writer))
    return int(status.split()[1]), body


async def fetch_async(a):
    status, body = await asyncio.wait_for(get(URL.format(port, a)), 5.0)
    return json.loads(body)['args']['a']


async def collect_result(a):
    async with sema:
        return await fetch_async(a)


async def produce(queue):
    for num in NUMBERS:
        print('producing {}'.format(num))
        item = (num, num)
        await queue.put(item)


async def consume(queue):
    while 1:
        item = await queue.get()
        num = item[0]
        rs = await collect_result(num)
        print('consuming {}...'.format(rs))
        queue.task_done()


async def run():
    global port
    server = await asyncio.start_server(serve, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    queue = asyncio.PriorityQueue()
    consumer = asyncio.ensure_future(consume(queue))
    await produce(queue)
    await queue.join()
    consumer.cancel()
    for reader, writer in pool:
        writer.close()
        await writer.wait_closed()
    server.close()
    await server.wait_closed()


asyncio.run(run())
