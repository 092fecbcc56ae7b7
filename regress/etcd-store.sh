#!/bin/bash
# The store's interface (monitor/store.h) on the etcd backend, against a
# real three-member cluster: records plain and SECURE, the SECURE rule,
# deletions, ACLs, listing, threads; a wrong key refused; two stores
# created at once on one empty prefix; no lost update from eight
# processes over two stores each; a call without quorum answering
# unavailable; and no SECURE plaintext in etcd or its data directories.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
tid "etcd store: the store interface on a cluster"

ES=$BUILD/regress/progs/etcd-store
need_prog "$ES"
etcd_cluster_start

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
KEY=$(hex 32)
KEY2=$(hex 32)
MARKER=secret-$(hex 16)
PLAIN=plain-$(hex 16)
TMO=3000
es() { "$ES" "$ETCD_ENDPOINTS" "$1" "$2" $TMO "${@:3}"; }

es /ms/ "$KEY" selftest "$MARKER" >"$OBJ/selftest" 2>&1 ||
    fail "selftest: $(grep -v '^ok' "$OBJ/selftest")"
[ "$(grep -c '^ok ' "$OBJ/selftest")" -ge 19 ] ||
    fail "selftest ran fewer checks than it has: $(cat "$OBJ/selftest")"
[ "$(es /ms/ "$KEY" get /app/db pass)" = "2 $MARKER" ] ||
    fail "the SECURE value did not read back in another process"

# A key the store did not record: refused, whatever the backend.
es /ms/ "$KEY2" open >"$OBJ/wrongkey" 2>&1
st=$?
[ $st -eq 18 ] || fail "open with a wrong key: exit $st, not 18 (10 + \
KEY_MISMATCH): $(cat "$OBJ/wrongkey")"
es /ms/ "$KEY" open || fail "the right key no longer opens the store"

# Four daemons creating one store at once: one creates, all open it.
pids=
for i in 1 2 3 4; do
	es /race/ "$KEY" open >"$OBJ/race.$i" 2>&1 &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "a concurrent first open failed: $(cat "$OBJ"/race.*)"
done
n=$(etcdctl_t get --prefix --keys-only /race/meta/kcv: | grep -c kcv)
[ "$n" = 1 ] || fail "$n key check values after concurrent creation"

# Eight processes, each through two stores of its own, one record.
N=15
[ "$(es /ms/ "$KEY" set /ctr n start)" = 1 ] || fail "counter not created"
pids=
for i in 1 2 3 4 5 6 7 8; do
	es /ms/ "$KEY" incr /ctr n $N >"$OBJ/incr.$i" 2>&1 &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "an incrementer failed: $(cat "$OBJ"/incr.*)"
done
v=$(es /ms/ "$KEY" get /ctr n | cut -d' ' -f1)
[ "$v" = $((1 + 8 * N)) ] ||
    fail "version $v after 1 + 8 x $N SETs: an update was lost"

# At rest: the SECURE value nowhere in the cluster, the plain one found
# (so the searches do look where the values are).
es /ms/ "$KEY" set /app/db plain "$PLAIN" >/dev/null || fail "plain set"
etcdctl_t get --prefix /ms/ >"$OBJ/dump" || fail "etcdctl dump failed"
grep -qa -- "$PLAIN" "$OBJ/dump" || fail "the dump lacks the plain value"
grep -qa -- "$MARKER" "$OBJ/dump" && fail "SECURE plaintext in etcd"
grep -rqa -- "$PLAIN" "$ETCD_DIR"/m1 ||
    fail "the data directory lacks the plain value"
grep -rqa -- "$MARKER" "$ETCD_DIR" &&
    fail "SECURE plaintext in a member's data directory or log"

# Two members gone after the open: the next call says unavailable,
# within its deadline (bounded here by a generous margin).
cat >"$OBJ/stop2" <<EOF
alive() {
	[ -r /proc/\$1/stat ] &&
	    [ "\$(sed 's/.*) //' /proc/\$1/stat | cut -c1)" != Z ]
}
kill -KILL $(etcd_pid 2) $(etcd_pid 3)
i=0
while alive $(etcd_pid 2) || alive $(etcd_pid 3); do
	i=\$((i + 1)); [ \$i -le 600 ] || exit 1; sleep 0.05
done
EOF
timeout 120 "$ES" "$ETCD_ENDPOINTS" /ms/ "$KEY" $TMO stop-then-get \
    "sh $OBJ/stop2" /app/db user >"$OBJ/unavail" 2>&1
st=$?
[ $st -ne 124 ] || fail "a call without quorum did not return"
grep -q "^status 7:" "$OBJ/unavail" ||
    fail "a call without quorum did not say unavailable: $(cat "$OBJ/unavail")"
exit 0
