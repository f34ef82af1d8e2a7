#!/bin/sh
# tools/reset.sh CH/NAME [REF] — put the stub of one exercise back: git's REF
# version of exercises/NN-slug/NAME.c; by default the pristine stub that
# tools/stubs.sh names (the edition's first commit in the student edition,
# HEAD in the instructor's).  Your version is kept in build/reset/ first, so a
# reset is never a loss.
spec=$1 ref=${2:-auto}
[ -n "$spec" ] || { echo "usage: make reset EX=CH/NAME [REF=git-ref]" >&2; exit 2; }
name=${spec##*/} ch=
case $spec in */*) ch=${spec%/*} ;; esac
num() { echo "$1" | sed 's/-.*//; s/^0*\(.\)/\1/'; }
found=
for sec in $(sed -n 's/^[[:space:]]*\[[[:space:]]*\([^]]*[^][:space:]]\)[[:space:]]*\][[:space:]]*$/\1/p' exercises/manifest.txt); do
    [ "${sec#*/}" = "$name" ] || continue
    c=${sec%/*}
    if [ -z "$ch" ] || [ "$ch" = "$c" ] || [ "$(num "$ch")" = "$(num "$c")" ]; then found=$sec; fi
done
[ -n "$found" ] || { echo "no exercise '$spec' in exercises/manifest.txt (write CH/NAME, e.g. 01/countdown)" >&2; exit 2; }
file=exercises/$found.c
if [ "$ref" = auto ]; then
    ref=HEAD
    if [ ! -d solutions ]; then
        first=$(git rev-list --max-parents=0 HEAD 2>/dev/null | tail -n 1)
        [ -n "$first" ] && git cat-file -e "$first:$file" 2>/dev/null && ref=$first
    fi
fi
if ! git cat-file -e "$ref:$file" 2>/dev/null; then
    echo "cannot reset $file: git has no $ref version of it (REF=a tag or commit of the course)" >&2
    exit 1
fi
if [ -f "$file" ] && git show "$ref:$file" | cmp -s - "$file"; then
    echo "$file is already its stub: nothing to reset"
    exit 0
fi
if [ -f "$file" ]; then
    keep=build/reset/$found.$(date +%Y%m%d-%H%M%S).c
    mkdir -p "$(dirname "$keep")" && cp "$file" "$keep" && echo "your version: $keep"
fi
git show "$ref:$file" >"$file" && echo "$file is the stub again"
