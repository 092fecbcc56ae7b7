#!/bin/bash
# Record-layer attacks from a hostile client: a tampered, replayed,
# reordered or truncated write, a record under garbage keys right after
# SERVER_HELLO, a request before authentication and a request pipelined
# behind a refused login.  Each ends the connection without an answer,
# and the write never reaches the store.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: tampered, replayed and early records are fatal"

. "$(dirname "$0")/lib/hostile.sh"

# record_unset WHAT: the attacks' target /hostile/r rec was never written.
record_unset() {
	ms get /hostile/r rec > "$OBJ/got.rec" 2>>"$TEST_LOG"
	_st=$?
	[ $_st -eq 5 ] ||
	    fail "$1: /hostile/r rec: exit $_st, want 5 (not found): $(cat "$OBJ/got.rec")"
	not_logged "audit: result=allowed .* op=set principal=[^ ]* path=/hostile/r record=rec" "$1"
}

start_daemon
keep_store
sanity

for s in flip-bit reorder truncated-record; do
	attempt $s
	case "$OUT" in *RESPONSE*|*ALERT*) fail "$s answered: $OUT" ;; esac
	worker_ended "$s"
	worker_said "authentication code|decrypt|MAC|tamper" "$s"
	record_unset "$s"
	still_serving "$s"
done

# One byte over the largest record: an answer (PROTOCOL_ERROR under the
# keys), then the close; not a silent close.
attempt oversize-record
case "$OUT" in *'ALERT PROTOCOL_ERROR "record too large"'*) ;; *) fail "oversize-record: $OUT" ;; esac
worker_ended "oversize-record"
still_serving "oversize-record"

attempt replay
case "$OUT" in *"SET OK, DELETE OK, closed"*) ;; *) fail "replay: $OUT" ;; esac
worker_ended "replay"
worker_said "authentication code|decrypt|MAC|replay" "replay"
ms get /hostile/r rec > "$OBJ/got.rec" 2>>"$TEST_LOG"
[ $? -eq 5 ] || fail "replay: the replayed SET came back: $(cat "$OBJ/got.rec")"
still_serving "replay"

attempt early-record
case "$OUT" in *AUTH_RESULT*|*RESPONSE*) fail "early-record: $OUT" ;; esac
worker_ended "early record"
worker_said "authentication code|decrypt|MAC" "early record"
not_logged "audit: result=[^ ]* peer=$PEER op=auth" "early record reached AUTH"
still_serving "early record"

attempt request-before-auth
case "$OUT" in *RESPONSE*|*AUTH_RESULT*) fail "request-before-auth: $OUT" ;; esac
worker_ended "request before auth"
worker_said "PROTOCOL_ERROR|unexpected" "request before auth"
not_logged "audit: result=[^ ]* peer=$PEER op=[a-z]* principal=" "request before auth"
still_serving "request before auth"

attempt request-after-denied
case "$OUT" in *RESPONSE*) fail "request-after-denied: $OUT" ;; esac
worker_ended "request after a refused login"
logged "audit: result=denied peer=$PEER op=auth" "request after a refused login"
not_logged "audit: result=[^ ]* peer=$PEER op=[a-z]* principal=" "request after a refused login"
still_serving "request after a refused login"
