# Chapter 30, demo 1: the notes' Semaphore example over real HTTP, in
# plain asyncio: the notes used aiohttp; here the client is a few lines on
# asyncio's streams, as the C one is (lib/http.c), and the server is
# started by the program itself. One request ends every 0.15 s, so the
# order of the lines does not depend on timing noise.
import asyncio
import json

NUMBERS = range(12)
DELAYS = [0.15, 0.30, 0.45]  # later fetches: 0.45 s
sema = asyncio.Semaphore(3)
pool = []  # idle keep-alive connections: (reader, writer)
opened = 0
running = 0
in_flight = peak = 0
base = ''


async def serve(reader, writer):  # the /get?a=N server
    global in_flight, peak
    while True:
        try:
            head = await reader.readuntil(b'\r\n\r\n')
        except asyncio.IncompleteReadError:
            break
        path = head.split(b' ')[1].decode()
        a = path.partition('a=')[2]
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(DELAYS[int(a)] if int(a) < len(DELAYS) else DELAYS[-1])
        in_flight -= 1
        body = json.dumps({'args': {'a': a}}).encode() + b'\n'
        writer.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
                     b'Content-Length: %d\r\n\r\n' % len(body) + body)
        await writer.drain()
    writer.close()


async def get(url):
    global opened
    hostport, _, path = url.removeprefix('http://').partition('/')
    host, _, port = hostport.partition(':')
    if pool:
        reader, writer = pool.pop()
    else:
        reader, writer = await asyncio.open_connection(host, int(port))
        opened += 1
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
    status, body = await asyncio.wait_for(get(f'{base}/get?a={a}'), 5.0)
    data = json.loads(body)
    return data['args']['a']


async def print_result(a):
    global running
    async with sema:
        running += 1
        print('fetch({}) starts, {} running'.format(a, running))
        r = await fetch_async(a)
        running -= 1
        print('fetch({}) = {}'.format(a, r))
    return r


async def main():
    global base
    server = await asyncio.start_server(serve, '127.0.0.1', 0)
    base = 'http://127.0.0.1:%d' % server.sockets[0].getsockname()[1]
    print('serving on', base)
    # tasks made in order (as_completed would make them from a set)
    tasks = [asyncio.create_task(print_result(n)) for n in NUMBERS]
    for i, t in enumerate(asyncio.as_completed(tasks), 1):
        await t
        print(f'[{i}/12 done]')
    print(f'12 fetches, at most {peak} at once on the server, {opened} connections opened')
    for reader, writer in pool:
        writer.close()
        await writer.wait_closed()
    server.close()
    await server.wait_closed()


asyncio.run(main())
