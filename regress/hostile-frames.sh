#!/bin/bash
# Malformed frames from a hostile client: a truncated frame followed by
# EOF, a length of 0x7fffffff and a length of 0 (each followed by a valid
# CLIENT_HELLO the server must never act on) end that connection only.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: malformed frames close the connection, nothing else"

. "$(dirname "$0")/lib/hostile.sh"

start_daemon
keep_store
sanity

attempt truncated-frame
case "$OUT" in *SERVER_HELLO*) fail "truncated frame answered: $OUT" ;; esac
worker_ended "truncated frame"
worker_said "closed|incomplete|truncat" "truncated frame"
still_serving "truncated frame"

attempt oversize-frame
case "$OUT" in *SERVER_HELLO*) fail "oversize frame answered: $OUT" ;; esac
worker_ended "oversize frame"
worker_said "too large|length" "oversize frame"
still_serving "oversize frame"

attempt zero-length-frame
case "$OUT" in *SERVER_HELLO*) fail "zero-length frame answered: $OUT" ;; esac
worker_ended "zero-length frame"
worker_said "invalid format|length|malformed" "zero-length frame"
still_serving "zero-length frame"
