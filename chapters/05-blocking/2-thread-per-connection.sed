# The kernel picks the port; times vary by a few ms, so keep whole seconds only.
s/127\.0\.0\.1:[0-9][0-9]*/127.0.0.1:PORT/
s/\([0-9][0-9]*\)\.[0-9] s/\1.x s/g
