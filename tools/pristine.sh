#!/bin/sh
# tools/pristine.sh SRC DEST — put the course's pristine tree in DEST.
#
# SRC is a directory (an instructor's copy of the course) or a git ref (a
# release tag such as v1.0, a commit, origin/main).  DEST receives every file
# of SRC except build/ and .git; DEST/build is kept between runs as the
# pristine tree's build cache, and wiped when SRC names something else.
# `make grade PRISTINE=SRC` uses it: the manifest, the tests, the headers, the
# library, the harness and the Makefile all come from DEST, and only the
# students' exercises/NN-slug/NAME.c from the working tree.
set -eu
[ $# -eq 2 ] || { echo "usage: tools/pristine.sh DIR-or-GIT-REF DEST" >&2; exit 2; }
src=$1 dest=$2
if [ -d "$src" ]; then
    id="dir $(cd "$src" && pwd)"
elif c=$(git rev-parse -q --verify "$src^{commit}" 2>/dev/null); then
    id="git $c"
else
    echo "PRISTINE=$src is neither a directory nor a git ref (a tag, a branch, a commit)" >&2
    exit 2
fi
mkdir -p "$dest"
if [ "$(cat "$dest/.pristine-id" 2>/dev/null)" != "$id" ]; then rm -rf "$dest/build"; fi
find "$dest" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
case $id in
    dir*) (cd "$src" && tar -cf - --exclude=./build --exclude=./.git .) | tar -xf - -C "$dest" ;;
    git*) git archive --format=tar "$c" | tar -xf - -C "$dest" ;;
esac
echo "$id" >"$dest/.pristine-id"
if [ ! -f "$dest/exercises/manifest.txt" ] || [ ! -f "$dest/Makefile" ]; then
    echo "PRISTINE=$src has no exercises/manifest.txt or Makefile: not a copy of the course" >&2
    exit 2
fi
