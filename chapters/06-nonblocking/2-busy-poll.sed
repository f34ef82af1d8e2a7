# The kernel picks the port; CPU times and call counts vary: they become N.
s/127\.0\.0\.1:[0-9][0-9]*/127.0.0.1:PORT/
/s wall, /s/[0-9][0-9.]*/N/g
/it asked /s/[0-9][0-9]*/N/g
