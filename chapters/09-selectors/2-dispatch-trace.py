# 2-dispatch-trace.py - one select(), several ready keys, one callback each.
# A pipe and a socket pair on one selector; the loop prints what each
# select() returned and which callback it calls with which mask.
# 2-dispatch-trace.c is the same program in C.
import os
import selectors
import socket

sel = selectors.DefaultSelector()
pipe_r, pipe_w = os.pipe()
sock_a, sock_b = socket.socketpair()
sock_a.setblocking(False)
sock_b.setblocking(False)
NAMES = {pipe_r: 'pipe', sock_a.fileno(): 'sock a', sock_b.fileno(): 'sock b'}


def mask_name(mask):
    return '|'.join(n for bit, n in ((selectors.EVENT_READ, 'READ'),
                                     (selectors.EVENT_WRITE, 'WRITE')) if mask & bit)


def on_pipe(fd, mask):
    data = os.read(fd, 100)
    print(f'  on_pipe(pipe, {mask_name(mask)}): read {data!r}', end='')
    if data == b'quit':
        print(', unregisters everything')
        for f in (sock_a, sock_b, pipe_r):
            sel.unregister(f)
    else:
        print()


def on_sock_a(sock, mask):
    print(f'  on_sock_a(sock a, {mask_name(mask)}):', end='')
    if mask & selectors.EVENT_READ:
        print(f' read {sock.recv(100)!r},', end='')
    if mask & selectors.EVENT_WRITE:
        sock.send(b'pong')
        sel.modify(sock, selectors.EVENT_READ, on_sock_a)  # nothing more to write
        print(" sent b'pong', now READ only", end='')
    print()


def on_sock_b(sock, mask):
    print(f'  on_sock_b(sock b, {mask_name(mask)}): read {sock.recv(100)!r},'
          " writes b'quit' to the pipe, sends b'late' to sock a")
    os.write(pipe_w, b'quit')
    sock.send(b'late')


def loop():
    round = 0
    while sel.get_map():  # until nothing is registered
        round += 1
        events = sel.select(timeout=1)
        if not events:
            raise SystemExit('nothing ready for 1 s')
        print(f'round {round}: select() -> ' +
              ', '.join(f'{NAMES[key.fd]} {mask_name(mask)}' for key, mask in events))
        for key, mask in events:
            if sel.get_map().get(key.fd) is not key:  # unregistered by an earlier callback
                print(f'  {NAMES[key.fd]}: unregistered earlier in this batch, skipped')
                continue
            callback = key.data
            callback(key.fileobj, mask)
    print(f'round {round + 1}: nothing registered, loop() returns')


os.write(pipe_w, b'tick')
sock_b.send(b'ping')
print("before the loop: b'tick' in the pipe, b'ping' waiting on sock a")
sel.register(pipe_r, selectors.EVENT_READ, on_pipe)
sel.register(sock_a, selectors.EVENT_READ | selectors.EVENT_WRITE, on_sock_a)
sel.register(sock_b, selectors.EVENT_READ, on_sock_b)
loop()
sel.close()
sock_a.close()
sock_b.close()
os.close(pipe_r)
os.close(pipe_w)
