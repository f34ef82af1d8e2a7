# 1-selector-echo.py - the notes' selector echo server (seed 001, section 3),
# with three changes so that it runs as a demo and ends by itself:
#   - it binds port 0 (the kernel picks a free port) instead of 1234;
#   - a client thread talks to it: two connections, a few messages each;
#   - loop() runs while `running` is true; the client, when it is done,
#     writes one byte to a pipe whose read end is registered with the
#     callback `stop`, so stopping is just one more callback.
# Everything else is the notes' code. 1-selector-echo.c is the same program.
import os
import selectors
import socket
import threading

sel = selectors.DefaultSelector()
running = True


def accept(sock, mask):
    conn, addr = sock.accept()  # Should be ready
    print('accepted', conn, 'from', addr)
    conn.setblocking(False)
    sel.register(conn, selectors.EVENT_READ, read)


def read(conn, mask):
    data = conn.recv(1000)  # Should be ready
    if data:
        print('echoing', repr(data), 'to', conn)
        conn.send(data)  # Hope it won't block
    else:
        print('closing', conn)
        sel.unregister(conn)
        conn.close()


def stop(fd, mask):
    global running
    os.read(fd, 1)
    sel.unregister(fd)
    running = False


sock = socket.socket()
sock.bind(('127.0.0.1', 0))   # the notes say 'localhost'; a number needs no /etc/hosts
sock.listen(100)
sock.setblocking(False)
sel.register(sock, selectors.EVENT_READ, accept)

stop_r, stop_w = os.pipe()
sel.register(stop_r, selectors.EVENT_READ, stop)


def loop():
    while running:  # the notes: while True
        events = sel.select(timeout=5)  # a lost client fails the demo instead of hanging it
        if not events:
            raise SystemExit('nothing happened for 5 s')
        for key, mask in events:
            callback = key.data
            callback(key.fileobj, mask)


# ---- the demo's client: one message at a time, each echo awaited, so the
# server's lines come out in the same order on every run.
def say(conn, msg):
    conn.sendall(msg)
    assert conn.recv(100) == msg


def hang_up(conn):
    conn.shutdown(socket.SHUT_WR)  # the server reads EOF ...
    assert conn.recv(1) == b''     # ... and closes its end: 'closing' is printed
    conn.close()


def client(addr):
    a = socket.create_connection(addr, timeout=5)
    say(a, b'hello')
    b = socket.create_connection(addr, timeout=5)  # a stays open
    say(b, b'hi from the second connection')
    say(a, b'still there?')
    say(b, b'bye')
    hang_up(a)
    hang_up(b)
    os.write(stop_w, b'x')


if __name__ == '__main__':
    t = threading.Thread(target=client, args=(sock.getsockname(),))
    t.start()
    loop()
    t.join()
    sel.unregister(sock)
    sock.close()
    sel.close()
    os.close(stop_r)
    os.close(stop_w)
