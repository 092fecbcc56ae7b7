#!/bin/bash
# Connection floods: silent connections beyond PerSourceMaxStartups (3)
# from one address, or beyond MaxSessions (5) from many, are refused with
# ALERT LIMIT_REACHED and never get a worker; once they go, the daemon
# serves normally.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: connection floods hit MaxSessions / PerSourceMaxStartups"

. "$(dirname "$0")/lib/hostile.sh"

# field NAME: the NAME=N count in OUT
field() {
	printf '%s\n' "$OUT" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"
}

# no_workers WHAT: every flood connection's worker is gone (10 s)
no_workers() {
	_i=0
	while [ "$(worker_pids | wc -l)" -gt 0 ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || { fail "$1: workers left: $(worker_pids)"; return; }
		sleep 0.1
	done
}

start_daemon "MaxSessions 5" "PerSourceMaxStartups 3"
keep_store
sanity

attempt flood 10
open=$(field open)
refused=$(field refused)
[ -n "$open" ] && [ "$open" -le 3 ] ||
    fail "flood: more than PerSourceMaxStartups connections open: $OUT"
[ -n "$refused" ] && [ "$refused" -ge 7 ] ||
    fail "flood: fewer than 7 refused: $OUT"
logged "PerSourceMaxStartups \(3\) reached" "flood"
no_workers "flood"
still_serving "flood"

attempt flood-spread 10
open=$(field open)
refused=$(field refused)
[ -n "$open" ] && [ "$open" -le 5 ] ||
    fail "flood-spread: more than MaxSessions connections open: $OUT"
[ -n "$refused" ] && [ "$refused" -ge 5 ] ||
    fail "flood-spread: fewer than 5 refused: $OUT"
logged "MaxSessions \(5\) reached" "flood-spread"
no_workers "flood-spread"
still_serving "flood-spread"
