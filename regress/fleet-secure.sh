#!/bin/bash
# Two hosts on one etcd cluster: a record made SECURE through host A
# cannot be made plain through host B (INVALID_ARGUMENT, exit 6, as
# secure-roundtrip.sh expects of one host), not even by a plain write
# racing A's SECURE one; B can still write it as SECURE.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: SECURE set through A cannot be cleared through B"

etcd_cluster_start
fleet_init
fleet_up A
fleet_up B

printf 'sealed-by-A' | msh A set -s /fleet/sec rec || fatal "A: set -s"
printf 'plain now' | msh B set /fleet/sec rec 2> "$OBJ/clear.err"
st=$?
[ $st -eq 6 ] || fail "B: clearing SECURE gave exit $st, want 6: $(cat "$OBJ/clear.err")"
for h in A B; do
	[ "$(msh $h get /fleet/sec rec)" = sealed-by-A ] ||
	    fail "$h: the refused plain write through B changed the value"
	msh $h ls -l /fleet/sec | grep -Eq '^record +secure[a-z,]* +1 [0-9T:Z-]+ rec$' ||
	    fail "$h: rec is not SECURE at version 1: $(msh $h ls -l /fleet/sec)"
done
# B may rewrite it as SECURE; then A cannot clear B's either.
printf 'sealed-by-B' | msh B set -s /fleet/sec rec || fail "B: set -s ($?)"
[ "$(msh A get /fleet/sec rec)" = sealed-by-B ] || fail "A: did not read B's SECURE write"
printf 'plain again' | msh A set /fleet/sec rec 2> /dev/null
st=$?
[ $st -eq 6 ] || fail "A: clearing B's SECURE write gave exit $st, want 6"
msh B ls -l /fleet/sec | grep -Eq '^record +secure[a-z,]* +2 [0-9T:Z-]+ rec$' ||
    fail "B: rec is not SECURE at version 2: $(msh B ls -l /fleet/sec)"

# A race, three times: 4 writers on B write one record plain as fast as
# they can while A makes it SECURE.  Once A's write is in, no plain
# write may be: each writer's answers are acknowledgements and then one
# refusal (invalid argument, after which it stops), and the record ends
# SECURE with A's value at version 1 + B's acknowledged writes + 1.
SW=$BUILD/regress/progs/set-writers
need_prog "$SW"
for k in 1 2 3; do
	p=/fleet/race$k
	printf 'p0' | msh B set $p shared || fatal "B: first plain write of $p"
	: > "$OBJ/race$k"
	"$SW" "$(fleet_port B)" "$OBJ/admin_key" "$OBJ/known_hosts" $p 4 500 same \
	    > "$OBJ/race$k" 2> "$OBJ/race$k.err" &
	sw_pid=$!
	i=0
	while [ "$(grep -c '^ack' "$OBJ/race$k")" -lt 20 ]; do
		i=$((i + 1))
		[ $i -le 200 ] || fatal "$p: B's writers did not get going: $(head -n 3 "$OBJ/race$k")"
		sleep 0.1
	done
	printf 'secure-final' | msh A set -s $p shared || fail "A: set -s of $p in the race ($?)"
	wait "$sw_pid"
	ok=$(grep -c '^ack' "$OBJ/race$k")
	trace "$p: $ok plain writes through B acknowledged before A's SECURE one"
	[ "$(grep -c '^err [0-3] [0-9]* invalid argument$' "$OBJ/race$k")" -eq 4 ] ||
	    fail "$p: not every writer on B was refused once, as invalid argument: $(grep '^err' "$OBJ/race$k" | head -n 4 | tr '\n' '|')"
	[ "$ok" -lt 2000 ] || fail "$p: every plain write was acknowledged: A's came too late"
	for h in A B; do
		[ "$(msh $h get $p shared)" = secure-final ] ||
		    fail "$h: the race left '$(msh $h get $p shared)' in $p, not A's SECURE value"
		msh $h ls -l $p > "$OBJ/race.ls" || fail "$h: ls -l $p"
		grep -Eq "^record +secure[a-z,]* +$((ok + 2)) [0-9T:Z-]+ shared\$" "$OBJ/race.ls" ||
		    fail "$h: $p: want SECURE at version $((ok + 2)): $(cat "$OBJ/race.ls")"
	done
done
exit 0
