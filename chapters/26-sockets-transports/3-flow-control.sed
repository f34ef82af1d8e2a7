s/with [0-9][0-9]* bytes buffered/with N bytes buffered/
