#!/bin/bash
# PROTOCOL.md 2: "A frame with length = 0 ... is a protocol error; the
# receiver closes the connection without reading further."  A client that
# sends only the 4 bytes of a zero length must be dropped at once, not
# when LoginGraceTime (10 s in the harness) runs out.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: a lone zero-length frame header is refused at once"

. "$(dirname "$0")/lib/hostile.sh"

start_daemon
keep_store
sanity

# -w 3: the close must come within 3 s, well before LoginGraceTime 10.
attempt -w 3 zero-length-alone
case "$OUT" in *TIMEOUT*) fail "zero-length-alone waited for LoginGraceTime: $OUT" ;; esac
worker_ended "zero-length frame header alone"
still_serving "zero-length frame header alone"
