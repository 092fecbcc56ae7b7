#!/bin/bash
# The generated sysusers.d and tmpfiles.d snippets, applied by the real
# systemd tools to a scratch root: they create the dedicated privsep user
# _metasafe (system uid, no home, no shell) and the run directory, the
# workers' chroot (root 0755, empty) and the store (root 0700) where the
# built-in paths say.
. "$(dirname "$0")/test-exec.sh"
tid "sysusers.d and tmpfiles.d snippets create the user and directories"

need_tool systemd-sysusers systemd-tmpfiles
for f in metasafe.sysusers metasafe.tmpfiles; do
	[ -f "$BUILD/$f" ] || fatal "$BUILD/$f missing (make builds it)"
	grep -n '@[A-Z_]*@' "$BUILD/$f" && fail "unsubstituted names in $f"
done
path_of() {
	sed -n "s/^#define $1[[:space:]]*\"\(.*\)\"/\1/p" "$BUILD/pathnames.h"
}
chroot=$(path_of MS_PATH_CHROOT)
store=$(path_of MS_PATH_STORE_DIR)
pidfile=$(path_of MS_PATH_PIDFILE)
[ -n "$chroot" ] && [ -n "$store" ] && [ -n "$pidfile" ] ||
    fatal "paths missing from pathnames.h"
rundir=$(dirname "$pidfile")

ROOT=$OBJ/root
mkdir -p "$ROOT/etc"
systemd-sysusers --root="$ROOT" "$BUILD/metasafe.sysusers" \
    > "$OBJ/sysusers.out" 2>&1 ||
    fail "systemd-sysusers failed: $(cat "$OBJ/sysusers.out")"
line=$(grep '^_metasafe:' "$ROOT/etc/passwd")
[ -n "$line" ] || fail "no _metasafe in the passwd file: $(cat "$ROOT/etc/passwd" 2>&1)"
uid=$(echo "$line" | cut -d: -f3)
gid=$(echo "$line" | cut -d: -f4)
[ -n "$uid" ] && [ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] ||
    fail "_metasafe uid '$uid' is not a system uid"
[ "$(echo "$line" | cut -d: -f6)" = /nonexistent ] || fail "home: $line"
[ "$(echo "$line" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "shell: $line"
grep -q "^_metasafe:x:$gid:\$" "$ROOT/etc/group" ||
    fail "no group _metasafe ($gid) of its own: $(cat "$ROOT/etc/group")"
# The default PrivsepUser is the user the snippet makes.
grep -q '^#define MS_PRIVSEP_USER[[:space:]]*"_metasafe"' "$BUILD/pathnames.h" ||
    fail "the built-in PrivsepUser is not _metasafe"

systemd-tmpfiles --root="$ROOT" --create "$BUILD/metasafe.tmpfiles" \
    > "$OBJ/tmpfiles.out" 2>&1 ||
    fail "systemd-tmpfiles failed: $(cat "$OBJ/tmpfiles.out")"
want_dir() {
	_d=$ROOT$1
	[ -d "$_d" ] || { fail "$1 not created"; return; }
	[ "$(stat -c '%a %U %G' "$_d")" = "$2 root root" ] ||
	    fail "$1: $(stat -c '%a %U %G' "$_d"), want $2 root root"
}
want_dir "$rundir" 755
want_dir "$chroot" 755
want_dir "$store" 700
[ -z "$(ls -A "$ROOT$chroot" 2>/dev/null)" ] || fail "$chroot is not empty"
exit 0
