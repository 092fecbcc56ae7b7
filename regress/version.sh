#!/bin/bash
# Every program answers -V with the one version (client/metasafe.h) and
# OpenSSL's, on stdout, exit 0; metasafed -h prints its usage on stdout and
# exits 0; a bad option is a usage error (stderr, non-zero); the server's
# STATUS names the same version.
. "$(dirname "$0")/test-exec.sh"
tid "-V on every program, metasafed -h, usage errors"

VERSION=$(sed -n 's/^#define[[:space:]]*METASAFE_VERSION[[:space:]]*"\(.*\)"/\1/p' \
    "$TOP/client/metasafe.h")
[ -n "$VERSION" ] || fatal "no METASAFE_VERSION in client/metasafe.h"
grep -q "^#define MS_VERSION[[:space:]]*\"$VERSION\"" "$BUILD/pathnames.h" ||
    fail "pathnames.h does not carry version $VERSION"

progs="$METASAFED $WORKER $METASAFE_KEYGEN $METASAFE $BUILD/metasafe-admin"
need_prog $progs
for p in $progs; do
	n=$(basename "$p")
	"$p" -V > "$OBJ/v.out" 2> "$OBJ/v.err" < /dev/null
	st=$?
	[ $st -eq 0 ] || fail "$n -V: exit $st"
	[ -s "$OBJ/v.err" ] && fail "$n -V wrote to stderr: $(cat "$OBJ/v.err")"
	[ "$(wc -l < "$OBJ/v.out")" -eq 1 ] ||
	    fail "$n -V: not one line: $(cat "$OBJ/v.out")"
	grep -Eq "^$n $VERSION, OpenSSL [0-9]+\.[0-9]+" "$OBJ/v.out" ||
	    fail "$n -V: '$(cat "$OBJ/v.out")', want '$n $VERSION, OpenSSL x.y.z ...'"
done

# -h: usage to stdout, exit 0, naming the built-in config file.
"$METASAFED" -h > "$OBJ/h.out" 2> "$OBJ/h.err"
st=$?
[ $st -eq 0 ] || fail "metasafed -h: exit $st"
grep -q '^usage: metasafed' "$OBJ/h.out" || fail "metasafed -h: no usage on stdout"
[ -s "$OBJ/h.err" ] && fail "metasafed -h wrote to stderr: $(cat "$OBJ/h.err")"
cfg=$(sed -n 's/^#define MS_PATH_CONFIG[[:space:]]*"\(.*\)"/\1/p' "$BUILD/pathnames.h")
[ -n "$cfg" ] || fail "no MS_PATH_CONFIG in pathnames.h"
grep -qF "$cfg" "$OBJ/h.out" || fail "metasafed -h does not name the default config $cfg"

# Usage errors: non-zero, usage on stderr, nothing on stdout.
usage_error() {
	_what=$1
	shift
	"$@" > "$OBJ/u.out" 2> "$OBJ/u.err" < /dev/null
	_st=$?
	[ $_st -ne 0 ] || fail "$_what: exit 0"
	[ $_st -eq 1 ] || fail "$_what: exit $_st, want 1"
	grep -q 'usage:' "$OBJ/u.err" || fail "$_what: no usage on stderr"
	[ -s "$OBJ/u.out" ] && fail "$_what: wrote to stdout: $(head -c 200 "$OBJ/u.out")"
	return 0
}
usage_error "metasafed -Z" "$METASAFED" -Z
usage_error "metasafed extra argument" "$METASAFED" -t extra
usage_error "metasafed -f without a file" "$METASAFED" -f
usage_error "metasafe -Z" "$METASAFE" -Z
usage_error "metasafe-keygen -Z" "$METASAFE_KEYGEN" -Z
# keygen's -V with an argument is still the validity option: this makes a
# key (where -V does not apply) and prints no version.
"$METASAFE_KEYGEN" -q -N '' -V +30 -f "$OBJ/vkey" > "$OBJ/k.out" 2>&1 ||
    fail "metasafe-keygen -V +30 -f: $(cat "$OBJ/k.out")"
[ -f "$OBJ/vkey" ] || fail "metasafe-keygen -V +30 -f made no key"
grep -q "$VERSION, OpenSSL" "$OBJ/k.out" && fail "metasafe-keygen -V +30 printed the version"

# The server names the same version in STATUS.
start_daemon
ms status > "$OBJ/status" 2>&1 || fail "status failed: $(cat "$OBJ/status")"
grep -qx "server: metasafe-$VERSION" "$OBJ/status" ||
    fail "STATUS does not say metasafe-$VERSION: $(cat "$OBJ/status")"
exit 0
