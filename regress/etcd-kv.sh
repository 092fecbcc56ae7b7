#!/bin/bash
# The etcd client (monitor/etcd_kv.c) against a real three-member cluster:
# reads, guarded writes, ranges, and what one and two lost members do.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
tid "etcd client: kv calls, compares, member loss"

EKV=$BUILD/regress/progs/etcd-kv
need_prog "$EKV"
etcd_cluster_start
TMO=3000
ekv() { "$EKV" "$ETCD_ENDPOINTS" "$TMO" "$@"; }

ekv put /t/a "value one" >/dev/null || fail "put"
out=$(ekv get /t/a) || fail "get"
case "$out" in "/t/a value one mod="*" version=1") ;;
*) fail "get answered '$out'" ;; esac
[ "$(etcdctl_t get --print-value-only /t/a)" = "value one" ] ||
    fail "etcdctl does not see what etcd-kv wrote"

mod=$(ekv get /t/a | sed -n 's/.* mod=\([0-9]*\) .*/\1/p')
ekv cas /t/a "$mod" "value two" >/dev/null || fail "cas at the current mod"
ekv cas /t/a "$mod" "value three" >/dev/null
[ $? -eq 100 ] || fail "cas at a stale mod_revision was not a conflict"
[ "$(etcdctl_t get --print-value-only /t/a)" = "value two" ] ||
    fail "a failed compare changed the value"
ekv create /t/a "again" >/dev/null
[ $? -eq 100 ] || fail "create of an existing key was not a conflict"
ekv create /t/b "bee" >/dev/null || fail "create of an absent key"

for i in 1 2 3 4 5; do ekv put "/t/list/$i" "v$i" >/dev/null; done
out=$(ekv list /t/list/ 2)
printf '%s\n' "$out" | grep -q '^count=5 more=1 ' ||
    fail "a limited range did not say more: $out"
[ "$(printf '%s\n' "$out" | grep -c '^/t/list/')" -eq 2 ] ||
    fail "limit 2 returned another number of keys: $out"
ekv del /t/b >/dev/null || fail "delete"
[ -z "$(ekv get /t/b)" ] || fail "a deleted key is still there"
# Binary-safe: a value with bytes JSON would have to escape.
ekv put /t/quote 'a"b\c' >/dev/null || fail "put of a value with quotes"
out=$(ekv get /t/quote)
case "$out" in '/t/quote a"b\c mod='*) ;; *) fail "round trip: $out" ;; esac

# One member lost: a quorum remains; reads and writes go on, whichever
# member the client tried first.  If it was the leader, etcd holds
# proposals until the election is over, and a write sent meanwhile may
# time out (unknown outcome, reported as unavailable): wait for it.
etcd_stop 1
etcd_wait_healthy
ekv put /t/a "after one" >/dev/null || fail "write with one member down"
ekv get /t/a | grep -q "after one" || fail "read with one member down"

# Two lost: no quorum.  Reads and writes fail as unavailable (exit 7),
# within the timeout and a generous margin, not after a hang.
etcd_stop 2
start=$(date +%s)
ekv get /t/a >/dev/null 2>"$OBJ/get.err"
st=$?
elapsed=$(($(date +%s) - start))
[ $st -eq 7 ] || fail "read without quorum: exit $st, not 7 (unavailable)"
[ $elapsed -le $((TMO / 1000 + 20)) ] ||
    fail "read without quorum took ${elapsed}s, timeout is ${TMO}ms"
ekv put /t/a "lost" >/dev/null 2>>"$OBJ/get.err"
st=$?
[ $st -eq 7 ] || fail "write without quorum: exit $st, not 7 (unavailable)"

# Back: every acknowledged write is there, and service resumes.
etcd_start 1
etcd_start 2
etcd_wait_healthy
ekv get /t/a | grep -q "after one" ||
    fail "the write acknowledged with one member down is gone"
ekv put /t/a "resumed" >/dev/null || fail "write after the members came back"

# SIGSTOP on every member: bounded failure, not a hang.
etcd_pause
add_cleanup etcd_resume
start=$(date +%s)
ekv get /t/a >/dev/null 2>>"$OBJ/get.err"
st=$?
elapsed=$(($(date +%s) - start))
etcd_resume
[ $st -eq 7 ] || fail "read from a stopped cluster: exit $st, not 7"
[ $elapsed -le $((TMO / 1000 + 20)) ] ||
    fail "read from a stopped cluster took ${elapsed}s"
exit 0
