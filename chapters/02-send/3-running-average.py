def running_average():
    total = 0.0
    count = 0
    average = None
    while True:
        value = yield average  # hand out the average, wait for the next value
        total += value
        count += 1
        average = total / count


avg = running_average()
print(next(avg))  # priming: runs to the first yield, which hands out None
print(avg.send(10))
print(avg.send(30))
print(avg.send(5))
