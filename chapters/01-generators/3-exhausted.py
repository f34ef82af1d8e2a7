import inspect


def gen_func():
    yield 1
    yield 2
    yield 3


if __name__ == '__main__':
    gen = gen_func()
    print(inspect.getgeneratorstate(gen))
    for _ in range(5):
        try:
            i = next(gen)
            print(i, inspect.getgeneratorstate(gen))
        except StopIteration:
            print("StopIteration", inspect.getgeneratorstate(gen))
