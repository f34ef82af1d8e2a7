s/ at [^ >]*\.py:[0-9]*\( created at [^ >]*\.py:[0-9]*\)*>/>/
s/took [0-9.]* seconds/took N seconds/
