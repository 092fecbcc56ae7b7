#!/bin/bash
# Unauthenticated connections have limits of their own (MaxStartups in all,
# PerSourceMaxStartups per address); authenticated sessions count against
# neither, so silent connections cannot lock out a client that is already
# in, and logged-in sessions do not use up the startup slots.
. "$(dirname "$0")/test-exec.sh"
tid "MaxStartups and PerSourceMaxStartups count unauthenticated connections only"

start_daemon "MaxStartups 2" "PerSourceMaxStartups 100"
printf 'v' | ms set /ms rec || fatal "set"

workers_are() {
	_i=0
	while [ "$(worker_pids | wc -l)" -ne "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 200 ] || fatal "$(worker_pids | wc -l) workers, want $1"
		sleep 0.1
	done
}
silent_open() {
	exec {_fd}<>"/dev/tcp/127.0.0.1/$DAEMON_PORT" || fatal "connect"
	SILENT="$SILENT $_fd"
}
silent_close() {
	for _fd in $SILENT; do
		exec {_fd}<&-
	done
	SILENT=
}
expect_status() {
	ms status > /dev/null 2> "$OBJ/st.err"
	_st=$?
	[ $_st -eq "$1" ] || fail "$2: status exit $_st, want $1: $(cat "$OBJ/st.err")"
}

# One authenticated session and one silent connection: room for more.
hold_conn /ms rec
silent_open
workers_are 2
expect_status 0 "1 unauthenticated of MaxStartups 2"
# A second silent connection fills MaxStartups: the next is refused.
silent_open
workers_are 3
expect_status 2 "2 unauthenticated of MaxStartups 2"
grep -q "LIMIT_REACHED" "$OBJ/st.err" || fail "refusal message: $(cat "$OBJ/st.err")"
wait_log "refusing 127.0.0.1:[0-9]*: MaxStartups 2:100:2 (2 unauthenticated)"
silent_close
workers_are 1
expect_status 0 "silent connections gone"

# PerSourceMaxStartups 1: the held, authenticated session does not count.
conf_set "$OBJ/metasafed_config" MaxStartups 100
conf_set "$OBJ/metasafed_config" PerSourceMaxStartups 1
reload_daemon
wait_log 'SIGHUP: PerSourceMaxStartups changed to 1: applied'
expect_status 0 "authenticated session against PerSourceMaxStartups 1"
silent_open
workers_are 2
expect_status 2 "one silent connection from the same address"
wait_log "refusing 127.0.0.1:[0-9]*: PerSourceMaxStartups (1) reached"
silent_close
release_conn || fail "held session failed"
stop_daemon
exit 0
