#!/bin/bash
# metasafe-keygen -F / -R on known_hosts, as ssh-keygen does.
. "$(dirname "$0")/test-exec.sh"
tid "keygen -F and -R: find, remove, FILE.old backup, mode kept"
need_prog "$METASAFE_KEYGEN"

kh=$OBJ/kh
cat > "$kh" <<'KH'
# pinned by hand
[db1]:7439 ms-ed25519 AAAAone old key
[db2]:7439,[DB1]:7440 ms-ed25519 AAAAtwo
[db3]:7439 ms-ed25519 AAAAthree
[db1]:7439 ms-ed25519 AAAAfour new key
KH
chmod 0640 "$kh"
cp "$kh" "$OBJ/kh.orig"

# -F [host]:port: that name only, with ssh-keygen's header lines.
"$METASAFE_KEYGEN" -F '[db1]:7439' -f "$kh" > "$OBJ/out" 2>&1 ||
    fail "-F [db1]:7439 exit $?"
cat > "$OBJ/want" <<'W'
# Host [db1]:7439 found: line 2
[db1]:7439 ms-ed25519 AAAAone old key
# Host [db1]:7439 found: line 5
[db1]:7439 ms-ed25519 AAAAfour new key
W
cmp -s "$OBJ/out" "$OBJ/want" || fail "-F output: $(cat "$OBJ/out")"
# -F host: every port, case-insensitively, inside comma lists.
"$METASAFE_KEYGEN" -F db1 -f "$kh" > "$OBJ/out" 2>&1 || fail "-F db1"
[ "$(grep -c '^# Host db1 found' "$OBJ/out")" = 3 ] ||
    fail "-F db1 found: $(cat "$OBJ/out")"
"$METASAFE_KEYGEN" -q -F db3 -f "$kh" > "$OBJ/out" 2>&1 || fail "-q -F db3"
[ "$(cat "$OBJ/out")" = "[db3]:7439 ms-ed25519 AAAAthree" ] ||
    fail "-q -F output: $(cat "$OBJ/out")"
# Not found: exit 1, nothing printed; the file is unchanged.
"$METASAFE_KEYGEN" -F nosuch -f "$kh" > "$OBJ/out" 2>&1
st=$?
[ $st -eq 1 ] || fail "-F unknown host: exit $st, want 1"
[ -s "$OBJ/out" ] && fail "-F unknown host printed: $(cat "$OBJ/out")"
"$METASAFE_KEYGEN" -F 'bad host' -f "$kh" > /dev/null 2>&1 &&
    fail "-F accepted a host with a blank"

# -R host: the lines go, other names on a shared line stay.
"$METASAFE_KEYGEN" -R db1 -f "$kh" > "$OBJ/out" 2>&1 || fail "-R db1 exit $?"
grep -q "Original contents retained as $kh.old" "$OBJ/out" ||
    fail "-R output: $(cat "$OBJ/out")"
cat > "$OBJ/want" <<'W'
# pinned by hand
[db2]:7439 ms-ed25519 AAAAtwo
[db3]:7439 ms-ed25519 AAAAthree
W
cmp -s "$kh" "$OBJ/want" || fail "after -R: $(cat "$kh")"
cmp -s "$kh.old" "$OBJ/kh.orig" || fail "FILE.old is not the original"
[ "$(file_mode "$kh")" = 640 ] || fail "mode after -R: $(file_mode "$kh")"
[ "$(file_mode "$kh.old")" = 640 ] || fail "mode of .old: $(file_mode "$kh.old")"
ls "$OBJ" | grep -q '^kh\.[A-Za-z0-9]\{6\}$' && fail "temporary file left"
# Removing what is not there: exit 1, file and backup untouched.
cp "$kh" "$OBJ/kh.now"
"$METASAFE_KEYGEN" -R db1 -f "$kh" > "$OBJ/out" 2>&1
st=$?
[ $st -eq 1 ] || fail "-R of a missing host: exit $st, want 1"
cmp -s "$kh" "$OBJ/kh.now" || fail "-R of a missing host changed the file"
cmp -s "$kh.old" "$OBJ/kh.orig" || fail "-R of a missing host replaced .old"
# -R [host]:port only that name.
"$METASAFE_KEYGEN" -q -R '[DB3]:7439' -f "$kh" > /dev/null 2>&1 ||
    fail "-R [DB3]:7439"
grep -q db3 "$kh" && fail "db3 still there: $(cat "$kh")"
grep -q db2 "$kh" || fail "db2 lost"

# Default file: the client's ~/.metasafe/known_hosts.
mkdir -p "$HOME/.metasafe"
printf '[h]:1 ms-ed25519 AAAAh\n' > "$HOME/.metasafe/known_hosts"
"$METASAFE_KEYGEN" -q -F h > "$OBJ/out" 2>&1 || fail "-F with the default file"
grep -q AAAAh "$OBJ/out" || fail "default file not used"
# A missing file is an error (1) with a message.
"$METASAFE_KEYGEN" -F h -f "$OBJ/nonexistent" > "$OBJ/out" 2>&1 &&
    fail "-F on a missing file succeeded"
grep -q 'No such file' "$OBJ/out" || fail "missing file message: $(cat "$OBJ/out")"
