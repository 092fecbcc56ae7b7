#!/bin/bash
# CRLs and CAs reload live on SIGHUP: a certificate revoked after start-up
# is refused at its next login; a broken new CRL or CA file is refused with
# a log line saying why, and the old one stays in force.
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: CRL reload on SIGHUP; a broken file keeps the old one"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root good "$(sn 1)"
	leaf root victim "$(sn 2)"
	crl root
	cert_trust root
	cert_crl root
	P="$P good.$b victim.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b victim before revocation" "$CERTS/victim.key" \
	    "$CERTS/victim-cert.pem" "victim.$b"
done

# Revoke the victims, replace the CRL file, SIGHUP.
: > "$OBJ/crl.new"
for b in $BUILDERS; do
	certs_use "$b"
	crl root victim
	cat "$CERTS/root.crl" >> "$OBJ/crl.new"
done
cp "$OBJ/crl.pem" "$OBJ/crl.orig"
mv "$OBJ/crl.new" "$OBJ/crl.pem"
pid=$DAEMON_PID
reload_daemon
[ "$DAEMON_PID" = "$pid" ] && pid_alive "$pid" || fatal "daemon gone after SIGHUP"
for b in $BUILDERS; do
	certs_use "$b"
	cert_refused "$b victim after revocation and SIGHUP" \
	    "$CERTS/victim.key" "$CERTS/victim-cert.pem"
	cert_ok "$b good after reload" "$CERTS/good.key" "$CERTS/good-cert.pem" \
	    "good.$b"
done

# A broken CRL file: refused on reload, the revoking CRL stays in force.
cp "$OBJ/crl.pem" "$OBJ/crl.revoking"
printf -- '-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n' \
    > "$OBJ/crl.pem"
mark=$(wc -l < "$OBJ/metasafed.log")
reload_daemon
pid_alive "$DAEMON_PID" || fatal "daemon died on a broken CRL"
sleep 0.3
tail -n "+$((mark + 1))" "$OBJ/metasafed.log" > "$OBJ/reload.log"
# One line names the file and says the old set stays.
grep -Ei 'keep|old|previous|unchanged' "$OBJ/reload.log" | grep -q 'crl.pem' ||
    fail "the log does not say the broken crl.pem was refused and the old CRL kept: $(tr '\n' '|' < "$OBJ/reload.log")"
for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b good after a broken CRL" "$CERTS/good.key" \
	    "$CERTS/good-cert.pem" "good.$b"
	cert_refused "$b victim after a broken CRL" "$CERTS/victim.key" \
	    "$CERTS/victim-cert.pem"
done

# A broken CA file: the old CAs stay trusted.
cp "$OBJ/user_ca.pem" "$OBJ/user_ca.orig"
printf 'garbage, not a certificate\n' > "$OBJ/user_ca.pem"
mark=$(wc -l < "$OBJ/metasafed.log")
reload_daemon
pid_alive "$DAEMON_PID" || fatal "daemon died on a broken CA file"
sleep 0.3
tail -n "+$((mark + 1))" "$OBJ/metasafed.log" |
    grep -Ei 'keep|old|previous|unchanged' | grep -q 'user_ca.pem' ||
    fail "the log does not say the broken user_ca.pem was refused and the old CAs kept"
for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b good after a broken CA file" "$CERTS/good.key" \
	    "$CERTS/good-cert.pem" "good.$b"
done

# Back to valid files that revoke nothing: the victims log in again, so
# the reloads above really changed what is in force.
mv "$OBJ/user_ca.orig" "$OBJ/user_ca.pem"
cp "$OBJ/crl.orig" "$OBJ/crl.pem"
reload_daemon
for b in $BUILDERS; do
	certs_use "$b"
	cert_ok "$b victim after un-revoking" "$CERTS/victim.key" \
	    "$CERTS/victim-cert.pem" "victim.$b"
done
daemon_healthy
exit 0
