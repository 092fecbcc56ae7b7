#!/bin/bash
# Two hosts on a three-member etcd cluster, EtcdTimeout 2s.  With one
# member killed (the leader) reads and writes go on through both hosts.
# With a second killed (no quorum) data requests answer STORE_UNAVAILABLE
# (client exit 8) within EtcdTimeout and a generous margin, while a new
# handshake completes and STATUS answers.  With the members restarted,
# service resumes and every acknowledged write is there.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: etcd members down: service, STORE_UNAVAILABLE, recovery"

TMO=2		# EtcdTimeout, seconds
MARGIN=13	# on top of it, for a loaded box
etcd_cluster_start
fleet_init
fleet_up A "EtcdTimeout ${TMO}s"
fleet_up B "EtcdTimeout ${TMO}s"

# put HOST RECORD VALUE: set through HOST; an acknowledged write is
# listed in $OBJ/acked ("RECORD VALUE").
: > "$OBJ/acked"
PUT_FLAGS=
put() {
	printf '%s' "$3" | msh "$1" set $PUT_FLAGS /fleet/down "$2" 2>> "$OBJ/put.err"
	_st=$?
	[ $_st -eq 0 ] && echo "$2 $3" >> "$OBJ/acked"
	return $_st
}
# all_there WHAT: the last acknowledged write of every record reads back
# through both hosts.
all_there() {
	awk '{ r = $1; sub(/^[^ ]* /, ""); last[r] = $0 }
	    END { for (r in last) print r, last[r] }' "$OBJ/acked" > "$OBJ/want"
	for _h in A B; do
		while read -r _r _v; do
			_got=$(msh $_h get /fleet/down "$_r" 2>&1)
			[ "$_got" = "$_v" ] ||
			    fail "$1: $_h: $_r holds '$_got', acknowledged '$_v'"
		done < "$OBJ/want"
	done
}
# timed WHAT WANT_EXIT BOUND_S CMD...: CMD exits WANT_EXIT within BOUND_S.
timed() {
	_what=$1 _want=$2 _bound=$3
	shift 3
	_t0=$(now_ms)
	"$@" > "$OBJ/timed.out" 2>&1 < /dev/null
	_st=$?
	_ms=$(($(now_ms) - _t0))
	trace "$_what: exit $_st after ${_ms} ms"
	[ $_st -eq "$_want" ] ||
	    fail "$_what: exit $_st, want $_want: $(head -c 300 "$OBJ/timed.out")"
	[ $_ms -le $((_bound * 1000)) ] ||
	    fail "$_what: answered after ${_ms} ms, bound ${_bound} s"
}

put A a0 "from-A-all-up" || fail "A: write with all members up"
put B b0 "from-B-all-up" || fail "B: write with all members up"
all_there "all members up"

# One member down, the leader: quorum remains.
etcd_wait_healthy
first=$(etcd_leader) || fatal "no etcd member says it leads"
trace "killing the leader, member $first"
etcd_stop "$first"
etcd_wait_healthy
put A a1 "from-A-one-down" || fail "A: write with member $first down"
put B b1 "from-B-one-down" || fail "B: write with member $first down"
put B a0 "A's record rewritten by B, one down" ||
    fail "B: rewrite with member $first down"
PUT_FLAGS=-s
put A s1 "SECURE through A, one down" || fail "A: set -s with member $first down"
PUT_FLAGS=
all_there "one member down"

# Two down: no quorum.
for m in 1 2 3; do
	[ "$m" = "$first" ] || { second=$m; break; }
done
etcd_stop "$second"
timed "A: get without quorum" 8 $((TMO + MARGIN)) msh A get /fleet/down a1
timed "B: get without quorum" 8 $((TMO + MARGIN)) msh B get /fleet/down b1
set_lost() { printf 'never acknowledged' | msh B set /fleet/down lost; }
timed "B: set without quorum" 8 $((TMO + MARGIN)) set_lost
timed "A: ls without quorum" 8 $((TMO + MARGIN)) msh A ls /fleet/down
timed "B: acl get without quorum" 8 $((TMO + MARGIN)) msh B acl get /fleet/down
# A new connection's handshake and STATUS still answer (fleet-sigstop.sh
# bounds them tighter against a long EtcdTimeout).
timed "A: handshake and status without quorum" 0 $((TMO + MARGIN)) msh A status
grep -q 'admin' "$OBJ/timed.out" || fail "A: status does not name the principal"
timed "B: handshake and status without quorum" 0 $((TMO + MARGIN)) msh B status
pid_alive "$(fleet_pid A)" || fatal "host A died without quorum"
pid_alive "$(fleet_pid B)" || fatal "host B died without quorum"

# Both back: service resumes; nothing acknowledged was lost.
etcd_start "$first"
etcd_start "$second"
etcd_wait_healthy
all_there "members restarted"
put A a2 "from-A-after" || fail "A: write after the members came back"
put B b2 "from-B-after" || fail "B: write after the members came back"
all_there "after the restart"
[ "$(wc -l < "$OBJ/acked")" -eq 8 ] ||
    fail "$(wc -l < "$OBJ/acked") writes acknowledged, want 8"
[ "$(wc -l < "$OBJ/want")" -eq 7 ] ||
    fail "$(wc -l < "$OBJ/want") records written, want 7"
msh B ls -l /fleet/down | grep -Eq '^record +secure[a-z,]* +1 [0-9T:Z-]+ s1$' ||
    fail "B: s1 is not SECURE at version 1: $(msh B ls -l /fleet/down)"
exit 0
