#!/bin/bash
# A hostile client that holds a ticket and its real secret mutates each
# field of the ticket (format, key_id, nonce, every sealed claim, tag,
# length) and resumes with correct binder, RESUME_VERIFY and Finished:
# every attempt is AUTH_FAILED, and the genuine ticket still resumes.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: a ticket with every field mutated is refused"

. "$(dirname "$0")/lib/hostile.sh"

start_daemon
keep_store
attempt ticket-mutate
logged "audit: result=allowed peer=[^ ]* op=resume principal=admin" "genuine ticket"
n=$(grep -c 'result=denied peer=[^ ]* op=resume' "$OBJ/metasafed.log")
[ "$n" -ge 16 ] || fail "only $n refused resumptions audited"
logged 'reason="ticket does not open"' "mutated claims"
logged 'reason="malformed ticket"' "mutated format"
still_serving "ticket-mutate"
