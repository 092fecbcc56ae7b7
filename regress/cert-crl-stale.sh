#!/bin/bash
# A CRL past its nextUpdate: with RequireFreshCRL yes certificate logins
# are refused (so is a missing CRL); with no they are accepted, and the
# stale CRL's revocations still count.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: stale CRL with RequireFreshCRL yes and no"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
: > "$OBJ/fresh.pem"
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root good "$(sn 1)"
	leaf root revoked "$(sn 2)"
	crl root revoked
	cat "$CERTS/root.crl" >> "$OBJ/fresh.pem"
	crl root -s revoked
	cert_trust root
	cert_crl root
	P="$P good.$b revoked.$b"
done
mv "$OBJ/crl.pem" "$OBJ/stale.pem"

# restart_with LINE...: the daemon again, same keys and store.
restart_with() {
	cert_restart "TrustedUserCAFile $OBJ/user_ca.pem" "$@"
}

cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" \
    "RevocationList $OBJ/stale.pem" "RequireFreshCRL no"
# shellcheck disable=SC2086
cert_data $P
for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b stale CRL, RequireFreshCRL no" "$CERTS/good.key" \
	    "$CERTS/good-cert.pem" "good.$b"
	cert_refused "$b revoked in a stale CRL, RequireFreshCRL no" \
	    "$CERTS/revoked.key" "$CERTS/revoked-cert.pem"
done

restart_with "RevocationList $OBJ/stale.pem" "RequireFreshCRL yes"
for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b stale CRL, RequireFreshCRL yes" "$CERTS/good.key" \
	    "$CERTS/good-cert.pem"
done
grep -qi 'crl' "$OBJ/metasafed.log" ||
    fail "the log does not give the reason (CRL)"
ms status > /dev/null || fail "raw-key login failed with a stale CRL"

restart_with "RequireFreshCRL yes"
for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b no CRL at all, RequireFreshCRL yes" "$CERTS/good.key" \
	    "$CERTS/good-cert.pem"
done

restart_with "RevocationList $OBJ/fresh.pem" "RequireFreshCRL yes"
for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b fresh CRL, RequireFreshCRL yes" "$CERTS/good.key" \
	    "$CERTS/good-cert.pem" "good.$b"
	cert_refused "$b revoked, fresh CRL" "$CERTS/revoked.key" \
	    "$CERTS/revoked-cert.pem"
done
daemon_healthy
exit 0
