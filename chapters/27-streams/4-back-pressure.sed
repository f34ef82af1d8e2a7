s/buffer [0-9][0-9]* bytes/buffer N bytes/
s/buffer after \([0-9]*\) writes: [0-9][0-9]* bytes/buffer after \1 writes: N bytes/
s/waited [0-9][0-9]* times/waited N times/
