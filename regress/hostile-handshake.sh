#!/bin/sh
# Handshake attacks from a hostile client: wrong version, no common
# suite, low-order key shares, a bad signature, a bad Finished and an
# unregistered key each get the documented alert or AUTH_FAILED, and the
# server's cipher preference applies only among the offered suites.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: handshake attacks are refused as documented"

HOSTILE=$BUILD/regress/progs/hostile-client
need_prog "$HOSTILE"

# hostile [OPTIONS] SCENARIO [N]: run the hostile client as admin.  Its
# one-line report lands in OUT (and the test log), its exit status in ST,
# the address it connected from in PEER; MARK is the daemon log's length
# before the run, so log checks look only at what the attempt caused.
hostile() {
	MARK=$(wc -l < "$OBJ/metasafed.log")
	OUT=$("$HOSTILE" -p "$DAEMON_PORT" -i "$OBJ/admin_key" \
	    -k "$OBJ/keys/host_sig_key.pub" "$@" 2>>"$TEST_LOG")
	ST=$?
	verbose "$OUT"
	PEER=$(printf '%s\n' "$OUT" | sed -n 's/.*(from \([^)]*\))$/\1/p')
	W=
}

# attempt SCENARIO...: the server must behave as the scenario expects.
attempt() {
	hostile "$@"
	[ "$ST" -eq 0 ] || fail "$*: exit $ST: $OUT"
}

# logged ERE WHAT: the daemon logs a line matching ERE (within 5 s).
logged() {
	_i=0
	while ! tail -n "+$((MARK + 1))" "$OBJ/metasafed.log" |
	    grep -Eq -- "$1"; do
		_i=$((_i + 1))
		if [ $_i -gt 50 ]; then
			fail "$2: nothing in metasafed.log matches /$1/"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# not_logged ERE WHAT: no line since the attempt matches ERE.
not_logged() {
	if tail -n "+$((MARK + 1))" "$OBJ/metasafed.log" | grep -Eq -- "$1"; then
		fail "$2: metasafed.log has /$1/"
	fi
}

# find_worker WHAT: W = the worker that served PEER.
find_worker() {
	W=
	[ -n "$PEER" ] && W=$(sed -n \
	    "s/.*connection from $PEER: worker \([0-9][0-9]*\).*/\1/p" \
	    "$OBJ/metasafed.log" | tail -n 1)
	[ -n "$W" ] && return 0
	fail "$1: no worker logged for the connection from '$PEER'"
	return 1
}

# worker_ended WHAT: the worker that served PEER (sets W) is reported
# gone with a failure status, or killed.
worker_ended() {
	find_worker "$1" || return 1
	logged "worker $W \([^)]*\) (exited with status [1-9]|killed|died)|killing worker $W " "$1"
}

# worker_said ERE WHAT: worker W logged a line matching ERE.
worker_said() {
	[ -n "$W" ] || return 1
	logged "worker $W \([^)]*\): .*($1)" "$2"
}

# keep_store: records that no attack may change, read back by still_serving.
keep_store() {
	printf 'plain value\001\377 kept' > "$OBJ/keep.plain"
	printf 'secure value kept' > "$OBJ/keep.secure"
	ms set -f "$OBJ/keep.plain" /keep plain >>"$TEST_LOG" 2>&1 ||
	    fatal "cannot set /keep plain"
	ms set -s -f "$OBJ/keep.secure" /keep secure >>"$TEST_LOG" 2>&1 ||
	    fatal "cannot set /keep secure"
}

# still_serving WHAT: the daemon lives, the real client is served and the
# kept records are byte-identical.
still_serving() {
	pid_alive "$DAEMON_PID" || fatal "$1: metasafed died"
	ms status >/dev/null 2>>"$TEST_LOG" ||
	    fail "$1: the real client is refused afterwards"
	ms get /keep plain > "$OBJ/got.plain" 2>>"$TEST_LOG" &&
	    cmp -s "$OBJ/got.plain" "$OBJ/keep.plain" ||
	    fail "$1: /keep plain is not what was stored"
	ms get /keep secure > "$OBJ/got.secure" 2>>"$TEST_LOG" &&
	    cmp -s "$OBJ/got.secure" "$OBJ/keep.secure" ||
	    fail "$1: /keep secure is not what was stored"
}

# sanity: the hostile client itself can log in and be served.
sanity() {
	hostile normal
	[ "$ST" -eq 0 ] || fatal "hostile-client cannot even log in: $OUT"
}

start_daemon
keep_store
sanity
logged "audit: auth principal=admin .*peer=$PEER result=allowed" "normal login"

attempt strip-suite
logged "authenticated $PEER as admin, cipher chacha20-poly1305" "strip-suite"
still_serving "strip-suite"

attempt wrong-version
case "$OUT" in *"ALERT VERSION_MISMATCH"*) ;; *) fail "wrong-version: $OUT" ;; esac
worker_ended "wrong version"
worker_said "VERSION_MISMATCH" "wrong version"
still_serving "wrong version"

attempt no-common-suite
case "$OUT" in *"ALERT NO_COMMON_SUITE"*) ;; *) fail "no-common-suite: $OUT" ;; esac
worker_ended "no common suite"
worker_said "NO_COMMON_SUITE" "no common suite"
still_serving "no common suite"

for s in low-order-share low-order-share-one low-order-share-8; do
	attempt $s
	case "$OUT" in *SERVER_VERIFY*|*AUTH_RESULT*) fail "$s: $OUT" ;; esac
	worker_ended "$s"
	worker_said "HANDSHAKE_FAILED|client share|low.order" "$s"
	still_serving "$s"
done

# Every bad proof gets the same answer; the monitor audits the refusal.
attempt bad-signature
case "$OUT" in *"AUTH_RESULT AUTH_FAILED"*) ;; *) fail "bad-signature: $OUT" ;; esac
worker_ended "bad signature"
logged "audit: auth .*peer=$PEER result=denied" "bad signature"
not_logged "audit: auth .*peer=$PEER result=allowed" "bad signature"
still_serving "bad signature"

attempt bad-finished
case "$OUT" in *"AUTH_RESULT AUTH_FAILED"*) ;; *) fail "bad-finished: $OUT" ;; esac
worker_ended "bad finished"
logged "authentication failed for $PEER|audit: auth .*peer=$PEER result=denied" \
    "bad finished"
still_serving "bad finished"

attempt unknown-key
case "$OUT" in *"AUTH_RESULT AUTH_FAILED"*) ;; *) fail "unknown-key: $OUT" ;; esac
worker_ended "unknown key"
logged "audit: auth .*peer=$PEER result=denied" "unknown key"
not_logged "audit: auth .*peer=$PEER result=allowed" "unknown key"
still_serving "unknown key"
