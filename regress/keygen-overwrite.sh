#!/bin/bash
# A second run on the same file fails, names the file and changes nothing;
# an existing .pub alone also blocks generation.
. "$(dirname "$0")/test-exec.sh"
tid "keygen refuses to overwrite"
need_prog "$METASAFE_KEYGEN"

f=$OBJ/key
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -C first -f "$f" </dev/null ||
    fatal "first generation failed"
before=$(checksum "$f" "$f.pub")

for t in ed25519 x25519; do
	"$METASAFE_KEYGEN" -t $t -N '' -C second -f "$f" </dev/null \
	    >"$OBJ/out" 2>&1
	st=$?
	[ $st -eq 2 ] || fail "overwrite ($t): exit $st, want 2"
	grep -q "$f.*already exists" "$OBJ/out" ||
	    fail "overwrite ($t): message does not name the file: $(cat "$OBJ/out")"
	[ "$(checksum "$f" "$f.pub")" = "$before" ] ||
	    fail "overwrite ($t): key files changed"
done

# Only the .pub exists: still refused, and no private key appears.
g=$OBJ/orphan
echo "ms-ed25519 AAAA precious" > "$g.pub"
pubsum=$(checksum "$g.pub")
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$g" </dev/null >"$OBJ/out" 2>&1
st=$?
[ $st -eq 2 ] || fail "existing .pub: exit $st, want 2"
grep -q "$g.pub.*already exists" "$OBJ/out" ||
    fail "existing .pub: message does not name it: $(cat "$OBJ/out")"
[ ! -e "$g" ] || fail "existing .pub: private key was written"
[ "$(checksum "$g.pub")" = "$pubsum" ] || fail "existing .pub changed"

# A dangling symlink is not followed.
ln -s "$OBJ/target" "$OBJ/link"
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/link" </dev/null \
    >/dev/null 2>&1 && fail "wrote through a symlink"
[ ! -e "$OBJ/target" ] || fail "symlink target was created"
exit 0
