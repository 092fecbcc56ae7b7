#!/bin/bash
# I4 for resumption: a compromised worker can neither forge a ticket, nor
# alter one (even knowing its secret), nor resume someone else's without
# the secret; RESUME is permitted once, only after SIGN, only for a hello
# with a ticket, and TICKET only after a login.  The control: with a real
# ticket and its secret, the same code resumes.
. "$(dirname "$0")/test-exec.sh"
tid "rogue worker: forged, altered or foreign tickets and RESUME out of state"

make_admin_key
add_principal victim
start_rogue_daemon
ms acl set / victim=rw > /dev/null || fatal "acl"
ms -o ResumptionCache="$OBJ/admin.ticket" status > /dev/null || fatal "admin ticket"
ms -k "$OBJ/victim_key" -o ResumptionCache="$OBJ/victim.ticket" status \
    > /dev/null || fatal "victim ticket"
cp "$OBJ/admin.ticket" "$OBJ/admin.orig"

rogue resume-forged
rogue_has "ok kex"
rogue_has "status resume 9"
rogue_lacks "status get 0"
resume_refused "ticket key unknown (another daemon, a restart, or expired)"
daemon_healthy

rogue resume-altered "$OBJ/admin.ticket"
rogue_has "status resume 9"
rogue_lacks "status get 0"
resume_refused "ticket does not open"

rogue resume-foreign "$OBJ/victim.ticket"
rogue_has "status resume 9"
rogue_lacks "status get 0"
resume_refused "bad binder"
# The victim's ticket was not used up by the attempt.
ms -k "$OBJ/victim_key" -o ResumptionCache="$OBJ/victim.ticket" status \
    > /dev/null || fail "victim's resumption"
wait_log 'audit: result=allowed peer=[^ ]* op=resume principal=victim'

rogue resume-twice
rogue_has "status resume 9"
rogue_lacks "status resume 0"
wait_log "request resume repeated"

rogue resume-before-sign
rogue_has "try resume"
rogue_lacks "status resume 9"
wait_log "request resume not permitted in state"

rogue resume-without-ticket
rogue_has "try resume"
rogue_lacks "status resume 9"
wait_log "resume without a ticket"

rogue auth-with-ticket "$OBJ/admin_key"
rogue_has "try auth"
rogue_lacks "status auth 9"
rogue_lacks "status auth 0"
wait_log "auth for a resuming hello"

rogue ticket-before-auth
rogue_has "try ticket"
rogue_lacks "ok ticket"
wait_log "request ticket not permitted in state"

# The control: the real ticket with its secret resumes as its principal.
rogue resume-own "$OBJ/admin.orig"
rogue_has "status resume 0"
rogue_has "status get 3"	# RECORD_NOT_FOUND: admin may read /
wait_log 'audit: result=allowed peer=[^ ]* op=resume principal=admin'
daemon_healthy
