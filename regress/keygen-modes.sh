#!/bin/bash
# Private keys are 0600 and public keys 0644 whatever the umask; -A files too.
. "$(dirname "$0")/test-exec.sh"
tid "keygen file modes"
need_prog "$METASAFE_KEYGEN"

for um in 022 000 077; do
	for t in ed25519 x25519; do
		f=$OBJ/id_${t}_$um
		(umask $um; "$METASAFE_KEYGEN" -q -t $t -N '' -f "$f" \
		    </dev/null) || fail "generate $t (umask $um) failed"
		[ "$(file_mode "$f")" = 600 ] ||
		    fail "$f mode $(file_mode "$f"), want 600 (umask $um)"
		[ "$(file_mode "$f.pub")" = 644 ] ||
		    fail "$f.pub mode $(file_mode "$f.pub"), want 644 (umask $um)"
	done
done

# An encrypted key is 0600 too.
"$METASAFE_KEYGEN" -q -t ed25519 -N 'pass phrase' -f "$OBJ/enc" </dev/null ||
    fail "generate encrypted failed"
[ "$(file_mode "$OBJ/enc")" = 600 ] || fail "encrypted key not 0600"

(umask 000; "$METASAFE_KEYGEN" -q -A -d "$OBJ/hk") || fail "-A failed"
[ "$(file_mode "$OBJ/hk")" = 700 ] ||
    fail "host key dir mode $(file_mode "$OBJ/hk"), want 700"
for k in host_sig_key host_kex_key host_store_key; do
	[ "$(file_mode "$OBJ/hk/$k")" = 600 ] ||
	    fail "$k mode $(file_mode "$OBJ/hk/$k"), want 600"
done
for k in host_sig_key host_kex_key; do
	[ "$(file_mode "$OBJ/hk/$k.pub")" = 644 ] ||
	    fail "$k.pub mode $(file_mode "$OBJ/hk/$k.pub"), want 644"
done
[ ! -e "$OBJ/hk/host_store_key.pub" ] || fail "store key has a .pub"
