# Chapter 28, demo 1: run commands, read their output, see how they ended.
import asyncio
import os


def leftovers(fds_before):
    try:
        os.waitpid(-1, os.WNOHANG)
        children = "a child is left"
    except ChildProcessError:
        children = "no child left"
    fds = len(os.listdir("/proc/self/fd")) - fds_before
    print(f"{children}, {fds} descriptors more than at the start")


async def run(cmd):
    proc = await asyncio.create_subprocess_shell(
        cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await proc.communicate()
    print(f"[{cmd!r} exited with {proc.returncode}]")
    if stdout:
        print(f"[stdout]\n{stdout.decode()}")
    if stderr:
        print(f"[stderr]\n{stderr.decode()}")


async def main():
    await run("ls /zzz")
    await run("echo hello; echo world")
    proc = await asyncio.create_subprocess_exec("sleep", "10")
    print("sleep 10 started, returncode", proc.returncode)
    proc.terminate()
    print("terminated:", await proc.wait())
    try:
        proc.kill()
    except ProcessLookupError as e:
        print("kill after wait:", repr(e))
    try:
        await asyncio.create_subprocess_exec("no-such-program", "--help")
    except FileNotFoundError as e:
        print(f"{type(e).__name__}: {e}")


os.environ["LC_ALL"] = "C"  # ls speaks English whatever the locale
fds_before = len(os.listdir("/proc/self/fd"))
asyncio.run(main())
leftovers(fds_before)
