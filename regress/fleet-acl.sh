#!/bin/bash
# Two hosts on one etcd cluster: an ACL granted through host A lets a
# principal read through host B at its very next request, and revoked
# through A, B refuses the very next request, with no pause in between;
# on a new connection and on one held open across the change.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: an ACL change through A governs B's next request"

HC=$BUILD/regress/progs/hold-conn
need_prog "$HC"
etcd_cluster_start
fleet_init
add_principal reader
fleet_up A
fleet_up B

printf 'acl-guarded-value' | msh A set /fleet/acl rec || fatal "A: set"

# reader_get WANT WHAT: reader's get through B exits WANT.
reader_get() {
	msh B -k "$OBJ/reader_key" get /fleet/acl rec > "$OBJ/r.out" \
	    2> "$OBJ/r.err" < /dev/null
	_st=$?
	[ $_st -eq "$1" ] ||
	    fail "$2: reader's get through B: exit $_st, want $1: $(cat "$OBJ/r.err")"
	if [ "$1" -eq 0 ]; then
		[ "$(cat "$OBJ/r.out")" = acl-guarded-value ] ||
		    fail "$2: reader read '$(cat "$OBJ/r.out")'"
	else
		[ -s "$OBJ/r.out" ] && fail "$2: a refused get printed a value"
	fi
	return 0
}

reader_get 4 "before any grant"
for round in 1 2 3; do
	msh A acl set /fleet/acl reader=r > /dev/null || fail "A: grant ($round)"
	reader_get 0 "round $round, right after the grant through A"
	msh A acl set /fleet/acl reader= > /dev/null || fail "A: revoke ($round)"
	reader_get 4 "round $round, right after the revocation through A"
done
# The ACL chain is read at each request too: a grant on the parent, then
# the child's inheritance broken and restored, all through A.
msh A acl set /fleet reader=r > /dev/null || fail "A: grant on the parent"
reader_get 0 "right after the grant on the parent through A"
msh A acl set /fleet/acl inherit=no > /dev/null || fail "A: inherit=no"
reader_get 4 "right after inherit=no through A"
msh A acl set /fleet/acl inherit=yes > /dev/null || fail "A: inherit=yes"
reader_get 0 "right after inherit=yes through A"
msh A acl set /fleet reader= > /dev/null || fail "A: revoke on the parent"
reader_get 4 "right after the revocation on the parent through A"
msh B acl get /fleet/acl > "$OBJ/acl.B" || fail "B: acl get"
grep -q '^reader ' "$OBJ/acl.B" && fail "B still lists reader: $(cat "$OBJ/acl.B")"
fleet_wait_log B 'audit: result=denied peer=[^ ]* op=get principal=reader'

# A connection to B held open across the changes: each GET on it is
# judged by the ACL in etcd at that moment.
msh A acl set /fleet/acl reader=r > /dev/null || fail "A: grant (held)"
rm -f "$OBJ/hold.in"
mkfifo "$OBJ/hold.in" || fatal "mkfifo"
"$HC" "$(fleet_port B)" "$OBJ/reader_key" "$OBJ/known_hosts" /fleet/acl rec \
    < "$OBJ/hold.in" > "$OBJ/hold.out" 2>&1 &
hold_pid=$!
exec 4> "$OBJ/hold.in"
add_cleanup "exec 4>&-; kill $hold_pid 2>/dev/null"
wait_file "$OBJ/hold.out" '^ready' "held connection to B not ready"

# held_get N WANT: the Nth answer on the held connection matches WANT.
held_get() {
	echo get >&4
	_i=0
	while [ "$(grep -c '^got$\|^error: ' "$OBJ/hold.out")" -lt "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 200 ] || fatal "held connection: no answer $1 in 20 s"
		sleep 0.1
	done
	_a=$(grep '^got$\|^error: ' "$OBJ/hold.out" | sed -n "${1}p")
	case "$_a" in
	"$2") ;;
	*) fail "held connection, answer $1: '$_a', want '$2'" ;;
	esac
}
held_get 1 got
msh A acl set /fleet/acl reader= > /dev/null || fail "A: revoke (held)"
held_get 2 "error: access denied"
msh A acl set /fleet/acl reader=r > /dev/null || fail "A: grant again (held)"
held_get 3 got
exec 4>&-
wait "$hold_pid" || fail "hold-conn exited $?: $(cat "$OBJ/hold.out")"
exit 0
