s/0x[0-9a-f][0-9a-f]*/0x.../g
s/"lib\/\([a-z_]*\.c\)", line [0-9][0-9]*/"lib\/\1", line N/
