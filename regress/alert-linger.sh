#!/bin/bash
# An alert reaches the client even when the client has already sent more
# than the server will read: the worker stops writing and drains before
# it exits, instead of closing with unread bytes, which makes the kernel
# send a reset that can overtake the alert on a real network.  On
# loopback the alert still arrives first, so what is checked is how the
# connection ends: an orderly close, not "connection reset by peer".
. "$(dirname "$0")/test-exec.sh"
tid "a refusing alert reaches a client that sent more than was read"
need_tool od timeout

start_daemon
n=0
for i in 1 2 3 4 5; do
	exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT" || fatal "connect"
	# A CLIENT_HELLO frame whose body is garbage, then 48 KiB more.
	{ printf '\000\000\000\005\001abcd'; head -c 49152 /dev/zero; } >&3 2>/dev/null
	timeout 10 cat <&3 > "$OBJ/answer.$i" 2> "$OBJ/cat.$i"
	st=$?
	exec 3<&-
	# u32 length, then frame type 0x15 (ALERT).
	t=$(od -An -tx1 -j4 -N1 "$OBJ/answer.$i" | tr -d ' ')
	[ "$t" = 15 ] && n=$((n + 1))
	# The connection ended with an orderly close, not a reset.
	[ $st -eq 0 ] || fail "client $i: read ended with status $st: $(cat "$OBJ/cat.$i")"
done
[ $n -eq 5 ] || fail "$n of 5 clients read the alert"
grep -q 'handshake with 127.0.0.1:[0-9]* refused' "$OBJ/metasafed.log" ||
    fail "the refusal is not logged"
daemon_healthy
exit 0
