#!/bin/bash
# Certificates outside their validity period are refused by the monitor
# (exit 3), nothing is read or written, and the refusal is logged with the
# certificate's subject and serial.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: expired and not-yet-valid certificates are refused"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root good "$(sn 1)"
	leaf root expired "$(sn 2)" -d expired
	leaf root future "$(sn 3)" -d future
	crl root
	cert_trust root
	cert_crl root
	P="$P good.$b expired.$b future.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b expired" "$CERTS/expired.key" "$CERTS/expired-cert.pem"
	grep -Eqi 'expired' "$OBJ/metasafed.log" ||
	    fail "$b: the log does not give the reason (expired)"
	cert_refused "$b not yet valid" "$CERTS/future.key" "$CERTS/future-cert.pem"
	grep -Eqi 'not yet valid' "$OBJ/metasafed.log" ||
	    fail "$b: the log does not give the reason (not yet valid)"
	# The same CA's valid certificate still works: the refusals were
	# about the dates alone.
	cert_ok "$b good" "$CERTS/good.key" "$CERTS/good-cert.pem" "good.$b"
done
daemon_healthy
exit 0
