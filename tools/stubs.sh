#!/bin/sh
# tools/stubs.sh REF DEST — the pristine stubs, extracted into DEST/exercises.
#
# REF is a git ref, or `auto` (the default), which means:
#   - in the instructor edition (solutions/ exists): HEAD, the course as
#     committed (an instructor's uncommitted stub edits are not pristine yet);
#   - in the student edition (no solutions/): the repository's first commit,
#     which is the edition as handed out (make student-edition, or the commit
#     GitHub makes from a template), so the exercises a student solved and
#     committed since do not count; an exercise added by a later course
#     update (absent from the first commit) comes from HEAD.
# Prints DEST, or prints nothing and exits 1 when there is no git history
# here.  Used by make check-stubs (the stubs that must fail), make list (an
# exercise whose file is still its stub is "not started") and make reset.
ref=${1:-auto} dest=$2
[ -n "$dest" ] || { echo "usage: tools/stubs.sh REF|auto DEST" >&2; exit 2; }
head=$(git rev-parse -q --verify HEAD^{commit} 2>/dev/null) || exit 1
first=
if [ "$ref" = auto ]; then
    ref=$head
    [ -d solutions ] || first=$(git rev-list --max-parents=0 HEAD 2>/dev/null | tail -n 1)
fi
c=$(git rev-parse -q --verify "$ref^{commit}" 2>/dev/null) || exit 1
# Re-extract only when a commit moved (git archive's mtimes are the commit's).
if [ "$(cat "$dest/.ref" 2>/dev/null)" != "$c $first" ]; then
    rm -rf "$dest" && mkdir -p "$dest" && git archive "$c" exercises | tar -xf - -C "$dest" || exit 1
    if [ -n "$first" ] && git cat-file -e "$first:exercises" 2>/dev/null; then
        git archive "$first" exercises | tar -xf - -C "$dest" || exit 1
    fi
    echo "$c $first" >"$dest/.ref"
fi
echo "$dest"
