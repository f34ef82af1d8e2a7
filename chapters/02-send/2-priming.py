import inspect


def gen_func():
    a = yield 1
    print("a: ", a)
    b = yield 2
    print("b: ", b)
    c = yield 3
    print("c: ", c)
    return "finish"


gen = gen_func()
try:
    gen.send(1)  # too early: no yield is waiting for a value yet
except TypeError as e:
    print(f"{type(e).__name__}: {e}")
print(inspect.getgeneratorstate(gen))  # the refusal changed nothing
print(gen.send(None))  # priming: runs to the first yield
print(inspect.getgeneratorstate(gen))
print(next(gen))  # next(gen) is gen.send(None): a receives None
