#!/bin/bash
# metasafe-keygen creates the key's own directory, 0700, when it is missing
# (as ssh-keygen does for ~/.ssh), says so, and creates nothing higher up.
. "$(dirname "$0")/test-exec.sh"
tid "keygen creates a missing key directory 0700"
need_prog "$METASAFE_KEYGEN"

# -f into a missing directory, whatever the umask.
d=$OBJ/newdir
(umask 000; "$METASAFE_KEYGEN" -t ed25519 -N '' -f "$d/id" </dev/null) \
    > "$OBJ/out" 2>&1 || fatal "keygen into a missing directory failed: $(cat "$OBJ/out")"
[ -d "$d" ] || fatal "$d not created"
[ "$(file_mode "$d")" = 700 ] || fail "$d mode $(file_mode "$d"), want 700"
[ -f "$d/id" ] && [ -f "$d/id.pub" ] || fail "key pair not written in $d"
grep -qxF "Created directory '$d'." "$OBJ/out" ||
    fail "no 'Created directory' line: $(cat "$OBJ/out")"

# An existing directory is left as it is, and nothing is announced.
mkdir "$OBJ/existing" && chmod 0755 "$OBJ/existing"
"$METASAFE_KEYGEN" -t ed25519 -N '' -f "$OBJ/existing/id" </dev/null \
    > "$OBJ/out2" 2>&1 || fail "keygen into an existing directory failed"
[ "$(file_mode "$OBJ/existing")" = 755 ] || fail "existing directory mode changed"
grep -q "Created directory" "$OBJ/out2" && fail "announced an existing directory"

# Only the last component: a missing grandparent is an error.
"$METASAFE_KEYGEN" -t ed25519 -N '' -f "$OBJ/a/b/id" </dev/null \
    > "$OBJ/out3" 2>&1 && fail "keygen created more than one directory level"
[ -e "$OBJ/a" ] && fail "$OBJ/a was created"
grep -q "$OBJ/a/b" "$OBJ/out3" || fail "error does not name $OBJ/a/b: $(cat "$OBJ/out3")"

# -q: quiet, but the directory is still created.
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/quiet/id" </dev/null \
    > "$OBJ/out4" 2>&1 || fail "keygen -q into a missing directory failed"
[ "$(file_mode "$OBJ/quiet")" = 700 ] || fail "-q: directory not 0700"
[ -s "$OBJ/out4" ] && fail "-q printed: $(cat "$OBJ/out4")"

# The default file: ~/.metasafe is created and announced.
"$METASAFE_KEYGEN" -t ed25519 -N '' </dev/null > "$OBJ/out5" 2>&1 ||
    fail "default generation failed: $(cat "$OBJ/out5")"
grep -qxF "Created directory '$HOME/.metasafe'." "$OBJ/out5" ||
    fail "~/.metasafe creation not announced: $(cat "$OBJ/out5")"
[ "$(file_mode "$HOME/.metasafe")" = 700 ] || fail "~/.metasafe not 0700"
exit 0
