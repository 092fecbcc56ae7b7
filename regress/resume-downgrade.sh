#!/bin/bash
# A ticket resumes only under the suite it was issued for: a resumption
# that offers another cipher is refused (the full login that follows may
# pick it, under a full handshake).  Stripping the ticket gives a full
# login, never a resumed one.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: no suite downgrade through a ticket"

start_daemon
cache=$OBJ/ticket
printf 'v1' | ms -o Ciphers=aes256-gcm -o ResumptionCache="$cache" set /app x ||
    fail "set failed"
out=$(ms -o Ciphers=chacha20-poly1305 -o ResumptionCache="$cache" get /app x) ||
    fail "get failed ($?)"
[ "$out" = v1 ] || fail "get returned '$out'"
resume_refused "suite differs from the ticket's"
wait_log 'authenticated .* as admin, cipher chacha20-poly1305$'
