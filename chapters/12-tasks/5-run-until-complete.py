# Chapter 12, demo 5: a task before and after run_until_complete (seed 001,
# 4.2(2)). The notes print(task); a task's repr names the coroutine's file
# and line in CPython and its address here, so this prints the parts that
# mean something: name, done(), how many tasks the loop has, the result.
import asyncio


async def work(x):
    for _ in range(3):
        print('Work {} is running ..'.format(x))


def show(task, loop):
    print(f"{task.get_name()}: done={task.done()}, all_tasks={len(asyncio.all_tasks(loop))}")


coroutine_1 = work(1)

loop = asyncio.new_event_loop()
task = loop.create_task(coroutine_1)
show(task, loop)
loop.run_until_complete(task)
show(task, loop)
print("result:", task.result())
loop.close()
