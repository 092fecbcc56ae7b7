#!/bin/bash
# Two hosts on one etcd cluster, 8 concurrent writers of one record, 4
# through each host: every acknowledged SET has its own version, they are
# exactly 2..1+N after the record's first write (no lost update), each
# writer saw its versions strictly increase, and the stored value is the
# one acknowledged last.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: 8 writers over A and B on one record, no lost update"

SW=$BUILD/regress/progs/set-writers
need_prog "$SW"
etcd_cluster_start
fleet_init
# Conflicting writes run again until their deadline: give them room on
# a loaded box, so every SET is acknowledged.
fleet_up A "EtcdTimeout 20s"
fleet_up B "EtcdTimeout 20s"

W=4	# writers per host
N=12	# SETs per writer
printf 'first' | msh A set /fleet/w shared || fatal "A: first set"
msh B ls -l /fleet/w | grep -Eq '^record +- +1 [0-9T:Z-]+ shared$' ||
    fatal "B does not list the first write at version 1: $(msh B ls -l /fleet/w)"

for h in A B; do
	"$SW" "$(fleet_port $h)" "$OBJ/admin_key" "$OBJ/known_hosts" \
	    /fleet/w $W $N same > "$OBJ/sw.$h" 2> "$OBJ/sw.$h.err" &
	eval "pid_$h=\$!"
done
for h in A B; do
	eval "wait \$pid_$h"
	st=$?
	[ $st -eq 0 ] || fail "writers through $h: exit $st: $(grep '^err' "$OBJ/sw.$h" | head -n 3) $(cat "$OBJ/sw.$h.err")"
done
# One list, writers named by host: "ack A0 I VERSION".
for h in A B; do
	awk -v h=$h '$1 == "ack" { print "ack", h $2, $3, $4 }
	    $1 == "err" { print "err", h $2, $3, $0 }' "$OBJ/sw.$h"
done > "$OBJ/acks"
grep '^err' "$OBJ/acks" && fail "some SETs were refused (above)"
acked=$(grep -c '^ack' "$OBJ/acks")
[ "$acked" -eq $((2 * W * N)) ] ||
    fail "$acked SETs acknowledged, $((2 * W * N)) sent"

# Each version once, exactly 2..1+acked: nothing lost, nothing doubled.
[ "$(awk '$1 == "ack" { print $4 }' "$OBJ/acks" | sort -n | tr '\n' ' ')" = \
    "$(seq 2 $((1 + acked)) | tr '\n' ' ')" ] ||
    fail "acknowledged versions are not 2..$((1 + acked)) each once: $(awk '$1 == "ack" { print $4 }' "$OBJ/acks" | sort -n | uniq -d | head -n 5 | tr '\n' ' ')"
# Each writer's versions strictly increase (the file keeps their order).
awk '$1 == "ack" { if (($2 in last) && $4 <= last[$2]) { print; bad = 1 }
    last[$2] = $4 } END { exit bad }' "$OBJ/acks" > "$OBJ/bad" ||
    fail "a writer's versions did not increase: $(head -n 3 "$OBJ/bad")"

# The hosts' writers overlapped (else this proved nothing about two
# hosts): in version order, the host changes more than once.
changes=$(awk '$1 == "ack" { print $4, substr($2, 1, 1) }' "$OBJ/acks" |
    sort -n | awk '$2 != prev { n++; prev = $2 } END { print n - 1 }')
trace "the writing host changed $changes times in version order"
[ "$changes" -ge 2 ] ||
    fail "the writers through A and B did not overlap ($changes host changes)"

# Both hosts see the last version and the value acknowledged with it.
lastval=$(awk -v v=$((1 + acked)) '$1 == "ack" && $4 == v {
    sub(/^[AB]/, "", $2); print $2 ":" $3 }' "$OBJ/acks")
[ -n "$lastval" ] || fail "no SET was acknowledged with version $((1 + acked))"
for h in A B; do
	msh $h ls -l /fleet/w > "$OBJ/ls.$h" || fail "$h: ls -l"
	grep -Eq "^record +- +$((1 + acked)) [0-9T:Z-]+ shared\$" "$OBJ/ls.$h" ||
	    fail "$h: final version is not 1 + $acked: $(cat "$OBJ/ls.$h")"
	[ "$(msh $h get /fleet/w shared)" = "$lastval" ] ||
	    fail "$h: stored '$(msh $h get /fleet/w shared)', last acknowledged '$lastval'"
done
exit 0
