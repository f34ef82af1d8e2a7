s/port [0-9][0-9]*;/port PORT;/
