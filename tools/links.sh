#!/usr/bin/env bash
# tools/links.sh TALLY — every relative link in the READMEs (the top one,
# tools/ and each chapter's) must point at a file that exists: a lesson
# that links to a missing chapter or picture fails `make test`.
set -u
tally=$1
for f in README.md tools/README.md chapters/[0-9][0-9]-*/README.md; do
    [ -f "$f" ] || continue
    dir=$(dirname "$f")
    broken=
    while IFS= read -r target; do
        case $target in http://*|https://*|mailto:*|'') continue ;; esac
        [ -e "$dir/$target" ] || broken="$broken $target"
    done < <(grep -oE '\]\([^)#[:space:]]+' "$f" | sed 's/^](//')
    if [ -z "$broken" ]; then
        echo "ok   links $f"; echo "pass links $f" >>"$tally"
    else
        echo "FAIL links $f: missing$broken"; echo "fail links $f" >>"$tally"
    fi
done
