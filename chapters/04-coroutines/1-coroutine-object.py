# Chapter 04, demo 1: a coroutine object, send(None), StopIteration, run().
# The notes' sequence (seed 003), one step after the other.


async def async_function():
    return 1


async def await_coroutine():
    result = await async_function()
    print(result)


def run(coroutine):
    try:
        coroutine.send(None)
    except StopIteration as e:
        return e.value


# 1. Calling an async function only builds its frame: a coroutine object.
#    (It is never awaited, so CPython warns on stderr when it is freed.)
print("print(async_function()):")
print(async_function())

# 2. send(None) runs the body; its return ends it with StopIteration(1).
print("async_function().send(None):")
try:
    async_function().send(None)
except StopIteration as e:
    print(f"{type(e).__name__}: {e}")

# 3. The return value is the exception's .value.
print("e.value:")
try:
    async_function().send(None)
except StopIteration as e:
    print(e.value)

# 4. run() drives await_coroutine(), which awaits async_function().
print("run(await_coroutine()):")
value = run(await_coroutine())
print(f"run returned {value}")
