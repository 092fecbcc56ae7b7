#!/bin/bash
# RSA key length policy: with the default MinimumRSABits (2048) an RSA-1024
# certificate from a trusted CA is refused (nothing read or written) and
# RSA-2048 logs in; with MinimumRSABits 3072, RSA-2048 is refused and
# RSA-3072 logs in.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: RSA keys below MinimumRSABits are refused"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root r1024 "$(sn 1)" -t rsa1024
	leaf root r2048 "$(sn 2)" -t rsa2048
	leaf root r3072 "$(sn 3)" -t rsa3072
	openssl pkey -in "$CERTS/r1024.key" -noout -text 2>/dev/null |
	    grep -q '1024 bit' || fatal "$b: r1024 is not an RSA-1024 key"
	crl root
	cert_trust root
	cert_crl root
	P="$P r1024.$b r2048.$b r3072.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
$METASAFED -T -f "$OBJ/metasafed_config" 2>>"$TEST_LOG" |
    grep -qx 'minimumrsabits 2048' || fail "-T does not show minimumrsabits 2048"
# shellcheck disable=SC2086
cert_data $P
for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b RSA-1024, default minimum" "$CERTS/r1024.key" \
	    "$CERTS/r1024-cert.pem"
	cert_ok "$b RSA-2048, default minimum" "$CERTS/r2048.key" \
	    "$CERTS/r2048-cert.pem" "r2048.$b"
done
grep 'result=denied' "$OBJ/metasafed.log" | grep -qi 'rsa\|bits\|too small\|weak' ||
    fail "the log does not give the reason (key size)"

cert_restart "TrustedUserCAFile $OBJ/user_ca.pem" \
    "RevocationList $OBJ/crl.pem" "MinimumRSABits 3072"
for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b RSA-2048, MinimumRSABits 3072" "$CERTS/r2048.key" \
	    "$CERTS/r2048-cert.pem"
	cert_refused "$b RSA-1024, MinimumRSABits 3072" "$CERTS/r1024.key" \
	    "$CERTS/r1024-cert.pem"
	cert_ok "$b RSA-3072, MinimumRSABits 3072" "$CERTS/r3072.key" \
	    "$CERTS/r3072-cert.pem" "r3072.$b"
done
daemon_healthy
exit 0
