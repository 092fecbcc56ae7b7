#!/bin/bash
# A certificate from a CA the daemon does not trust, naming a principal
# that exists, is refused; so is a trusted CA's certificate whose signature
# was tampered with.  Nothing is read or written.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: unknown CA and bad certificate signature are refused"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	ca_root rogue
	leaf root good "$(sn 1)"
	# The rogue CA certifies the very name the real CA gave "good".
	leaf rogue foreign "$(sn 2)" -n "good.$b"
	leaf root tampered "$(sn 3)"
	cert_badsig "$CERTS/tampered.crt" "$CERTS/tampered-cert.pem"
	crl root
	cert_trust root
	cert_crl root
	P="$P good.$b tampered.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b unknown CA" "$CERTS/foreign.key" "$CERTS/foreign-cert.pem"
	# The rogue chain with its root included does not help either.
	cat "$CERTS/foreign-cert.pem" "$CERTS/rogue.crt" > "$CERTS/foreign-full.pem"
	cert_refused "$b unknown CA, root sent" "$CERTS/foreign.key" \
	    "$CERTS/foreign-full.pem"
	cert_refused "$b bad signature" "$CERTS/tampered.key" \
	    "$CERTS/tampered-cert.pem"
	grep -qi 'signature' "$OBJ/metasafed.log" ||
	    fail "$b: the log does not give the reason (signature)"
	cert_ok "$b good" "$CERTS/good.key" "$CERTS/good-cert.pem" "good.$b"
done
daemon_healthy
exit 0
