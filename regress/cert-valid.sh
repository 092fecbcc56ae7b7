#!/bin/bash
# Valid certificates log in, with every supported leaf key type, whether
# openssl or metasafe-keygen made them; the principal is the URI SAN and
# needs no AuthorizedPrincipalsFile line; raw-key logins keep working.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: valid Ed25519, ECDSA P-256/P-384, RSA-2048/3072 leaves"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root good "$(sn 1)"
	leaf root p256 "$(sn 2)" -t ecdsa-p256
	leaf root p384 "$(sn 3)" -t ecdsa-p384
	leaf root r2048 "$(sn 4)" -t rsa2048
	leaf root r3072 "$(sn 5)" -t rsa3072
	crl root
	cert_trust root
	cert_crl root
	P="$P good.$b p256.$b p384.$b r2048.$b r3072.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	for n in good p256 p384 r2048 r3072; do
		cert_ok "$b $n" "$CERTS/$n.key" "$CERTS/$n-cert.pem" "$n.$b"
	done
	# Only the certificate's own name is granted: the admin's name is
	# not reachable by a certificate for another name.
	msc "$CERTS/good.key" "$CERTS/good-cert.pem" acl get /certdata \
	    > /dev/null 2>&1
	st=$?
	[ $st -eq 4 ] || fail "$b: certificate principal ran acl get: exit $st"
	grep -q "authenticated .* as good.$b" "$OBJ/metasafed.log" ||
	    fail "$b: no login of good.$b logged"
done
# Raw-key principals work beside certificates.
ms status > /dev/null || fail "raw-key admin login failed"
daemon_healthy
exit 0
