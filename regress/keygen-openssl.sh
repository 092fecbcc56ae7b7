#!/bin/bash
# Private keys are PKCS#8 PEM that openssl reads; encrypted ones need the
# right passphrase.  Keys made by openssl are read by metasafe-keygen.
. "$(dirname "$0")/test-exec.sh"
tid "keygen keys interoperate with openssl pkey"
need_prog "$METASAFE_KEYGEN"
need_tool openssl

for t in ed25519 x25519; do
	f=$OBJ/plain_$t
	"$METASAFE_KEYGEN" -q -t $t -N '' -f "$f" </dev/null ||
	    fatal "generate $t failed"
	head -n 1 "$f" | grep -qx -- '-----BEGIN PRIVATE KEY-----' ||
	    fail "$t: not a PKCS#8 PEM file"
	openssl pkey -in "$f" -noout -passin pass:unused ||
	    fail "$t: openssl cannot read the unencrypted key"
	openssl pkey -in "$f" -text -noout 2>/dev/null |
	    grep -qi "$t" || fail "$t: openssl sees another key type"

	e=$OBJ/enc_$t
	"$METASAFE_KEYGEN" -q -t $t -N 'right pass' -f "$e" </dev/null ||
	    fatal "generate encrypted $t failed"
	head -n 1 "$e" | grep -qx -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' ||
	    fail "$t: encrypted key has the wrong PEM label"
	openssl pkey -in "$e" -noout -passin 'pass:right pass' ||
	    fail "$t: openssl cannot read the encrypted key with the passphrase"
	openssl pkey -in "$e" -noout -passin pass:wrong 2>/dev/null &&
	    fail "$t: openssl read the encrypted key with a wrong passphrase"
	# scrypt, AES-256-CBC (keys/privkey.h).
	openssl asn1parse -in "$e" > "$OBJ/asn1" 2>&1 ||
	    fail "$t: asn1parse failed"
	grep -q ':scrypt\|id-scrypt\|1.3.6.1.4.1.11591.4.11' "$OBJ/asn1" ||
	    fail "$t: encrypted key does not use scrypt"
	grep -q 'aes-256-cbc' "$OBJ/asn1" ||
	    fail "$t: encrypted key does not use AES-256-CBC"

	# The other direction: openssl's own PKCS#8 keys load.
	o=$OBJ/ossl_$t
	openssl genpkey -algorithm "$(echo $t | tr a-z A-Z)" -out "$o" ||
	    fatal "openssl genpkey $t failed"
	"$METASAFE_KEYGEN" -y -f "$o" > "$OBJ/y" ||
	    fail "$t: metasafe-keygen cannot read an openssl key"
	grep -q "^ms-$t " "$OBJ/y" || fail "$t: -y on openssl key: $(cat "$OBJ/y")"
	openssl pkcs8 -topk8 -scrypt -in "$o" -out "$o.enc" -passout pass:pw ||
	    fatal "openssl pkcs8 -scrypt failed"
	"$METASAFE_KEYGEN" -y -f "$o.enc" -P pw > "$OBJ/y2" ||
	    fail "$t: cannot read openssl's encrypted key"
	cmp -s "$OBJ/y" "$OBJ/y2" || fail "$t: encrypted/plain public differ"
done
exit 0
