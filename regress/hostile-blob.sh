#!/bin/bash
# Crypto blobs (PROTOCOL.md 9) from a hostile client: a SECURE SET whose
# blob is replayed, or was sealed for another record, path or handle, is
# refused with INVALID_ARGUMENT and stores nothing; the blob counters stay
# in step, so the next honest blob is accepted.  With both ciphers.
. "$(dirname "$0")/test-exec.sh"
tid "hostile client: replayed and moved crypto blobs store nothing"

. "$(dirname "$0")/lib/hostile.sh"

# get_is PATH RECORD VALUE WHAT
get_is() {
	ms get "$1" "$2" > "$OBJ/got.blob" 2>>"$TEST_LOG" ||
	    { fail "$4: get $1 $2 failed"; return; }
	[ "$(cat "$OBJ/got.blob")" = "$3" ] ||
	    fail "$4: $1 $2 is '$(cat "$OBJ/got.blob")', want '$3'"
}

# absent PATH RECORD WHAT
absent() {
	ms get "$1" "$2" > "$OBJ/got.blob" 2>>"$TEST_LOG"
	_st=$?
	[ $_st -eq 5 ] || fail "$3: get $1 $2: exit $_st, want 5 (not found)"
}

start_daemon
keep_store
sanity

for c in aes256-gcm chacha20-poly1305; do
	base=/hostile-$c
	attempt -c $c -P $base blob-moved
	case "$OUT" in
	*"replayed blob for B: INVALID_ARGUMENT"*"GET A: intact"*) ;;
	*) fail "blob-moved ($c): $OUT" ;;
	esac
	find_worker "blob-moved ($c)" &&
	    worker_said "refused blob" "blob-moved ($c)"
	not_logged "audit: result=allowed .* op=set principal=[^ ]* path=$base/p record=B" "blob-moved ($c)"
	not_logged "op=set path=$base/q " "blob-moved ($c)"
	get_is $base/p A hostile-secret-A "blob-moved ($c)"
	get_is $base/p C hostile-secret-C "blob-moved ($c)"
	absent $base/p B "blob-moved ($c)"
	absent $base/q A "blob-moved ($c)"
	still_serving "blob-moved ($c)"
done
