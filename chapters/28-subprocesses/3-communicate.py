# Chapter 28, demo 3: communicate(input): write and read at the same time.
import asyncio
import os

PIPE = asyncio.subprocess.PIPE


def leftovers(fds_before):
    try:
        os.waitpid(-1, os.WNOHANG)
        children = "a child is left"
    except ChildProcessError:
        children = "no child left"
    fds = len(os.listdir("/proc/self/fd")) - fds_before
    print(f"{children}, {fds} descriptors more than at the start")


async def main():
    proc = await asyncio.create_subprocess_exec("tr", "a-z", "A-Z", stdin=PIPE, stdout=PIPE)
    out, err = await proc.communicate(b"hello\nworld\n")
    print(out, err, proc.returncode)

    # The child writes 1 MB before it reads a byte: writing all the input
    # first would deadlock (the child waits for us to read, we wait for it).
    proc = await asyncio.create_subprocess_shell(
        "head -c 1000000 /dev/zero; wc -c", stdin=PIPE, stdout=PIPE)
    out, err = await proc.communicate(b"x" * 1000000)
    print(len(out), out[-8:], proc.returncode)

    # The child closes its stdin at once: the input cannot all go in.
    proc = await asyncio.create_subprocess_shell(
        "exec 0<&-; echo stdin closed; exit 5", stdin=PIPE, stdout=PIPE)
    out, err = await proc.communicate(b"x" * 1000000)
    print(out, proc.returncode)


fds_before = len(os.listdir("/proc/self/fd"))
asyncio.run(main())
leftovers(fds_before)
