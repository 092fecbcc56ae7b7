#!/bin/bash
# I2: a compromised worker cannot get more than one signature, nor one over
# bytes of its choosing, nor over a transcript without its own nonce, nor
# over another worker's nonce.
. "$(dirname "$0")/test-exec.sh"
tid "rogue worker: signing abuse is refused and the worker killed"

start_rogue_daemon
daemon_healthy

rogue sign-twice
rogue_has "ok kex"
rogue_has "try sign-again"
rogue_lacks "ok sign-again"
log_has "request sign repeated"
daemon_healthy

rogue sign-arbitrary
rogue_has "ok decap"
rogue_lacks "ok sign"
log_has "request sign refused"
daemon_healthy

rogue sign-without-nonce
rogue_has "ok decap"
rogue_has "try sign"
rogue_lacks "ok sign"
log_has "server_random is not this worker's nonce"
daemon_healthy

# Another live worker's nonce: hold one rogue connection that reports its
# nonce, and present that nonce from a second one.
exec 6<>"/dev/tcp/127.0.0.1/$DAEMON_PORT" || fatal "connect"
printf 'ROGUE print-nonce\n' >&6
read -r -t 10 line1 <&6
read -r -t 10 nonceline <&6
nonce=${nonceline#nonce }
[ ${#nonce} -eq 64 ] || fatal "no nonce from the first rogue: $line1 / $nonceline"
rogue sign-foreign-nonce "$nonce"
rogue_has "ok decap"
rogue_lacks "ok sign"
rogue decap-foreign-nonce "$nonce"
rogue_has "try decap"
rogue_lacks "ok decap"
exec 6<&-
grep -c 'killing worker' "$OBJ/metasafed.log" > "$OBJ/kills"
[ "$(cat "$OBJ/kills")" -ge 5 ] || fail "only $(cat "$OBJ/kills") kills logged, want >= 5"
grep 'killing worker' "$OBJ/metasafed.log" | grep -q '127.0.0.1:' ||
    fail "kills are not logged with the peer address"
daemon_healthy
