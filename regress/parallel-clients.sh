#!/bin/bash
# 50 clients in parallel all succeed.
. "$(dirname "$0")/test-exec.sh"
tid "50 parallel clients all succeed"

start_daemon "MaxSessions 100" "PerSourceMaxStartups 100" "MaxStartups 100"
i=0
while [ $i -lt 50 ]; do
	( printf 'value-%s' $i | ms set -s /par "r$i" &&
	  [ "$(ms get /par "r$i")" = "value-$i" ] ) > "$OBJ/c$i.out" 2>&1 &
	eval "pid$i=\$!"
	i=$((i + 1))
done
i=0
nfail=0
while [ $i -lt 50 ]; do
	eval "wait \$pid$i" || { nfail=$((nfail + 1)); trace "client $i: $(cat "$OBJ/c$i.out")"; }
	i=$((i + 1))
done
[ $nfail -eq 0 ] || fail "$nfail of 50 parallel clients failed"
n=$(ms ls /par | grep -c '^r')
[ "$n" -eq 50 ] || fail "ls shows $n records, want 50"
