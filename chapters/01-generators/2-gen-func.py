def gen_func():
    yield 1
    yield 2
    yield 3


if __name__ == '__main__':
    print("for loop:")
    gen = gen_func()
    for i in gen:
        print(i)

    print("next():")
    gen = gen_func()
    print(next(gen))
    print(next(gen))
    print(next(gen))
