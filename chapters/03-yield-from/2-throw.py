# 2-throw.py - throw(): an exception raised inside a generator, at the
# yield where it is suspended. Run: python3 2-throw.py
import inspect


def catcher():
    try:
        yield 1
        yield 2
    except ValueError as e:
        print(f"catcher: caught ValueError: {e}")
        yield "recovered"
    finally:
        print("catcher: cleanup")
    return 42


def delegator():
    try:
        result = yield from catcher()
        print(f"delegator: catcher returned {result!r}")
    finally:
        print("delegator: cleanup")


def main():
    print("-- throw, caught inside --")
    g = catcher()
    print(next(g))
    print(g.throw(ValueError("bad value")))
    try:
        next(g)
    except StopIteration as e:
        print(f"caller: StopIteration({e.value!r})")

    print("-- throw, not caught --")
    g = catcher()
    print(next(g))
    try:
        g.throw(TypeError("not a number"))
    except TypeError as e:
        print(f"caller got TypeError: {e}")
    print("state:", inspect.getgeneratorstate(g))

    print("-- throw through yield from, caught by the delegate --")
    d = delegator()
    print(next(d))
    print(d.throw(ValueError("passed down")))
    try:
        next(d)
    except StopIteration as e:
        print(f"caller: StopIteration({e.value!r})")

    print("-- throw through yield from, not caught --")
    d = delegator()
    print(next(d))
    try:
        d.throw(TypeError("passed down"))
    except TypeError as e:
        print(f"caller got TypeError: {e}")


if __name__ == '__main__':
    main()
