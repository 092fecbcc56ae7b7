#!/bin/bash
# I4 for resumption: a worker holding a resumed session has neither a
# ticket key nor a resumption secret in its memory.  The ticket key is
# random and lives in the monitor next to its public key_id (bytes 1..8 of
# every ticket): the monitor scan finds the key_id and what follows it,
# which proves the scanner and gives the needles for the worker scan.
. "$(dirname "$0")/test-exec.sh"
tid "ticket keys and resumption secrets are in the monitor, never a worker"

MEMSCAN=$BUILD/regress/progs/memscan
need_prog "$MEMSCAN" "$BUILD/regress/progs/hold-conn"
need_tool mkfifo od awk

start_daemon
cache=$OBJ/ticket
printf 'hunter2' | ms -o ResumptionCache="$cache" set -s /mem secret ||
    fatal "set failed"
[ -f "$cache" ] || fatal "no ticket cached"
# Export: "MSTK" 1 u64 expires, string server, string res, string ticket.
slen=$(od -An -tu1 -j13 -N4 "$cache" | awk '{ print $1*16777216+$2*65536+$3*256+$4 }')
roff=$((17 + slen + 4))
dd if="$cache" of="$OBJ/needle.res1" bs=1 skip=$roff count=32 2>/dev/null
dd if="$cache" of="$OBJ/needle.keyid" bs=1 skip=$((roff + 32 + 4 + 1)) count=8 \
    2>/dev/null
[ "$(wc -c < "$OBJ/needle.res1")" -eq 32 ] || fatal "cannot read the secret"

hold_conn /mem secret "$cache"
grep -q '^resumed' "$OBJ/hold.out" || fail "held connection did not resume"
wpid=$(worker_pids | head -n 1)
[ -n "$wpid" ] || fatal "no live worker"
# The next ticket's secret, now in the cache.
slen=$(od -An -tu1 -j13 -N4 "$cache" | awk '{ print $1*16777216+$2*65536+$3*256+$4 }')
roff=$((17 + slen + 4))
dd if="$cache" of="$OBJ/needle.res2" bs=1 skip=$roff count=32 2>/dev/null

"$MEMSCAN" -a 32 "$DAEMON_PID" "$OBJ/needle.keyid" > "$OBJ/scan.monitor"
[ $? -eq 1 ] || fail "key_id not in the monitor (scanner broken?)"
n=0
for hex in $(sed -n 's/^after .*: \([0-9a-f]*\)$/\1/p' "$OBJ/scan.monitor"); do
	n=$((n + 1))
	printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" > "$OBJ/needle.key$n"
done
[ $n -ge 1 ] || fail "no ticket key candidate in the monitor"
"$MEMSCAN" "$wpid" "$OBJ/needle.res1" "$OBJ/needle.res2" \
    $(for i in $(seq 1 $n); do printf '%s ' "$OBJ/needle.key$i"; done) \
    > "$OBJ/scan.worker"
st=$?
[ $st -eq 0 ] || fail "ticket key or secret in worker $wpid (status $st): $(cat "$OBJ/scan.worker")"
release_conn || fail "held connection failed"
