#!/bin/bash
# A leaf issued by an intermediate CA logs in when the client sends the
# intermediate with it (only the root is trusted), and is refused when the
# intermediate is missing.  CRL checking covers the whole chain.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: chain through an intermediate; missing intermediate"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	ca_sub root sub "$(sn 1)"
	leaf sub chained "$(sn 2)"
	leaf sub p256 "$(sn 3)" -t ecdsa-p256
	# openssl's intermediate is RSA: also an RSASSA-PSS certificate
	# signature besides PKCS#1 v1.5.
	if [ "$b" = openssl ]; then
		leaf sub pss "$(sn 4)" -p yes
		openssl x509 -in "$CERTS/pss.crt" -noout -text 2>/dev/null |
		    grep -q 'Signature Algorithm: rsassaPss' ||
		    fatal "the PSS fixture is not PSS-signed"
		P="$P pss.$b"
	fi
	pem_first "$CERTS/chained-cert.pem" "$CERTS/leafonly.pem"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$CERTS/chained-cert.pem")" = 2 ] ||
	    fatal "$b: the chain file is not leaf + intermediate"
	crl root
	crl sub
	cert_trust root
	cert_crl root sub
	P="$P chained.$b p256.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b chain" "$CERTS/chained.key" "$CERTS/chained-cert.pem" \
	    "chained.$b"
	cert_ok "$b chain (P-256 leaf)" "$CERTS/p256.key" "$CERTS/p256-cert.pem" \
	    "p256.$b"
	if [ "$b" = openssl ]; then
		cert_ok "$b chain (RSA-PSS certificate signature)" \
		    "$CERTS/pss.key" "$CERTS/pss-cert.pem" "pss.$b"
	fi
	cert_refused "$b missing intermediate" "$CERTS/chained.key" \
	    "$CERTS/leafonly.pem"
	# The intermediate alone is not a trust anchor: its own certificate
	# presented as the client's, with the intermediate's key, is refused
	# (it is a CA, not a client certificate).
	cert_refused "$b CA certificate as client" "$CERTS/sub.key" \
	    "$CERTS/sub.crt"
done
daemon_healthy
exit 0
