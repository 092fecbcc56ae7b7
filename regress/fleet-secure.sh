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

# A race: B writes the record plain, again and again, while A makes it
# SECURE.  Once A's write is in, no plain write of B's may be: B's
# answers are some 0s then only 6s, and the record ends SECURE with A's
# value at version 1 + B's acknowledged writes + 1.
printf 'p0' | msh B set /fleet/race r || fatal "B: first plain write"
: > "$OBJ/race"
(
	i=1 sixes=0
	while [ $i -le 300 ] && [ $sixes -lt 5 ]; do
		printf 'plain-%s' $i | msh B set /fleet/race r 2>> "$OBJ/race.err"
		st=$?
		echo "$i $st" >> "$OBJ/race"
		[ $st -eq 6 ] && sixes=$((sixes + 1))
		i=$((i + 1))
	done
) &
race_pid=$!
add_cleanup "kill $race_pid 2>/dev/null"
wait_file "$OBJ/race" '^[0-9]* 0$' "B's plain writes did not start"
printf 'secure-final' | msh A set -s /fleet/race r || fail "A: set -s in the race ($?)"
wait "$race_pid"
awk '$2 != 0 && $2 != 6 { print; bad = 1 } END { exit bad }' "$OBJ/race" > "$OBJ/odd" ||
    fail "B's plain writes ended with other statuses: $(head -n 3 "$OBJ/odd") $(tail -n 3 "$OBJ/race.err")"
awk '$2 == 6 { six = 1 } $2 == 0 && six { print; bad = 1 } END { exit bad }' \
    "$OBJ/race" > "$OBJ/late" ||
    fail "a plain write through B was acknowledged after one was refused: $(head -n 3 "$OBJ/late")"
grep -q ' 6$' "$OBJ/race" || fail "no plain write through B was refused after A's SECURE write"
ok=$(grep -c ' 0$' "$OBJ/race")
for h in A B; do
	[ "$(msh $h get /fleet/race r)" = secure-final ] ||
	    fail "$h: the race left '$(msh $h get /fleet/race r)', not A's SECURE value"
	msh $h ls -l /fleet/race > "$OBJ/race.ls" || fail "$h: ls -l race"
	grep -Eq "^record +secure[a-z,]* +$((ok + 2)) [0-9T:Z-]+ r\$" "$OBJ/race.ls" ||
	    fail "$h: want SECURE at version $((ok + 2)): $(cat "$OBJ/race.ls")"
done
exit 0
