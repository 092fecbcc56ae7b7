#!/bin/bash
# The client refuses an identity key file that group or others may access,
# with a loud warning, exit 1, and without connecting at all.
. "$(dirname "$0")/test-exec.sh"
tid "client refuses an identity key open to group or others"

start_daemon
ms status > /dev/null 2>&1 || fatal "admin status fails with a 0600 key"
key=$OBJ/admin_key

refused() {
	_mode=$1
	chmod "$_mode" "$key" || fatal "chmod $_mode"
	_before=$(grep -c 'connection from' "$OBJ/metasafed.log")
	ms status > "$OBJ/out" 2> "$OBJ/err" < /dev/null
	_st=$?
	[ $_st -eq 1 ] || fail "mode $_mode: exit $_st, want 1"
	[ -s "$OBJ/out" ] && fail "mode $_mode: printed: $(cat "$OBJ/out")"
	grep -q 'WARNING: THE PRIVATE KEY FILE IS NOT PROTECTED!' "$OBJ/err" ||
	    fail "mode $_mode: no warning banner: $(cat "$OBJ/err")"
	grep -qF "Permissions 0$_mode on '$key'" "$OBJ/err" ||
	    fail "mode $_mode: mode and file not named: $(cat "$OBJ/err")"
	grep -q 'This identity is not used' "$OBJ/err" ||
	    fail "mode $_mode: does not say the key is ignored"
	# Nothing reached the server: no new connection was logged.  The
	# next good login proves the log is being written.
	chmod 600 "$key"
	ms status > /dev/null 2>&1 || fail "mode $_mode: 0600 login failed after"
	_after=$(grep -c 'connection from' "$OBJ/metasafed.log")
	[ "$_after" -eq $((_before + 1)) ] ||
	    fail "mode $_mode: $((_after - _before)) connections logged, want 1 (the good login only)"
}

refused 644
refused 640
refused 604
refused 660
refused 666

# Through a symbolic link: the file's mode counts.
chmod 644 "$key"
ln -s "$key" "$OBJ/key_link"
ms -k "$OBJ/key_link" status > /dev/null 2> "$OBJ/err" < /dev/null
st=$?
[ $st -eq 1 ] || fail "symlink to a 0644 key: exit $st, want 1"
grep -q 'NOT PROTECTED' "$OBJ/err" || fail "symlink: no warning"

# Owner bits alone are fine.
for m in 400 700; do
	chmod $m "$key"
	ms status > /dev/null 2>&1 || fail "mode $m refused"
done
exit 0
