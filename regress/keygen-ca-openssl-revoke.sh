#!/bin/bash
# metasafe-keygen -k -S: revoke with a CA made by openssl (certificate not
# named KEY.crt); the daemon then refuses that certificate.  The audit
# lines give the serial as keygen prints it (decimal) and the issuer.
. "$(dirname "$0")/test-exec.sh"
tid "keygen -k -S CA.crt revokes for an openssl CA; serial and issuer logged"

make_admin_key
certs_use openssl
ca_root root
good=$(sn 1)
bad=$(sn 2)
leaf root good "$good"
leaf root bad "$bad"
[ -f "$CERTS/root.key.crt" ] && fatal "fixture unexpectedly has KEY.crt"

# Without -S keygen looks for root.key.crt and says how to name the cert.
"$METASAFE_KEYGEN" -q -k -s "$CERTS/root.key" -f "$OBJ/crl.pem" -z "$bad" \
    > "$OBJ/out" 2>&1 && fail "-k without -S found a certificate"
grep -q -- '-S' "$OBJ/out" || fail "no hint at -S: $(cat "$OBJ/out")"
[ -e "$OBJ/crl.pem" ] && fail "a CRL was written without the CA certificate"
# -S without -s is a usage error.
"$METASAFE_KEYGEN" -k -S "$CERTS/root.crt" -f "$OBJ/crl.pem" > /dev/null 2>&1 &&
    fail "-S without -s accepted"
# With -S: the CRL lists the serial.
"$METASAFE_KEYGEN" -k -s "$CERTS/root.key" -S "$CERTS/root.crt" \
    -f "$OBJ/crl.pem" -z "$bad" > "$OBJ/out" 2>&1 ||
    fatal "keygen -k -S: $(cat "$OBJ/out")"
grep -q "Revoked serial $bad" "$OBJ/out" || fail "keygen output: $(cat "$OBJ/out")"
openssl crl -in "$OBJ/crl.pem" -noout -text > "$OBJ/crl.txt" 2>&1 ||
    fatal "openssl cannot read the CRL"
hexbad=$(printf '%X' "$bad")
grep -qi "Serial Number: 0*$hexbad" "$OBJ/crl.txt" ||
    fail "CRL does not list $bad: $(cat "$OBJ/crl.txt")"
openssl crl -in "$OBJ/crl.pem" -CAfile "$CERTS/root.crt" -noout \
    >> "$TEST_LOG" 2>&1 || fail "CRL signature does not verify under root.crt"

# -S works for issuing (-I) with that CA too.
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/extra" >> "$TEST_LOG" 2>&1 ||
    fatal "keygen extra key"
"$METASAFE_KEYGEN" -q -s "$CERTS/root.key" -S "$CERTS/root.crt" -I extra \
    -z 77 -f "$OBJ/extra" > "$OBJ/out" 2>&1 || fail "-I with -S: $(cat "$OBJ/out")"
openssl verify -CAfile "$CERTS/root.crt" "$OBJ/extra-cert.pem" \
    >> "$TEST_LOG" 2>&1 || fail "the -S issued certificate does not verify"

cert_trust root
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" \
    "RevocationList $OBJ/crl.pem" "RequireFreshCRL yes"
cert_data good.openssl bad.openssl
cert_refused "revoked by keygen -S" "$CERTS/bad.key" "$CERTS/bad-cert.pem"
cert_ok "not revoked" "$CERTS/good.key" "$CERTS/good-cert.pem" good.openssl

# The audit lines: decimal serial (keygen's -z notation) and the issuer,
# quoted because the DN holds blanks.
issuer=$(openssl x509 -in "$CERTS/root.crt" -noout -subject -nameopt RFC2253 |
    sed 's/^subject=//')
wait_log "audit: result=denied peer=[^ ]* op=auth cert_subject=\"[^\"]*CN=bad.openssl[^\"]*\" cert_issuer=\"$issuer\" cert_serial=$bad"
wait_log "audit: result=allowed peer=[^ ]* op=auth principal=good.openssl cert_subject=\"[^\"]*\" cert_issuer=\"$issuer\" cert_serial=$good"
daemon_healthy
exit 0
