#!/bin/sh
# tools/chapter.sh CH [TOPDIR...] — resolve a chapter number (2 or 02) to its
# directory, e.g. `tools/chapter.sh 2 chapters` prints chapters/02-coroutines.
# With several TOPDIRs (default: chapters) the first match wins.  Exit 2 with
# a clear message if CH is not a number or no such chapter exists.
ch=$1
[ $# -gt 0 ] && shift
[ $# -eq 0 ] && set -- chapters
case $ch in
    ''|*[!0-9]*) echo "CH must be a chapter number like 2 or 02, not '$ch'" >&2; exit 2 ;;
esac
n=$(echo "$ch" | sed 's/^0*\(.\)/\1/')   # strip leading zeros (08 is not octal)
nn=$(printf '%02d' "$n")
for top in "$@"; do
    for d in "$top/$nn"-*/; do
        [ -d "$d" ] && { echo "${d%/}"; exit 0; }
    done
done
have=$(for top in "$@"; do ls -d "$top"/[0-9][0-9]-*/ 2>/dev/null; done | sed 's:/$::; s:.*/::' | sort -u | tr '\n' ' ' | sed 's/ $//')
echo "no chapter $nn (looked in: $*; chapters there: ${have:-none})" >&2
exit 2
