#!/bin/bash
# I1 with the pool: a pre-spawned worker holds no host key and no store
# key bytes while it waits, and none after it has been handed a
# connection and served a SECURE read.  The same scan of the monitor
# finds them, which proves the scanner works.
. "$(dirname "$0")/test-exec.sh"
tid "pool: no key bytes in a pooled worker, before or after its handoff"
MEMSCAN=$BUILD/regress/progs/memscan
need_prog "$MEMSCAN" "$BUILD/regress/progs/hold-conn"

# MaxSessions 2, WorkerPoolSize 2: the held connection takes one of the
# two scanned workers, and no replacement can start meanwhile.
start_daemon "WorkerPoolSize 2" "MaxSessions 2"
key_needles
printf 'hunter2' | ms set -s /pks secret || fatal "set failed"
i=0
while [ -n "$(worker_pids)" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fatal "the set's worker is still there"
	sleep 0.1
done
wait_pool 2

# shellcheck disable=SC2086
"$MEMSCAN" "$DAEMON_PID" $NEEDLES > "$OBJ/scan.monitor"
[ $? -eq 1 ] || fail "scanner did not find the keys in the monitor: $(cat "$OBJ/scan.monitor")"
for n in sig kex store; do
	grep -q "^found $OBJ/needle.$n" "$OBJ/scan.monitor" ||
	    fail "monitor scan misses the $n key (scanner broken?)"
done

pooled=$(pooled_pids)
for p in $pooled; do
	# shellcheck disable=SC2086
	"$MEMSCAN" "$p" $NEEDLES > "$OBJ/scan.pooled.$p"
	st=$?
	[ $st -eq 0 ] ||
	    fail "key material in pooled worker $p (status $st): $(cat "$OBJ/scan.pooled.$p")"
done

nconn=$(conn_pids | wc -l)
hold_conn /pks secret
wpid=$(conn_pids | sed -n "$((nconn + 1))p")
case " $(echo $pooled) " in
*" $wpid "*) ;;
*)	fatal "the held connection went to $wpid, not a scanned pooled worker" ;;
esac
# shellcheck disable=SC2086
"$MEMSCAN" "$wpid" $NEEDLES > "$OBJ/scan.served"
st=$?
[ $st -eq 0 ] ||
    fail "key material in worker $wpid after its handoff (status $st): $(cat "$OBJ/scan.served")"
release_conn || fail "held session did not end cleanly"
exit 0
