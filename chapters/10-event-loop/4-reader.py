# Chapter 10, demo 4: add_reader / add_writer, the selector under the loop.
# a and b are the two ends of a socketpair. b is writable at once; a gets
# something to read only when the timer sends "ping" at 0.5 s.
import asyncio
import socket

a, b = socket.socketpair()
loop = asyncio.new_event_loop()
t0 = loop.time()


def elapsed():
    return loop.time() - t0


def on_writable():
    print(f"{elapsed():.1f} s  on_writable: b is writable; remove_writer(b) -> {loop.remove_writer(b.fileno())}")


def send_ping(msg):
    n = b.send(msg.encode())
    print(f"{elapsed():.1f} s  send_ping: b.send({msg!r}) -> {n}")


def on_readable():
    data = a.recv(100)
    print(f"{elapsed():.1f} s  on_readable: a.recv(100) -> {data.decode()!r}")
    print(f"{elapsed():.1f} s  on_readable: remove_reader(a) -> {loop.remove_reader(a.fileno())}; stop()")
    loop.stop()


loop.add_reader(a.fileno(), on_readable)
loop.add_writer(b.fileno(), on_writable)
loop.call_later(0.5, send_ping, "ping")
print(f"{elapsed():.1f} s  add_reader(a), add_writer(b), call_later(0.5, send_ping)")

loop.run_forever()
print(f"{elapsed():.1f} s  run_forever() returned; remove_reader(a) again -> {loop.remove_reader(a.fileno())}")

loop.close()
a.close()
b.close()
