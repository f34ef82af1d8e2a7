# The ticker ticks about five times between two lines: how many exactly
# depends on the machine's timing, so a run of "tick" lines becomes one.
$!N
/^tick\ntick$/!P
D
