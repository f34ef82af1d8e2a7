# Chapter 25, demo 1: the notes' async generator (seed 003), driven three
# ways: by hand with send(None) on asend(None), as chapter 04 drove
# async_function(); by `async for`; and by awaiting asend(None).
import asyncio


async def async_generator():
    yield 1


g = async_generator()
print(g)
aw = g.asend(None)
try:
    aw.send(None)
except StopIteration as e:
    print("asend(None).send(None): StopIteration", e.value)
try:
    g.asend(None).send(None)
except StopAsyncIteration:
    print("again: StopAsyncIteration")


async def main():
    async for x in async_generator():
        print("async for:", x)
    g = async_generator()
    print("await g.asend(None):", await g.asend(None))
    try:
        await g.asend(None)
    except StopAsyncIteration:
        print("await g.asend(None) again: StopAsyncIteration")


asyncio.run(main())
