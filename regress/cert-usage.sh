#!/bin/bash
# A trusted CA's certificate for the wrong purpose is refused: an
# extendedKeyUsage of serverAuth only, or a keyUsage without
# digitalSignature (keyCertSign only).
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: wrong keyUsage / extendedKeyUsage is refused"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root good "$(sn 1)"
	leaf root eku "$(sn 2)" -u serverauth
	leaf root ku "$(sn 3)" -u keycertsign
	crl root
	cert_trust root
	cert_crl root
	P="$P good.$b eku.$b ku.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b serverAuth only" "$CERTS/eku.key" "$CERTS/eku-cert.pem"
	cert_refused "$b keyCertSign only" "$CERTS/ku.key" "$CERTS/ku-cert.pem"
	grep -qi 'purpose\|usage' "$OBJ/metasafed.log" ||
	    fail "$b: the log does not give the reason (purpose/usage)"
	cert_ok "$b good" "$CERTS/good.key" "$CERTS/good-cert.pem" "good.$b"
done
daemon_healthy
exit 0
