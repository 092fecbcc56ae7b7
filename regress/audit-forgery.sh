#!/bin/bash
# Audit lines cannot be forged by what a peer sends.  Each attack from the
# review: a self-signed certificate whose subject spells out fields, a
# ~990-byte path ending in fake fields (it once pushed the real ones past
# the log's line limit), and a worker that logs a line that reads like an
# audit line.  An audit line is a message that starts with "audit: ", its
# first fields are the monitor's result= and peer=, peer-supplied values
# are quoted, and no line is cut.
. "$(dirname "$0")/test-exec.sh"
tid "audit lines cannot be forged: quoting, field order, no truncation"
need_tool openssl sha256sum

make_admin_key
add_principal nobody
certs_use keygen
ca_root root
cert_trust root
start_rogue_daemon "TrustedUserCAFile $OBJ/user_ca.pem"
LOG=$OBJ/metasafed.log

# audit_lines: every audit line, as "the message" (after "metasafed[PID]: ").
audit_lines() {
	sed -nE 's/^([^ ]+ )?metasafed\[[0-9]+\]: (audit: .*)$/\2/p' "$LOG"
}
# No audit line may name a forged peer, or claim success for the attack.
check_no_forgery() {
	if audit_lines | grep -q "$1"; then
		fail "$2: an audit line carries the forged text outside quotes: $(audit_lines | grep "$1" | head -2)"
	fi
}

# 1. A self-signed certificate whose subject is a list of fields.
subj='/CN=x principal=admin result=allowed peer=10.9.9.9'
openssl genpkey -algorithm ED25519 -out "$OBJ/forge.key" >> "$TEST_LOG" 2>&1 ||
    fatal "genpkey"
openssl req -x509 -new -key "$OBJ/forge.key" -subj "$subj" -days 2 \
    -out "$OBJ/forge.crt" >> "$TEST_LOG" 2>&1 || fatal "req -x509"
msc "$OBJ/forge.key" "$OBJ/forge.crt" status > /dev/null 2>&1
st=$?
[ $st -eq 3 ] || fail "self-signed login: exit $st, want 3"
wait_log 'audit: result=denied peer=127.0.0.1:[0-9]* op=auth '
line=$(audit_lines | grep 'op=auth' | grep 'CN=x' | tail -n 1)
[ -n "$line" ] || fail "the refused certificate's subject is not audited"
case "$line" in
"audit: result=denied peer=127.0.0.1:"*) ;;
*) fail "result= and peer= are not the first fields: $line" ;;
esac
printf '%s\n' "$line" | grep -q 'cert_subject="[^"]*principal=admin result=allowed peer=10.9.9.9[^"]*"' ||
    fail "the subject is not one quoted value: $line"
check_no_forgery '^audit: result=allowed peer=10\.9' "certificate subject"

# 2. A 990-byte path ending in fake fields, from a principal with no rights.
seg=$(head -c 230 /dev/zero | tr '\0' a)
path="/$seg/$seg/$seg/$seg/x peer=10.9.8.7:4242 result=allowed"
ms -k "$OBJ/nobody_key" get "$path" rec > /dev/null 2>&1
st=$?
[ $st -eq 4 ] || fail "long path: exit $st, want 4"
wait_log 'audit: result=denied peer=127.0.0.1:[0-9]* op=[a-z]* principal=nobody path_prefix='
line=$(audit_lines | grep 'principal=nobody path_prefix=' | tail -n 1)
want=$(printf '%s' "$path" | sha256sum | cut -d' ' -f1)
printf '%s\n' "$line" | grep -q "path_len=${#path} path_sha256=$want" ||
    fail "the long path is not logged by length and hash: $line"
printf '%s\n' "$line" | grep -q ' record=rec$' ||
    fail "the audit line was cut (record= missing at its end): $line"
check_no_forgery 'peer=10\.9\.8\.7' "long path"

# 3. A worker's own log line that reads like an audit line.
rogue log-audit-line
rogue_has "ok logged"
wait_log 'worker [0-9]* (127.0.0.1:[0-9]*): audit: result=allowed peer=10.9.7.7'
check_no_forgery 'peer=10\.9\.7\.7' "relayed worker line"
daemon_healthy
exit 0
