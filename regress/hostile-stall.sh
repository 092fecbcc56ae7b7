#!/bin/sh
# Stalling clients: one that sends nothing, one that stops inside the
# first frame and one that goes silent after SERVER_FINISHED are all cut
# off by LoginGraceTime (2 s here, so within 12 s), while other clients
# are served meanwhile.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: stalled handshakes end at LoginGraceTime"

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

# The harness config says LoginGraceTime 10; this test needs 2.
start_daemon
stop_daemon
sed 's/^LoginGraceTime .*/LoginGraceTime 2/' "$OBJ/metasafed_config" \
    > "$OBJ/metasafed_config.new" &&
    mv "$OBJ/metasafed_config.new" "$OBJ/metasafed_config" ||
    fatal "cannot rewrite the config"
grep -q '^LoginGraceTime 2$' "$OBJ/metasafed_config" || fatal "no LoginGraceTime 2"
start_daemon
keep_store
sanity

for s in stall stall-partial stall-auth; do
	# Someone else is served while this one stalls.
	( sleep 0.5; ms status > "$OBJ/during.out" 2>&1; echo $? > "$OBJ/during.st" ) &
	bg=$!
	attempt -g 2 $s
	wait $bg
	[ "$(cat "$OBJ/during.st")" = 0 ] ||
	    fail "$s: a normal client was not served during the stall: $(cat "$OBJ/during.out")"
	secs=$(printf '%s\n' "$OUT" | sed -n 's/.* after \([0-9]*\)\.[0-9] s .*/\1/p')
	[ -n "$secs" ] || fail "$s: no time in '$OUT'"
	[ -n "$secs" ] && [ "$secs" -lt 1 ] && fail "$s: closed before LoginGraceTime: $OUT"
	worker_ended "$s"
	logged "worker $W .*(grace|TIMEOUT|LoginGraceTime)|killing worker $W .*LoginGraceTime" "$s"
	still_serving "$s"
done
