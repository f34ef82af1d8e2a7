# Chapter 30, demo 3: the fetcher's failure policy, in plain asyncio. A
# TaskGroup would cancel every task at the first exception that escapes
# one; each task catches its own request's error and keeps it beside the
# URL instead, so every URL gets its result or its error.
import asyncio
import json
import socket

DELAYS = [0.05, 0.05, 1.0]  # a=2 is too slow for 0.5 s
sema = asyncio.Semaphore(3)
pool = {}  # 'host:port' -> idle keep-alive connections
handlers = set()  # the server's connection tasks


async def serve(reader, writer):  # /get?a=N after a delay, else 404
    handlers.add(asyncio.current_task())
    while True:
        try:
            head = await reader.readuntil(b'\r\n\r\n')
        except asyncio.IncompleteReadError:
            break
        path = head.split(b' ')[1].decode()
        if path.startswith('/get?a='):
            a = path.partition('a=')[2]
            await asyncio.sleep(DELAYS[int(a)] if int(a) < len(DELAYS) else 0.05)
            body = json.dumps({'args': {'a': a}}).encode() + b'\n'
            writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
        else:
            writer.write(b'HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nNot Found\n')
        await writer.drain()
    writer.close()


async def get(url):
    hostport, _, path = url.removeprefix('http://').partition('/')
    host, _, p = hostport.partition(':')
    idle = pool.setdefault(hostport, [])
    reader, writer = idle.pop() if idle else await asyncio.open_connection(host, int(p))
    try:
        writer.write(f'GET /{path} HTTP/1.1\r\nHost: {hostport}\r\n\r\n'.encode())
        await writer.drain()
        status = await reader.readuntil(b'\r\n')
        headers = {}
        while (line := await reader.readuntil(b'\r\n')) != b'\r\n':
            name, _, value = line.decode().partition(':')
            headers[name.lower()] = value.strip()
        body = await reader.readexactly(int(headers['content-length']))
    except BaseException:
        writer.close()  # never reuse a half-read connection
        raise
    idle.append((reader, writer))
    return int(status.split()[1]), body


async def fetch_all(urls, concurrency, timeout):
    results = [None] * len(urls)
    errors = [None] * len(urls)
    sema = asyncio.Semaphore(concurrency)

    async def fetch_one(i, url):
        async with sema:
            try:
                results[i] = await asyncio.wait_for(get(url), timeout)
            except Exception as e:  # the policy: keep it, go on
                errors[i] = e

    async with asyncio.TaskGroup() as tg:
        for i, url in enumerate(urls):
            tg.create_task(fetch_one(i, url))
    return results, errors


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


async def main():
    server = await asyncio.start_server(serve, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    urls = [f'http://127.0.0.1:{port}/get?a=1', f'http://127.0.0.1:{port}/get?a=2',
            f'http://127.0.0.1:{port}/nothing', f'http://127.0.0.1:{free_port()}/get?a=3']
    results, errors = await fetch_all(urls, 3, 0.5)
    for url, r, e in zip(urls, results, errors):
        if r is not None:
            status, body = r
            print(f'{url} -> {status} {body.decode().splitlines()[0]}')
        else:
            print(f'{url} -> {type(e).__name__}' + (f': {e}' if str(e) else ''))
    ok = sum(r is not None for r in results)
    print(f'{len(urls)} URLs: {ok} responses, {len(urls) - ok} errors')
    for reader, writer in sum(pool.values(), []):
        writer.close()
        await writer.wait_closed()
    server.close()
    # Python 3.12's wait_closed waits for the connections (the C one does)
    await asyncio.gather(*handlers)
    await server.wait_closed()


asyncio.run(main())
