#!/bin/bash
# Revocation: a revoked leaf, and a good leaf under a revoked intermediate
# (CRL_CHECK_ALL), are refused; their unrevoked siblings log in.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: revoked leaf and revoked intermediate are refused"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	ca_sub root sub "$(sn 1)"
	ca_sub root badsub "$(sn 2)"
	leaf root good "$(sn 3)"
	leaf root revoked "$(sn 4)"
	leaf sub chained "$(sn 5)"
	leaf sub subrevoked "$(sn 6)"
	leaf badsub underbad "$(sn 7)"
	crl root revoked badsub
	crl sub subrevoked
	crl badsub
	cert_trust root
	cert_crl root sub badsub
	P="$P good.$b revoked.$b chained.$b subrevoked.$b underbad.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b revoked leaf" "$CERTS/revoked.key" "$CERTS/revoked-cert.pem"
	grep -qi 'revoked' "$OBJ/metasafed.log" ||
	    fail "$b: the log does not give the reason (revoked)"
	cert_refused "$b leaf revoked by the intermediate" \
	    "$CERTS/subrevoked.key" "$CERTS/subrevoked-cert.pem"
	cert_refused "$b revoked intermediate" "$CERTS/underbad.key" \
	    "$CERTS/underbad-cert.pem"
	cert_ok "$b good" "$CERTS/good.key" "$CERTS/good-cert.pem" "good.$b"
	cert_ok "$b chain" "$CERTS/chained.key" "$CERTS/chained-cert.pem" \
	    "chained.$b"
done
daemon_healthy
exit 0
