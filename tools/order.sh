#!/usr/bin/env bash
# tools/order.sh [TALLY] — the chapter-order check.
#
# Every lib header lib/X.h names, in its opening comment, the chapter that
# introduces module X:   " * Chapter: NN".  (A lib/X.c without a header
# carries the line itself.)  Then:
#   - a file under chapters/NN-*, exercises/NN-*, solutions/NN-* may
#     #include "Y.h" only for lib headers Y.h of chapter <= NN;
#   - lib/X.h and lib/X.c may include only lib headers of chapter <= X's.
# One tally line per chapter and per lib module; exit 1 on any violation.
set -u
tally=${1:-/dev/null}
status=0

chapter_line() { # FILE -> chapter number from the opening comment, or nothing
    awk '
        state == 0 && /^[ \t]*$/ { next }
        state == 0 && /^[ \t]*\/\*/ { state = 1 }
        state == 0 { exit }
        state == 1 {
            if (match($0, /Chapter:[ \t]*[0-9]+/)) {
                s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); print s + 0; exit
            }
            if ($0 ~ /\*\//) exit
        }' "$1"
}

includes() { # FILE -> "LINE NAME" for each #include "NAME"
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$1" 2>/dev/null |
        sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/'
}

declare -A CH      # header basename -> chapter ("" if missing)
for h in lib/*.h; do
    [ -f "$h" ] || continue
    CH[$(basename "$h")]=$(chapter_line "$h")
done

report() { # LABEL ERRORS
    if [ -z "$2" ]; then
        echo "ok   $1"; echo "pass $1" >>"$tally"
    else
        echo "FAIL $1:"; printf '%s' "$2" | sed 's/^/     /'; echo "fail $1" >>"$tally"; status=1
    fi
}

check_file() { # FILE OWN_CHAPTER -> appends to $errs
    local f=$1 own=$2 line inc base c
    while read -r line inc; do
        [ -n "$inc" ] || continue
        base=$(basename "$inc")
        [ -f "lib/$base" ] || continue          # not a lib header
        [ "$f" = "lib/$base" ] && continue
        c=${CH[$base]:-}
        if [ -z "$c" ]; then
            errs+="$f:$line: includes $base, which has no ' * Chapter: NN' line"$'\n'
        elif [ "$c" -gt "$own" ]; then
            errs+="$f:$line: includes $base (chapter $(printf %02d "$c")), but belongs to chapter $(printf %02d "$own")"$'\n'
        fi
    done < <(includes "$f")
}

# lib modules
for m in $(ls lib/*.h lib/*.c 2>/dev/null | sed 's:^lib/::; s:\.[ch]$::' | sort -u); do
    errs=
    own=
    if [ -f "lib/$m.h" ]; then
        own=${CH[$m.h]:-}
        [ -n "$own" ] || errs+="lib/$m.h: no ' * Chapter: NN' line in its opening comment"$'\n'
    else
        own=$(chapter_line "lib/$m.c")
        [ -n "$own" ] || errs+="lib/$m.c: no lib/$m.h and no ' * Chapter: NN' line in its opening comment"$'\n'
    fi
    if [ -n "$own" ]; then
        for f in "lib/$m.h" "lib/$m.c"; do
            [ -f "$f" ] && check_file "$f" "$own"
        done
    fi
    report "order lib/$m" "$errs"
done

# chapters, exercises, solutions
for nn in $(ls -d chapters/[0-9][0-9]-*/ exercises/[0-9][0-9]-*/ solutions/[0-9][0-9]-*/ 2>/dev/null |
            sed 's:^[a-z]*/\([0-9][0-9]\)-.*:\1:' | sort -u); do
    errs=
    own=$((10#$nn))
    while IFS= read -r f; do
        check_file "$f" "$own"
    done < <(find chapters/"$nn"-* exercises/"$nn"-* solutions/"$nn"-* -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
    report "order chapter $nn" "$errs"
done
exit $status
