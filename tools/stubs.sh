#!/bin/sh
# tools/stubs.sh REF DEST — the pristine stubs: git's REF version of
# exercises/ (default HEAD) extracted into DEST/exercises.  Prints DEST, or
# prints nothing and exits 1 when REF is not a commit here (no git history:
# a copy without .git).  Used by make check-stubs (the stubs that must fail)
# and make list (an exercise whose file is still the stub is "not started").
ref=${1:-HEAD} dest=$2
[ -n "$dest" ] || { echo "usage: tools/stubs.sh REF DEST" >&2; exit 2; }
c=$(git rev-parse -q --verify "$ref^{commit}" 2>/dev/null) || exit 1
# Re-extract only when REF moved (git archive's mtimes are the commit's).
if [ "$(cat "$dest/.ref" 2>/dev/null)" != "$c" ]; then
    rm -rf "$dest" && mkdir -p "$dest" &&
        git archive "$c" exercises | tar -xf - -C "$dest" && echo "$c" >"$dest/.ref" || exit 1
fi
echo "$dest"
