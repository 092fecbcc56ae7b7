#!/bin/bash
# A ticket changed in any byte (header, ciphertext, tag) does not open;
# the client then logs in in full.
. "$(dirname "$0")/test-exec.sh"
tid "session resumption: a tampered ticket is refused"

start_daemon
cache=$OBJ/ticket
printf 'v1' | ms -o ResumptionCache="$cache" set /app x || fail "set failed"
off=$(ticket_off "$cache" ticket)
# key_id, nonce, ciphertext, tag.
for d in 3 15 40 $(($(stat -c %s "$cache") - off - 1)); do
	flip_byte "$cache" $((off + d))
	[ "$(ms -o ResumptionCache="$cache" get /app x)" = v1 ] ||
	    fail "get with ticket byte $d changed"
done
resume_refused "ticket does not open"
resume_refused "ticket key unknown (another daemon, a restart, or expired)"
grep -q 'result=allowed peer=[^ ]* op=resume' "$OBJ/metasafed.log" &&
    fail "a tampered ticket resumed"
true
