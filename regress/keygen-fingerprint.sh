#!/bin/bash
# -l prints SHA256:base64nopad(SHA-256(raw public key)) for private and
# public key files; -y reproduces the .pub line.
. "$(dirname "$0")/test-exec.sh"
tid "keygen fingerprints and public keys"
need_prog "$METASAFE_KEYGEN"
need_tool openssl base64 tail tr

for t in ed25519 x25519; do
	T=$(echo $t | tr a-z A-Z)
	for pass in '' 'fp pass'; do
		f=$OBJ/key_$t${pass:+_enc}
		"$METASAFE_KEYGEN" -q -t $t -N "$pass" -C "fp test $t" \
		    -f "$f" </dev/null || fatal "generate $t failed"
		want=SHA256:$(openssl pkey -in "$f" -passin "pass:$pass" \
		    -pubout -outform DER | tail -c 32 |
		    openssl dgst -sha256 -binary | base64 | tr -d '=')
		[ ${#want} -eq 50 ] || fatal "reference fingerprint: $want"

		for k in "$f" "$f.pub"; do
			got=$("$METASAFE_KEYGEN" -l -f "$k" </dev/null) ||
			    fail "-l $k failed"
			[ "$got" = "256 $want fp test $t ($T)" ] ||
			    fail "-l $k: '$got', want '256 $want fp test $t ($T)'"
		done

		# Raw key in the .pub line is the same key.
		pubraw=$(cut -d' ' -f2 "$f.pub" | base64 -d | openssl dgst \
		    -sha256 -binary | base64 | tr -d '=')
		[ "SHA256:$pubraw" = "$want" ] || fail ".pub base64 is not the key"

		y=$("$METASAFE_KEYGEN" -y -f "$f" -P "$pass" </dev/null) ||
		    fail "-y $f failed"
		[ "$y" = "$(cat "$f.pub")" ] ||
		    fail "-y output '$y' differs from .pub '$(cat "$f.pub")'"
	done

	# Without a .pub: no comment; encrypted needs -P.
	rm -f "$OBJ/key_$t.pub" "$OBJ/key_${t}_enc.pub"
	got=$("$METASAFE_KEYGEN" -l -f "$OBJ/key_$t" </dev/null)
	case "$got" in
	"256 SHA256:"*" no comment ($T)") ;;
	*) fail "-l without .pub: '$got'" ;;
	esac
	"$METASAFE_KEYGEN" -l -f "$OBJ/key_${t}_enc" </dev/null >/dev/null 2>&1
	st=$?
	[ $st -eq 3 ] || fail "-l encrypted without .pub or -P: exit $st, want 3"
	got=$("$METASAFE_KEYGEN" -l -f "$OBJ/key_${t}_enc" -P 'fp pass' \
	    </dev/null) || fail "-l encrypted with -P failed"
	case "$got" in
	"256 SHA256:"*" no comment ($T)") ;;
	*) fail "-l encrypted with -P: '$got'" ;;
	esac
	y=$("$METASAFE_KEYGEN" -y -f "$OBJ/key_$t" </dev/null)
	[ "$(echo "$y" | wc -w)" -eq 2 ] || fail "-y without .pub: '$y'"
done
exit 0
