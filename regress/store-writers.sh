#!/bin/bash
# Eight writers on eight connections at once, their SETs committed in
# groups by the store writer thread: each writer's own record gets the
# versions 1..N in its order, and eight writers of one record get every
# version 1..8N exactly once, each writer's strictly increasing, with the
# last one stored (no lost update).
. "$(dirname "$0")/test-exec.sh"
tid "8 concurrent writers: strictly increasing versions, no lost update"

SW=$BUILD/regress/progs/set-writers
need_prog "$SW"
start_daemon

W=8
N=40
sw() {
	"$SW" "$DAEMON_PORT" "$OBJ/admin_key" "$OBJ/known_hosts" "$@"
}

# Own records: writer K's acks are versions 1..N, in order.
sw /own $W $N own > "$OBJ/own.out" 2> "$OBJ/own.err" ||
    fail "own: $(grep err "$OBJ/own.out" | head -3) $(cat "$OBJ/own.err")"
k=0
while [ $k -lt $W ]; do
	got=$(awk -v k=$k '$1 == "ack" && $2 == k { printf "%s ", $4 }' \
	    "$OBJ/own.out")
	want=$(seq 1 $N | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "own: writer $k versions: $got"
	[ "$(ms get /own "w$k")" = "$k:$((N - 1))" ] ||
	    fail "own: w$k holds $(ms get /own "w$k")"
	k=$((k + 1))
done

# One record: the versions are 1..W*N, each acknowledged once, and each
# writer saw its own increase.
sw /same $W $N same > "$OBJ/same.out" 2> "$OBJ/same.err" ||
    fail "same: $(grep err "$OBJ/same.out" | head -3) $(cat "$OBJ/same.err")"
[ "$(awk '$1 == "ack" { print $4 }' "$OBJ/same.out" | sort -n | tr '\n' ' ')" = \
    "$(seq 1 $((W * N)) | tr '\n' ' ')" ] ||
    fail "same: versions are not 1..$((W * N)) each once"
awk '$1 == "ack" { if (($2 in last) && $4 <= last[$2]) bad = 1; last[$2] = $4 }
    END { exit bad }' "$OBJ/same.out" ||
    fail "same: a writer's versions did not increase"
last=$(awk '$1 == "ack" && $4 == '$((W * N))' { print $2 ":" $3 }' \
    "$OBJ/same.out")
[ "$(ms get /same shared)" = "$last" ] ||
    fail "same: stored $(ms get /same shared), last acknowledged $last"
ms ls -l /same | grep -q "$((W * N))" ||
    fail "same: listed version is not $((W * N)): $(ms ls -l /same)"

stop_daemon
exit 0
