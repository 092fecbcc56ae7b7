#!/bin/bash
# Handshake attacks from a hostile client: wrong version, no common
# suite, low-order key shares, a bad signature, a bad Finished and an
# unregistered key each get the documented alert or AUTH_FAILED, and the
# server's cipher preference applies only among the offered suites.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: handshake attacks are refused as documented"

. "$(dirname "$0")/lib/hostile.sh"

start_daemon
keep_store
sanity
logged "audit: result=allowed peer=$PEER op=auth principal=admin" "normal login"

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
logged "audit: result=denied peer=$PEER op=auth" "bad signature"
not_logged "audit: result=allowed peer=$PEER op=auth" "bad signature"
still_serving "bad signature"

attempt bad-finished
case "$OUT" in *"AUTH_RESULT AUTH_FAILED"*) ;; *) fail "bad-finished: $OUT" ;; esac
worker_ended "bad finished"
logged "authentication failed for $PEER|audit: result=denied peer=$PEER op=auth" \
    "bad finished"
still_serving "bad finished"

attempt unknown-key
case "$OUT" in *"AUTH_RESULT AUTH_FAILED"*) ;; *) fail "unknown-key: $OUT" ;; esac
worker_ended "unknown key"
logged "audit: result=denied peer=$PEER op=auth" "unknown key"
not_logged "audit: result=allowed peer=$PEER op=auth" "unknown key"
still_serving "unknown key"
