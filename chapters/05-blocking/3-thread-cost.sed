# Measurements differ from machine to machine and run to run: on the lines
# that carry them, every number becomes N (an unlimited `ulimit -s` too).
# The fixed comparison values (1.7 KB, 200 bytes) and the round counts are
# on other lines and stay.
/us per thread/s/[0-9][0-9.]*/N/g
/stack size\|stack limit/s/[0-9][0-9]* KiB$/N KiB/
/stack limit/s/unlimited$/N KiB/
/grew by/s/[0-9][0-9.]*/N/g
/a parked thread, measured/s/[0-9][0-9.]*/N/g
/a thread costs\|this library's target/s/[0-9][0-9]*x/Nx/g
