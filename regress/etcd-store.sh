#!/bin/bash
# The store's interface (monitor/store.h) on the etcd backend, against a
# real three-member cluster: records plain and SECURE, the SECURE rule,
# deletions, ACLs, listing, threads; a wrong key refused; two stores
# created at once on one empty prefix; no lost update from eight
# processes over two stores each; a call without quorum answering
# unavailable; no SECURE plaintext in etcd or its data directories; and
# etcd's space quota as MS_STORE_FULL.
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
[ "$(grep -c '^ok ' "$OBJ/selftest")" -ge 32 ] ||
    fail "selftest ran fewer checks than it has: $(cat "$OBJ/selftest")"
[ "$(es /ms/ "$KEY" get /app/db pass)" = "2 $MARKER" ] ||
    fail "the SECURE value did not read back in another process"

# A key the store did not record: refused, whatever the backend.
es /ms/ "$KEY2" open >"$OBJ/wrongkey" 2>&1
st=$?
[ $st -eq 18 ] || fail "open with a wrong key: exit $st, not 18 (10 + \
KEY_MISMATCH): $(cat "$OBJ/wrongkey")"
es /ms/ "$KEY" open || fail "the right key no longer opens the store"

# Read-only: an existing store opens, an empty prefix is no store and
# stays empty.  A bad prefix is refused before anything is asked.
es /ms/ "$KEY" open-ro || fail "a read-only open of the store failed"
es /empty/ "$KEY" open-ro >/dev/null 2>&1 &&
    fail "a read-only open of an empty prefix succeeded"
[ -z "$(etcdctl_t get --prefix --keys-only /empty/)" ] ||
    fail "a read-only open wrote"
for p in nope /no-end //a b/ "/sp ace/"; do
	es "$p" "$KEY" open >/dev/null 2>&1
	st=$?
	[ $st -eq 14 ] || fail "prefix '$p': exit $st, not 14 (10 + INVALID)"
done

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

# A member out of its space quota: the SET that does not fit is FULL,
# nothing else breaks, and what was written still reads.
QDIR=$OBJ/quota
QC=$(pick_port)
QP=$(pick_port)
mkdir -p "$QDIR"
chmod 700 "$QDIR"
(ETCD_UNSUPPORTED_ARCH= exec etcd --name q --data-dir "$QDIR/d" \
    --listen-client-urls "http://127.0.0.1:$QC" \
    --advertise-client-urls "http://127.0.0.1:$QC" \
    --listen-peer-urls "http://127.0.0.1:$QP" \
    --initial-advertise-peer-urls "http://127.0.0.1:$QP" \
    --initial-cluster "q=http://127.0.0.1:$QP" \
    --quota-backend-bytes 2097152 --log-level error \
    >>"$QDIR/log" 2>&1 &
echo $! >"$QDIR/pid")
add_cleanup "kill -KILL $(cat "$QDIR/pid")"
i=0
until ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:$QC" \
    --command-timeout 5s get probe >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 300 ] || fatal "the quota member did not start: \
$(tail -n 5 "$QDIR/log")"
	sleep 0.2
done
"$ES" "http://127.0.0.1:$QC" /q/ "$KEY" $TMO fill >"$OBJ/fill" 2>&1
grep -q "^status 6:" "$OBJ/fill" ||
    fail "a SET beyond etcd's quota was not FULL: $(cat "$OBJ/fill")"
grep -q "^read ok" "$OBJ/fill" ||
    fail "the store did not read after the quota was hit: $(cat "$OBJ/fill")"
exit 0
