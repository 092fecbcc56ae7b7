#!/bin/bash
# Stalling clients: one that sends nothing, one that stops inside the
# first frame and one that goes silent after SERVER_FINISHED are all cut
# off by LoginGraceTime (2 s here, so within 12 s), while other clients
# are served meanwhile.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: stalled handshakes end at LoginGraceTime"

. "$(dirname "$0")/lib/hostile.sh"

# The harness config says LoginGraceTime 10; this test needs 2.
start_daemon
stop_daemon
sed 's/^LoginGraceTime .*/LoginGraceTime 2/' "$OBJ/metasafed_config" \
    > "$OBJ/metasafed_config.new" &&
    mv "$OBJ/metasafed_config.new" "$OBJ/metasafed_config" ||
    fatal "cannot rewrite the config"
grep -q '^LoginGraceTime 2$' "$OBJ/metasafed_config" || fatal "no LoginGraceTime 2"
start_daemon
keep_store
sanity

for s in stall stall-partial stall-auth; do
	# Someone else is served while this one stalls.
	( sleep 0.5; ms status > "$OBJ/during.out" 2>&1; echo $? > "$OBJ/during.st" ) &
	bg=$!
	attempt -g 2 $s
	wait $bg
	[ "$(cat "$OBJ/during.st")" = 0 ] ||
	    fail "$s: a normal client was not served during the stall: $(cat "$OBJ/during.out")"
	secs=$(printf '%s\n' "$OUT" | sed -n 's/.* after \([0-9]*\)\.[0-9] s .*/\1/p')
	[ -n "$secs" ] || fail "$s: no time in '$OUT'"
	[ -n "$secs" ] && [ "$secs" -lt 1 ] && fail "$s: closed before LoginGraceTime: $OUT"
	worker_ended "$s"
	logged "worker $W .*(grace|TIMEOUT|LoginGraceTime)|killing worker $W .*LoginGraceTime" "$s"
	still_serving "$s"
done
