#!/bin/bash
# Optimistic transactions over etcd (monitor/etcd_txn.c): conflicts on a
# changed key, an appeared key and a range; read-your-writes; walks that
# merge buffered writes; read-only transactions beyond the write caps,
# the caps failing cleanly, walks over 1 MiB values, deadlines, reads
# pinned to an earlier snapshot (and their fallback); and no
# lost update from concurrent incrementers.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
tid "etcd transactions: serializable, no lost update"

ETX=$BUILD/regress/progs/etcd-tx
need_prog "$ETX"
etcd_cluster_start

"$ETX" "$ETCD_ENDPOINTS" /regress/ selftest >"$OBJ/selftest" 2>&1 ||
    fail "selftest: $(grep -v '^ok' "$OBJ/selftest")"
[ "$(grep -c '^ok ' "$OBJ/selftest")" -ge 29 ] ||
    fail "selftest ran fewer checks than it has: $(cat "$OBJ/selftest")"

# Four processes, each through another member first, 25 increments each.
N=25
pids=
for i in 1 2 3 4; do
	eps=$(echo "$ETCD_ENDPOINTS" | tr ',' '\n' | awk -v s=$i \
	    '{ a[NR] = $0 } END { for (j = 0; j < NR; j++)
	    printf "%s%s", (j ? "," : ""), a[(s + j) % NR + 1] }')
	"$ETX" "$eps" /regress/ incr counter $N >"$OBJ/incr.$i" 2>&1 &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "an incrementer failed"; done
total=$(etcdctl_t get --print-value-only /regress/t/counter)
[ "$total" = $((4 * N)) ] ||
    fail "counter is '$total' after 4 x $N increments: an update was lost"
retries=$(cat "$OBJ"/incr.* | awk '{ s += $4 } END { print s + 0 }')
verbose "4 x $N increments, $retries conflicts retried"
exit 0
