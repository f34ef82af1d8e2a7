#!/bin/sh
# tools/student-edition.sh OUT [REF] — the repository an instructor hands out.
#
# Takes the course as committed in REF (default HEAD: commit first) and
# writes it to OUT (which must not exist or be empty), minus what gives
# answers away or is for instructors only:
#   solutions/              the reference solutions
#   INSTRUCTORS.md          the instructor's page
#   text between the lines <!-- instructor-only --> and <!-- /instructor-only -->
#                           in any *.md file (the lines themselves too)
# Everything else stays, so the same make targets work; `make test` there
# skips the solution checks and says so.  OUT becomes a git repository with
# one commit (when git is present), so `make reset` and the stub check of
# `make test` find the pristine stubs in its HEAD.
set -eu
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: make student-edition OUT=DIR [REF=HEAD]" >&2; exit 2; }
out=$1 ref=${2:-HEAD}
c=$(git rev-parse -q --verify "$ref^{commit}" 2>/dev/null) ||
    { echo "student-edition: '$ref' is not a commit here (this needs the course's git repository)" >&2; exit 2; }
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
    echo "student-edition: $out exists and is not empty; choose a new directory" >&2; exit 2
fi
if [ "$ref" = HEAD ] && ! git diff --quiet HEAD -- 2>/dev/null; then
    echo "note: uncommitted changes are not in the student edition (it is made from HEAD)"
fi
mkdir -p "$out"
git archive --format=tar "$c" | tar -xf - -C "$out"
rm -rf "$out/solutions" "$out/INSTRUCTORS.md"
find "$out" -name '*.md' -type f | while read -r f; do
    if grep -q '^<!-- instructor-only -->$' "$f"; then
        sed -i '/^<!-- instructor-only -->$/,/^<!-- \/instructor-only -->$/d' "$f"
    fi
done
leak=$(grep -rlE 'solutions/[0-9][0-9]-' "$out" --include='*.md' --include='*.txt' --include='*.c' --include='*.h' 2>/dev/null | grep -v '^'"$out"'/tools/' || true)
if [ -n "$leak" ]; then
    echo "student-edition: these files still name a file under solutions/ (wrap the text in instructor-only markers):" >&2
    echo "$leak" | sed 's/^/  /' >&2
    exit 1
fi
if command -v git >/dev/null 2>&1; then
    (cd "$out" && git init -q && git add -A &&
     git -c user.name='course' -c user.email='course@localhost' commit -qm "Student edition of $(echo "$c" | cut -c1-12)")
fi
echo "wrote the student edition of $(echo "$c" | cut -c1-12) to $out ($(find "$out/exercises" -name 'test_*.c' | wc -l) exercises, no solutions/)"
