# 3-close.py - close(): GeneratorExit at the yield, cleanup runs; closing a
# delegating generator; ignoring GeneratorExit; dropping an unfinished
# generator. Run: python3 3-close.py
import inspect


def worker(name):
    print(name, "opens")
    try:
        yield name + " 1"
        yield name + " 2"
    except GeneratorExit:
        print(name, "got GeneratorExit")
        raise
    finally:
        print(name, "cleanup")


def outer():
    try:
        yield from worker("inner")
    except GeneratorExit:
        print("outer got GeneratorExit")
        raise
    finally:
        print("outer cleanup")


def stubborn():
    try:
        yield "first"
    except GeneratorExit:
        print("stubborn: ignoring GeneratorExit")
    yield "second"


def main():
    print("-- close runs cleanup --")
    w = worker("w")
    print(next(w))
    w.close()
    print("state:", inspect.getgeneratorstate(w))

    print("-- closing a delegating generator --")
    o = outer()
    print(next(o))
    o.close()

    print("-- a generator that ignores GeneratorExit --")
    s = stubborn()
    print(next(s))
    try:
        s.close()
    except RuntimeError as e:
        print(f"caller got RuntimeError: {e}")
    print("state:", inspect.getgeneratorstate(s))
    s.close()
    print("state:", inspect.getgeneratorstate(s))

    print("-- dropping an unfinished generator --")
    d = worker("dropped")
    print(next(d))
    del d
    print("after del")


if __name__ == '__main__':
    main()
