#!/bin/sh
# tools/deps.sh NEED... — make sure what the course needs beyond gcc and make is
# installed.  NEEDs: see the table.  Quiet when nothing is missing.  As root,
# missing packages are installed with apt-get; otherwise the exact command is
# printed and the exit status is 1.
#
# To add a need, add a line: NAME  file:PATH | glob:PATTERN | cmd:COMMAND  DEBIAN-PACKAGES
TABLE='
cunit     file:/usr/include/CUnit/CUnit.h   libcunit1-dev
graphviz  cmd:dot                           graphviz
clang     cmd:clang                         clang
tsan      glob:/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.tsan-*.a  libclang-rt-dev
uring     file:/usr/include/liburing.h      liburing-dev
gnuplot   cmd:gnuplot                       gnuplot-nox
python3   cmd:python3                       python3
'

present() { # file:PATH | cmd:NAME
    case $1 in
        file:*) [ -e "${1#file:}" ] ;;
        cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
        glob:*) for f in ${1#glob:}; do [ -e "$f" ] && return 0; done; return 1 ;;
        *) return 1 ;;
    esac
}

known() { echo "$TABLE" | awk 'NF { printf "%s%s", sep, $1; sep = " " }'; }

lookup() { # NEED -> "detect packages"
    echo "$TABLE" | awk -v n="$1" '$1 == n { $1 = ""; print substr($0, 2) }'
}

[ $# -gt 0 ] || { echo "usage: tools/deps.sh NEED... (needs: $(known))" >&2; exit 2; }

missing= pkgs=
for need in "$@"; do
    row=$(lookup "$need")
    if [ -z "$row" ]; then
        echo "tools/deps.sh: unknown need '$need' (known: $(known))" >&2
        exit 2
    fi
    detect=${row%% *}
    present "$detect" && continue
    missing="$missing $need"
    pkgs="$pkgs ${row#* }"
done
[ -z "$missing" ] && exit 0
pkgs=$(echo $pkgs)   # squeeze spaces

echo "missing:$missing (Debian packages: $pkgs)"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "no apt-get here: install the equivalent of: $pkgs" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install them with:"
    echo "  sudo apt-get install -y $pkgs"
    exit 1
fi
echo "installing: $pkgs"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs || { echo "apt-get install failed" >&2; exit 1; }
for need in $missing; do
    row=$(lookup "$need")
    present "${row%% *}" || { echo "still missing after install: $need" >&2; exit 1; }
done
