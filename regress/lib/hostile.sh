# lib/hostile.sh — helpers shared by the regress/hostile-*.sh tests (sourced
# after test-exec.sh): run the hostile client, find the worker that served
# it in the daemon log, and check the daemon and the store afterwards.

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
