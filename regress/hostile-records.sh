#!/bin/sh
# Record-layer attacks from a hostile client: a tampered, replayed,
# reordered or truncated write, a record under garbage keys right after
# SERVER_HELLO, a request before authentication and a request pipelined
# behind a refused login.  Each ends the connection without an answer,
# and the write never reaches the store.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: tampered, replayed and early records are fatal"

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

# record_unset WHAT: the attacks' target /hostile/r rec was never written.
record_unset() {
	ms get /hostile/r rec > "$OBJ/got.rec" 2>>"$TEST_LOG"
	_st=$?
	[ $_st -eq 5 ] ||
	    fail "$1: /hostile/r rec: exit $_st, want 5 (not found): $(cat "$OBJ/got.rec")"
	not_logged "op=set path=/hostile/r record=rec .*result=allowed" "$1"
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
not_logged "audit: auth .*peer=$PEER" "early record reached AUTH"
still_serving "early record"

attempt request-before-auth
case "$OUT" in *RESPONSE*|*AUTH_RESULT*) fail "request-before-auth: $OUT" ;; esac
worker_ended "request before auth"
worker_said "PROTOCOL_ERROR|unexpected" "request before auth"
not_logged "audit: principal=.*peer=$PEER" "request before auth"
still_serving "request before auth"

attempt request-after-denied
case "$OUT" in *RESPONSE*) fail "request-after-denied: $OUT" ;; esac
worker_ended "request after a refused login"
logged "audit: auth .*peer=$PEER result=denied" "request after a refused login"
not_logged "audit: principal=.*peer=$PEER" "request after a refused login"
still_serving "request after a refused login"
