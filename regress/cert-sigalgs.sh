#!/bin/bash
# SignatureAlgorithms limits the client signature schemes the server takes:
# with "ed25519,ecdsa-p384-sha384" an ECDSA P-256 or RSA certificate is
# refused (nothing read or written) while Ed25519 and P-384 certificates
# and raw Ed25519 keys log in.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: SignatureAlgorithms restricts client key types"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root ed "$(sn 1)"
	leaf root p256 "$(sn 2)" -t ecdsa-p256
	leaf root p384 "$(sn 3)" -t ecdsa-p384
	leaf root rsa "$(sn 4)" -t rsa2048
	crl root
	cert_trust root
	cert_crl root
	P="$P ed.$b p256.$b p384.$b rsa.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem" \
    "SignatureAlgorithms ed25519,ecdsa-p384-sha384"
$METASAFED -T -f "$OBJ/metasafed_config" 2>>"$TEST_LOG" |
    grep -qx 'signaturealgorithms ed25519,ecdsa-p384-sha384' ||
    fail "-T does not show the SignatureAlgorithms list"
# shellcheck disable=SC2086
cert_data $P
for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b Ed25519" "$CERTS/ed.key" "$CERTS/ed-cert.pem" "ed.$b"
	cert_ok "$b P-384" "$CERTS/p384.key" "$CERTS/p384-cert.pem" "p384.$b"
	cert_refused "$b P-256 not allowed" "$CERTS/p256.key" \
	    "$CERTS/p256-cert.pem"
	cert_refused "$b RSA not allowed" "$CERTS/rsa.key" "$CERTS/rsa-cert.pem"
done
ms status > /dev/null || fail "raw Ed25519 key refused"
daemon_healthy
exit 0
