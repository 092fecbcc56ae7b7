#!/bin/bash
# A certificate whose key does not match the transcript signature: the
# client presents A's (valid, trusted) certificate but signs with key B.
# The CLI refuses that locally (exit 1, nothing sent); a client with that
# check disabled (a test shim that makes EVP_PKEY_eq always succeed, so the
# real handshake code sends A's chain and B's signature) is refused by the
# monitor: exit 3, nothing read or written, the refusal logged with A's
# serial.  The same for a key of another type (ECDSA signature, Ed25519
# certificate).
. "$(dirname "$0")/test-exec.sh"
tid "certificate login: certificate for key A, transcript signed by key B"

BUILDERS=${CERT_BUILDERS:-openssl keygen}
make_admin_key
SHIM=$BUILD/regress/shim/pkeyeq.so
[ -f "$SHIM" ] || fatal "no $SHIM (make regress builds it)"

P=
for b in $BUILDERS; do
	certs_use "$b"
	ca_root root
	leaf root a "$(sn 1)"
	leaf root e "$(sn 2)" -t ecdsa-p256
	mk_key b ed25519
	mk_key c ecdsa-p256
	crl root
	cert_trust root
	cert_crl root
	P="$P a.$b e.$b"
done
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
# shellcheck disable=SC2086
cert_data $P

for b in $BUILDERS; do
	certs_use "$b"
	# The real client checks the pair before connecting.
	mark=$(wc -l < "$OBJ/metasafed.log")
	msc "$CERTS/b.key" "$CERTS/a-cert.pem" get /certdata rec \
	    > "$OBJ/out" 2> "$OBJ/err" < /dev/null
	st=$?
	[ $st -eq 1 ] || fail "$b: CLI with a mismatched pair gave exit $st, want 1"
	[ -s "$OBJ/out" ] && fail "$b: the mismatched CLI printed something"
	grep -qi 'match' "$OBJ/err" ||
	    fail "$b: the local refusal does not say why: $(cat "$OBJ/err")"
	sleep 0.2
	tail -n "+$((mark + 1))" "$OBJ/metasafed.log" | grep -q 'audit: .* op=auth ' &&
	    fail "$b: the locally refused client reached the server"

	# The matching pairs work, also through the shim (it does not
	# break honest logins).
	cert_ok "$b A with key A" "$CERTS/a.key" "$CERTS/a-cert.pem" "a.$b"
	# shellcheck disable=SC2034	# read by msc (test-exec.sh)
	MSC_PRELOAD=$SHIM
	cert_ok "$b A with key A (shim)" "$CERTS/a.key" "$CERTS/a-cert.pem" "a.$b"
	# With the local check gone, the monitor must catch the mismatch.
	cert_refused "$b A's certificate, B's signature" "$CERTS/b.key" \
	    "$CERTS/a-cert.pem"
	cert_refused "$b Ed25519 certificate, ECDSA signature" "$CERTS/c.key" \
	    "$CERTS/a-cert.pem"
	cert_refused "$b ECDSA certificate, other ECDSA key" "$CERTS/c.key" \
	    "$CERTS/e-cert.pem"
	cert_refused "$b ECDSA certificate, Ed25519 signature" "$CERTS/b.key" \
	    "$CERTS/e-cert.pem"
	# shellcheck disable=SC2034
	MSC_PRELOAD=
done
daemon_healthy
exit 0
