s/^RLIMIT_NOFILE: soft [0-9]* -> [0-9]*/RLIMIT_NOFILE: soft N -> N/
