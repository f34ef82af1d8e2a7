s/port [0-9][0-9]*;/port PORT;/
s/[0-9][0-9]* signals received/N signals received/
