#!/bin/bash
# Every etcd member stopped (SIGSTOP) while data requests wait on them:
# other connections to the same hosts still complete their handshake and
# STATUS, each within BOUND (3 s, on a loaded 2-core box; EtcdTimeout is
# 10 s here, so a handshake that waited on etcd would take about that
# long, and the stuck request must still be waiting when the checks are
# done).  After SIGCONT the stuck requests (two GETs, a SET) end, OK or
# STORE_UNAVAILABLE, within EtcdTimeout and a margin; an acknowledged SET
# is there, and service resumes.  Stopped again for longer than
# EtcdTimeout, a GET answers STORE_UNAVAILABLE, and the session recovers.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: SIGSTOPped cluster does not delay handshakes or STATUS"

HC=$BUILD/regress/progs/hold-conn
need_prog "$HC"
TMO=10		# EtcdTimeout, seconds
BOUND=3		# for a handshake and STATUS while etcd is stopped
MARGIN=13	# on top of TMO for the stuck requests to end
etcd_cluster_start
fleet_init
fleet_up A "EtcdTimeout ${TMO}s"
fleet_up B "EtcdTimeout ${TMO}s"
printf 'before-stop' | msh A set /fleet/stop rec || fatal "A: set"
# How the client words exit 8 (client/errors.c), up to its explanation.
unavail='store unavailable on the server'

# A session to A, handshake done and record read before etcd stops.
rm -f "$OBJ/hold.in"
mkfifo "$OBJ/hold.in" || fatal "mkfifo"
"$HC" "$(fleet_port A)" "$OBJ/admin_key" "$OBJ/known_hosts" /fleet/stop rec \
    < "$OBJ/hold.in" > "$OBJ/hold.out" 2>&1 &
hold_pid=$!
exec 4> "$OBJ/hold.in"
add_cleanup "exec 4>&-; kill $hold_pid 2>/dev/null"
wait_file "$OBJ/hold.out" '^ready' "held connection to A not ready"
answers() { grep -c '^got$\|^error: ' "$OBJ/hold.out"; }

etcd_pause
add_cleanup etcd_resume
t_stop=$(now_ms)
echo get >&4
# And a data request on a new connection to B.
( msh B get /fleet/stop rec > "$OBJ/bget.out" 2>&1 < /dev/null
  echo "$? $(now_ms)" > "$OBJ/bget.st" ) &
bget_pid=$!
# And a write on a new connection to B.
( printf 'written-while-stopped' | msh B set /fleet/stop wrec > "$OBJ/bset.out" 2>&1
  echo "$? $(now_ms)" > "$OBJ/bset.st" ) &
bset_pid=$!

# Rounds of new connections for at least WINDOW ms after SIGSTOP (and
# three rounds), so they overlap requests that have surely reached the
# store threads by then.
WINDOW=2000
round=0
while [ $round -lt 3 ] || [ $(($(now_ms) - t_stop)) -lt $WINDOW ]; do
	round=$((round + 1))
	[ $round -le 100 ] || break
	for h in A B; do
		t0=$(now_ms)
		msh $h status > "$OBJ/status.out" 2>&1 < /dev/null
		st=$?
		ms=$(($(now_ms) - t0))
		trace "round $round: handshake and STATUS through $h: exit $st, ${ms} ms"
		[ $st -eq 0 ] ||
		    fail "$h: status with etcd stopped: exit $st: $(cat "$OBJ/status.out")"
		grep -q admin "$OBJ/status.out" ||
		    fail "$h: status does not name the principal: $(cat "$OBJ/status.out")"
		[ $ms -le $((BOUND * 1000)) ] ||
		    fail "$h: handshake and STATUS took ${ms} ms with etcd stopped, bound ${BOUND} s"
	done
done
# The checks overlapped the stuck requests, or they proved nothing.
[ "$(answers)" -eq 0 ] ||
    fail "the held GET was answered while etcd was stopped: $(tail -n 1 "$OBJ/hold.out")"
[ -s "$OBJ/bget.st" ] &&
    fail "B's GET ended while etcd was stopped: $(cat "$OBJ/bget.st") $(cat "$OBJ/bget.out")"
[ -s "$OBJ/bset.st" ] &&
    fail "B's SET ended while etcd was stopped: $(cat "$OBJ/bset.st") $(cat "$OBJ/bset.out")"
trace "$round rounds of handshake and STATUS through A and B, done $(($(now_ms) - t_stop)) ms after SIGSTOP"

etcd_resume
i=0
while [ "$(answers)" -lt 1 ]; do
	i=$((i + 1))
	[ $i -le $(((TMO + MARGIN) * 10)) ] ||
	    fatal "the held GET did not end within $((TMO + MARGIN)) s"
	sleep 0.1
done
a=$(grep '^got$\|^error: ' "$OBJ/hold.out" | head -n 1)
case "$a" in
got|"error: $unavail"*) trace "held GET after SIGCONT: $a" ;;
*) fail "held GET ended with '$a', want got or '$unavail'" ;;
esac
wait "$bget_pid"
read -r bst bt < "$OBJ/bget.st"
case "$bst" in
0|8) ;;
*) fail "B's GET ended with exit $bst: $(cat "$OBJ/bget.out")" ;;
esac
[ $((bt - t_stop)) -le $(((TMO + MARGIN) * 1000)) ] ||
    fail "B's GET ended $((bt - t_stop)) ms after SIGSTOP"
[ "$bst" -eq 0 ] && [ "$(cat "$OBJ/bget.out")" != before-stop ] &&
    fail "B's GET read '$(cat "$OBJ/bget.out")'"
wait "$bset_pid"
read -r sst st_t < "$OBJ/bset.st"
case "$sst" in
0|8) ;;
*) fail "B's SET ended with exit $sst: $(cat "$OBJ/bset.out")" ;;
esac
[ $((st_t - t_stop)) -le $(((TMO + MARGIN) * 1000)) ] ||
    fail "B's SET ended $((st_t - t_stop)) ms after SIGSTOP"
trace "after SIGCONT: B's GET exit $bst, B's SET exit $sst"

# Service resumes: the held session reads again, both hosts write and read.
etcd_wait_healthy
echo get >&4
i=0
while [ "$(answers)" -lt 2 ]; do
	i=$((i + 1))
	[ $i -le $(((TMO + MARGIN) * 10)) ] || fatal "the second held GET did not end"
	sleep 0.1
done
[ "$(grep '^got$\|^error: ' "$OBJ/hold.out" | sed -n 2p)" = got ] ||
    fail "held GET after recovery: $(tail -n 1 "$OBJ/hold.out")"
# Acknowledged means committed: an acknowledged SET is there.
if [ "$sst" -eq 0 ]; then
	[ "$(msh A get /fleet/stop wrec)" = written-while-stopped ] ||
	    fail "B's SET was acknowledged but A reads '$(msh A get /fleet/stop wrec 2>&1)'"
fi
printf 'after-cont' | msh B set /fleet/stop rec || fail "B: set after SIGCONT ($?)"
[ "$(msh A get /fleet/stop rec)" = after-cont ] || fail "A: get after SIGCONT"

# Stopped for longer than EtcdTimeout: the held GET answers
# STORE_UNAVAILABLE by then (and a margin), the session stays usable,
# and it reads again once the cluster is back.
etcd_pause
t_stop=$(now_ms)
echo get >&4
i=0
while [ "$(answers)" -lt 3 ]; do
	i=$((i + 1))
	[ $i -le $(((TMO + MARGIN) * 10)) ] ||
	    fatal "a GET on a stopped cluster did not end within $((TMO + MARGIN)) s"
	sleep 0.1
done
trace "GET on a stopped cluster ended after $(($(now_ms) - t_stop)) ms"
case "$(grep '^got$\|^error: ' "$OBJ/hold.out" | sed -n 3p)" in
"error: $unavail"*) ;;
*) false ;;
esac ||
    fail "GET on a cluster stopped past EtcdTimeout: '$(tail -n 1 "$OBJ/hold.out")', want 'error: $unavail'"
msh A status > "$OBJ/status.out" 2>&1 < /dev/null ||
    fail "A: status after a timed-out GET: $(cat "$OBJ/status.out")"
etcd_resume
etcd_wait_healthy
echo get >&4
i=0
while [ "$(answers)" -lt 4 ]; do
	i=$((i + 1))
	[ $i -le $(((TMO + MARGIN) * 10)) ] || fatal "the fourth held GET did not end"
	sleep 0.1
done
[ "$(grep '^got$\|^error: ' "$OBJ/hold.out" | sed -n 4p)" = got ] ||
    fail "held GET after the second recovery: $(tail -n 1 "$OBJ/hold.out")"
exec 4>&-
wait "$hold_pid" || fail "hold-conn exited $?: $(cat "$OBJ/hold.out")"
exit 0
