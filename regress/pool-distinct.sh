#!/bin/bash
# A worker serves one connection: two consecutive connections are served
# by different processes, both started (and confined) before the first
# connection came, with different address-space layouts (each a fresh
# exec, not a fork of a template).
. "$(dirname "$0")/test-exec.sh"
tid "pool: consecutive connections, different pre-spawned workers and layouts"
need_prog "$BUILD/regress/progs/hold-conn"

# MaxSessions 2 caps the pool at what the sessions leave: once the first
# connection holds a worker, no replacement can start, so the second
# connection must take the other pre-spawned one.
start_daemon "WorkerPoolSize 2" "MaxSessions 2"
printf 'v' | ms set /pd rec || fatal "set"
# The set's worker is gone once the pool is full again.
i=0
while [ -n "$(worker_pids)" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fatal "the set's worker is still there"
	sleep 0.1
done
wait_pool 2
before=$(pooled_pids | sort | tr '\n' ' ')
nconn=$(conn_pids | wc -l)

hold_conn /pd rec
first=$(conn_pids | sed -n "$((nconn + 1))p")
[ -n "$first" ] || fatal "no worker logged for the first connection"
case " $before " in
*" $first "*) ;;
*)	fail "first connection served by $first, not a pooled worker ($before)" ;;
esac
# The other pooled worker, still waiting: its layout is its own.
other=$(pooled_pids)
[ "$(echo $other | wc -w)" -eq 1 ] || fatal "want one pooled worker left: $other"
for p in $first $other; do
	grep -m1 'metasafe-worker' "/proc/$p/maps" | cut -d- -f1 > "$OBJ/base.$p"
	grep -m1 '\[stack\]' "/proc/$p/maps" | cut -d- -f1 > "$OBJ/stack.$p"
	[ -s "$OBJ/base.$p" ] && [ -s "$OBJ/stack.$p" ] ||
	    fatal "cannot read the layout of worker $p"
done
cmp -s "$OBJ/base.$first" "$OBJ/base.$other" &&
    fail "workers $first and $other have the same executable base"
cmp -s "$OBJ/stack.$first" "$OBJ/stack.$other" &&
    fail "workers $first and $other have the same stack"

ms status > /dev/null || fail "second connection failed"
second=$(conn_pids | sed -n "$((nconn + 2))p")
[ -n "$second" ] || fatal "no worker logged for the second connection"
[ "$second" != "$first" ] || fail "both connections served by worker $first"
[ "$second" = "$other" ] ||
    fail "second connection served by $second, not the pooled $other"
release_conn || fail "held session did not end cleanly"
# Served once, never again: both are gone.
i=0
while pid_alive "$first" || pid_alive "$second"; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		fail "a worker outlived its connection"
		break
	fi
	sleep 0.1
done
daemon_healthy
exit 0
