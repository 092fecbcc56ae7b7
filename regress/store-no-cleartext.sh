#!/bin/bash
# The store files never hold a SECURE value in clear (plain ones they do,
# which proves the search works).
. "$(dirname "$0")/test-exec.sh"
tid "SECURE values are not in the store files in clear"

start_daemon
printf 'PLAIN-MARKER-4c1f9a' | ms set /m plain || fail "set plain"
printf 'SECRET-MARKER-8e2d7b' | ms set -s /m secret || fail "set secure"
stop_daemon
grep -rqa 'PLAIN-MARKER-4c1f9a' "$OBJ/store" ||
    fail "plain marker not found: the search itself does not work"
if grep -rqa 'SECRET-MARKER-8e2d7b' "$OBJ/store"; then
	fail "SECURE value found in clear in the store"
fi
