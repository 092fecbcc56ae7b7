#!/bin/bash
# Without -f the key goes to ~/.metasafe/id_TYPE (directory 0700), with the
# user@host comment; without -N and without a terminal it is unencrypted.
. "$(dirname "$0")/test-exec.sh"
tid "keygen default file and comment"
need_prog "$METASAFE_KEYGEN"

"$METASAFE_KEYGEN" -t x25519 </dev/null > "$OBJ/out" 2>&1 ||
    fatal "default generation failed: $(cat "$OBJ/out")"
f=$HOME/.metasafe/id_x25519
[ -f "$f" ] && [ -f "$f.pub" ] || fatal "$f not created"
[ "$(file_mode "$HOME/.metasafe")" = 700 ] || fail "~/.metasafe not 0700"
head -n 1 "$f" | grep -qx -- '-----BEGIN PRIVATE KEY-----' ||
    fail "key without -N and without a tty is not plain"
grep -q "Your identification has been saved in $f\$" "$OBJ/out" ||
    fail "missing identification line"
grep -q "Your public key has been saved in $f.pub\$" "$OBJ/out" ||
    fail "missing public key line"
grep -q "The key fingerprint is: SHA256:" "$OBJ/out" ||
    fail "missing fingerprint line"
c="$(id -un)@$(hostname)"
[ "$(cut -d' ' -f3- "$f.pub")" = "$c" ] ||
    fail "comment '$(cut -d' ' -f3- "$f.pub")', want '$c'"
"$METASAFE_KEYGEN" -q </dev/null > "$OBJ/out2" 2>&1 ||
    fail "default type failed: $(cat "$OBJ/out2")"
[ -f "$HOME/.metasafe/id_ed25519" ] || fail "default type is not ed25519"
[ ! -s "$OBJ/out2" ] || fail "-q printed: $(cat "$OBJ/out2")"
# The passphrase never appears in the output.
"$METASAFE_KEYGEN" -t ed25519 -N 'sekrit-value' -f "$OBJ/k" </dev/null \
    > "$OBJ/out3" 2>&1 || fail "generation with -N failed"
grep -q sekrit "$OBJ/out3" "$OBJ/k" "$OBJ/k.pub" && fail "passphrase leaked"
exit 0
