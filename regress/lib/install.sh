# install.sh — for the install-*.sh tests: run this tree's GNUmakefile
# into a private build directory, so the suite's own $BUILD (and its
# built-in paths) is never touched.
#
# mk ARGS...	make -C $TOP BUILD=$MK_BUILD SANITIZE=$SANITIZE ARGS, output
#		appended to $OBJ/make.log; status is make's.
# mtime FILE	modification time with nanoseconds.
# VERSION	the release, from client/metasafe.h.
MK_BUILD=$OBJ/build
VERSION=$(sed -n 's/^#define[[:space:]]*METASAFE_VERSION[[:space:]]*"\(.*\)"/\1/p' \
    "$TOP/client/metasafe.h")
[ -n "$VERSION" ] || fatal "no METASAFE_VERSION in client/metasafe.h"

mk() {
	need_tool make
	echo "+ make $*" >> "$OBJ/make.log"
	# Not the calling make's jobserver or command-line variables.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	    make -C "$TOP" --no-print-directory -j2 BUILD="$MK_BUILD" \
	    SANITIZE="${SANITIZE:-0}" "$@" >> "$OBJ/make.log" 2>&1
}

mtime() {
	stat -c '%.9Y' "$1"
}
