#!/bin/bash
# A certificate login's ticket carries its chain: after the leaf is
# revoked and the daemon re-reads its CRL (SIGHUP), the ticket no longer
# resumes, and the full login that follows is refused as well.  A
# certificate that is not revoked still resumes, as a certificate login.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: a revoked certificate cannot resume after SIGHUP"

make_admin_key
certs_use openssl
ca_root root
leaf root good "$(sn 1)"
leaf root victim "$(sn 2)"
crl root
cert_trust root
cert_crl root
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
cert_data good.openssl victim.openssl

vc=$OBJ/victim.ticket gc=$OBJ/good.ticket
msc "$CERTS/victim.key" "$CERTS/victim-cert.pem" -o ResumptionCache="$vc" \
    get /certdata rec > /dev/null || fail "victim's first login"
msc "$CERTS/good.key" "$CERTS/good-cert.pem" -o ResumptionCache="$gc" \
    get /certdata rec > /dev/null || fail "good's first login"
[ -f "$vc" ] && [ -f "$gc" ] || fatal "no tickets for certificate logins"
msc "$CERTS/victim.key" "$CERTS/victim-cert.pem" -o ResumptionCache="$vc" \
    get /certdata rec > /dev/null || fail "victim's resumption"
wait_log 'audit: result=allowed peer=[^ ]* op=resume principal=victim.openssl cert_subject='

crl root victim
cp "$CERTS/root.crl" "$OBJ/crl.pem"
reload_daemon
out=$(msc "$CERTS/victim.key" "$CERTS/victim-cert.pem" \
    -o ResumptionCache="$vc" get /certdata rec 2>/dev/null)
st=$?
[ $st -eq 3 ] || fail "revoked certificate got in (exit $st, '$out')"
resume_refused "certificate revoked (depth 0)"
# The good one resumes and is still a certificate login.
[ "$(msc "$CERTS/good.key" "$CERTS/good-cert.pem" -o ResumptionCache="$gc" \
    get /certdata rec)" = "$CERT_VALUE" ] || fail "good's resumption"
wait_log 'audit: result=allowed peer=[^ ]* op=resume principal=good.openssl cert_subject='
