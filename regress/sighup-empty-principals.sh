#!/bin/bash
# SIGHUP with an emptied AuthorizedPrincipalsFile (truncated by a bad
# deploy, or only comments left) does not lock everybody out: the old
# principals are kept and the reason is logged, like a file that fails to
# load.  AllowEmptyPrincipals yes (itself applied by the same SIGHUP)
# accepts an empty file.
. "$(dirname "$0")/test-exec.sh"
tid "SIGHUP: an empty principals file keeps the old set unless allowed"

start_daemon
cfg=$OBJ/metasafed_config
"$METASAFED" -T -f "$cfg" | grep -qx 'allowemptyprincipals no' ||
    fail "-T does not show allowemptyprincipals no"
printf 'v' | ms set /p rec || fatal "set"
cp "$OBJ/principals" "$OBJ/principals.good"

# Truncated to nothing, then comments only: both refused, admin still in.
for content in '' '# all gone'; do
	printf '%s' "$content" > "$OBJ/principals"
	mark=$(wc -l < "$OBJ/metasafed.log")
	kill -HUP "$DAEMON_PID"
	wait_log "keeping the old 1 principals: $OBJ/principals has no principals"
	tail -n "+$((mark + 1))" "$OBJ/metasafed.log" | grep -q 'loaded 0 principals' &&
	    fail "an empty file replaced the principals"
	[ "$(ms get /p rec)" = v ] || fail "admin locked out by an empty file ('$content')"
done

# Explicitly allowed: the empty file is loaded, and the admin key is out.
conf_set "$cfg" AllowEmptyPrincipals yes
: > "$OBJ/principals"
kill -HUP "$DAEMON_PID"
wait_log 'SIGHUP: AllowEmptyPrincipals changed to yes: applied'
wait_log "loaded 0 principals from $OBJ/principals"
ms get /p rec > /dev/null 2> "$OBJ/get.err"
st=$?
[ $st -eq 3 ] || fail "with no principals the admin key got exit $st, want 3: $(cat "$OBJ/get.err")"

# And a good file brings it back.
cp "$OBJ/principals.good" "$OBJ/principals"
kill -HUP "$DAEMON_PID"
wait_log "loaded 1 principals from $OBJ/principals"
[ "$(ms get /p rec)" = v ] || fail "admin not back after the good file"
stop_daemon
exit 0
