#!/bin/bash
# sd_notify without libsystemd: READY=1 once bound and open, RELOADING=1
# (with MONOTONIC_USEC) then READY=1 around SIGHUP, STATUS= with the
# session count, STOPPING=1 on SIGTERM, in that order.  In daemon mode the
# parent announces the child as MAINPID (also on an abstract socket).
. "$(dirname "$0")/test-exec.sh"
tid "sd_notify: READY, RELOADING, STATUS, STOPPING in order"

NL=$BUILD/regress/progs/notify-listen
HOLD=$BUILD/regress/progs/hold-conn
need_prog "$NL" "$HOLD"
daemon_setup
cfg=$OBJ/metasafed_config
out=$OBJ/notify.out

# wait_msg PATTERN [N]: until OUT has N (default 1) lines matching PATTERN.
wait_msg() {
	_n=${2:-1}
	_i=0
	while [ "$(grep -cE -- "$1" "$out" 2>/dev/null)" -lt "$_n" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			fail "no notification /$1/ (x$_n): $(tr '\n' '|' < "$out")"
			return 1
		fi
		sleep 0.1
	done
}

start_listener() {
	: > "$out"
	"$NL" "$1" "$out" 60 > "$OBJ/nl.ready" 2>>"$TEST_LOG" &
	nl_pid=$!
	add_cleanup "kill $nl_pid 2>/dev/null"
	_i=0
	until grep -q ready "$OBJ/nl.ready"; do
		_i=$((_i + 1)); [ $_i -le 100 ] || fatal "notify-listen did not start"; sleep 0.1
	done
}

# --- foreground (Type=notify runs metasafed -D) ---
start_listener "$OBJ/notify.sock"
NOTIFY_SOCKET=$OBJ/notify.sock "$METASAFED" -D -e -f "$cfg" \
    >> "$OBJ/metasafed.log" 2>&1 &
DAEMON_PID=$!
wait_msg '^READY=1' || fatal "daemon never became ready"
port_listening "$DAEMON_PORT" || fail "READY=1 before the port listens"
grep -q 'MAINPID' "$out" && fail "foreground READY=1 names a MAINPID: $(cat "$out")"
grep -q 'STATUS=serving, 0 sessions' "$out" || fail "no STATUS with READY=1"
# Workers must not inherit NOTIFY_SOCKET.
tr '\0' '\n' < "/proc/$DAEMON_PID/environ" | grep -q '^NOTIFY_SOCKET=' &&
    fail "NOTIFY_SOCKET left in the daemon's environment"

kill -HUP "$DAEMON_PID"
wait_msg '^RELOADING=1 MONOTONIC_USEC=[0-9]+' || fatal "no RELOADING=1"
wait_msg '^READY=1' 2

# A live session shows in STATUS (rate-limited to one per second).
mkfifo "$OBJ/hold.in"
printf 'v' | ms set /n rec || fail "set failed"
"$HOLD" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" /n rec \
    < "$OBJ/hold.in" > "$OBJ/hold.out" 2>&1 &
hold_pid=$!
exec 4> "$OBJ/hold.in"
wait_msg '^STATUS=serving, 1 session$'
exec 4>&-
wait "$hold_pid" || fail "held connection failed"
wait_msg '^STATUS=serving, 0 sessions$'

kill -TERM "$DAEMON_PID"
wait_msg '^STOPPING=1'
stop_daemon
ready1=$(grep -n '^READY=1' "$out" | head -n1 | cut -d: -f1)
reload=$(grep -n '^RELOADING=1' "$out" | head -n1 | cut -d: -f1)
ready2=$(grep -n '^READY=1' "$out" | sed -n 2p | cut -d: -f1)
busy=$(grep -n '^STATUS=serving, 1 session$' "$out" | head -n1 | cut -d: -f1)
stop=$(grep -n '^STOPPING=1' "$out" | head -n1 | cut -d: -f1)
if ! [ "$ready1" -lt "$reload" ] 2>/dev/null || ! [ "$reload" -lt "$ready2" ] ||
    ! [ "$ready2" -lt "$busy" ] || ! [ "$busy" -lt "$stop" ]; then
	fail "notifications out of order: $(tr '\n' '|' < "$out")"
fi
[ "$(tail -n1 "$out" | cut -d' ' -f1)" = STOPPING=1 ] ||
    fail "something after STOPPING=1: $(tr '\n' '|' < "$out")"
wait "$nl_pid" 2>/dev/null

# --- daemon mode: the parent names the child ---
start_listener "@metasafe-notify-$$"
NOTIFY_SOCKET=@metasafe-notify-$$ timeout 30 "$METASAFED" -f "$cfg" \
    -E "$OBJ/detached.log" 2> "$OBJ/start.err" || fatal "detached start failed: $(cat "$OBJ/start.err")"
pid=$(pidfile_pid "$OBJ/metasafed.pid")
add_cleanup "kill_pidfile_daemon $pid"
wait_msg "^READY=1 MAINPID=$pid( |\$)" ||
    fail "daemon mode READY=1 lacks MAINPID=$pid: $(tr '\n' '|' < "$out")"
[ "$(head -n1 "$out" | cut -d' ' -f1)" = READY=1 ] ||
    fail "daemon mode: something before READY=1: $(tr '\n' '|' < "$out")"
kill -TERM "$pid"
wait_msg '^STOPPING=1'
kill_pidfile_daemon "$pid"
exit 0
