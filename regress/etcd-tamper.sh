#!/bin/bash
# What a writer of the etcd prefix can do to a sealed value, as
# SECURITY.md ("An etcd administrator") states it: a sealed value moved to
# another record does not open, nor does an altered one (the monitor
# answers INTERNAL_ERROR, client exit 2, and logs it); an older sealed
# value of the same path and record written back opens, with its old
# version: a rollback is not detected.  The writes go through etcdctl
# txn, whose double-quoted arguments take \xHH escapes, since the store's
# keys hold NUL bytes.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
tid "etcd store: a prefix writer can roll back a sealed value, not move or alter one"
need_tool base64 od sed grep

etcd_cluster_start
start_daemon "StoreBackend etcd" "EtcdEndpoints $ETCD_ENDPOINTS" \
    "EtcdPrefix /metasafe/"
printf 'first-secret' | ms set -s /t/a s || fatal "set v1"

# The record's key and stored value, base64, as etcd holds them now.
record_json() {
	etcdctl_t get --prefix /metasafe/records/ -w json
}
field() {
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"
}
KEY=$(record_json | field key)
V1=$(record_json | field value)
[ -n "$KEY" ] && [ -n "$V1" ] || fatal "no record in etcd: $(record_json)"
printf 'second-secret' | ms set -s /t/a s || fatal "set v2"
V2=$(record_json | field value)
[ "$V2" != "$V1" ] || fatal "the second SET left the stored value alone"

# quoted B64 [EDIT]: the bytes as a double-quoted Go string of \xHH,
# after the sed expression EDIT on the hex (one byte a line).
quoted() {
	printf '"'
	printf '%s' "$1" | base64 -d | od -An -v -tx1 | tr -s ' ' '\n' |
	    grep . | sed "${2:-}" | sed 's/^/\\x/' | tr -d '\n'
	printf '"'
}
# put KEY_B64 KEY_EDIT VALUE_B64 VALUE_EDIT: one etcd write, unguarded.
put() {
	printf '\nput %s %s\n\n\n' "$(quoted "$1" "$2")" "$(quoted "$3" "$4")" |
	    etcdctl_t txn > "$OBJ/txn.out" 2>&1 && grep -q SUCCESS "$OBJ/txn.out" ||
	    fatal "etcdctl txn failed: $(cat "$OBJ/txn.out")"
}
get_status() {
	ms get /t/a "$1" > "$OBJ/get.out" 2> "$OBJ/get.err"
	echo $?
}

# Moved: the sealed value of record s under record t of the same node
# (the key's last byte, "s", becomes "t").
put "$KEY" '$s/^73$/74/' "$V2" ''
[ "$(get_status t)" -eq 2 ] ||
    fail "a sealed value moved to another record opened: $(cat "$OBJ/get.out")"
grep -q 'first-secret\|second-secret' "$OBJ/get.out" &&
    fail "the moved value's clear text reached the client"

# Altered: the last byte of the tag changed (to 00, or 01 if it was 00).
put "$KEY" '' "$V2" '$ { s/^00$/01/; t; s/^..$/00/ }'
[ "$(get_status s)" -eq 2 ] ||
    fail "an altered sealed value opened: $(cat "$OBJ/get.out")"

# Rolled back: the first sealed value (and its header: version 1) written
# back under its own key opens.  Not detected, as documented.
put "$KEY" '' "$V1" ''
[ "$(get_status s)" -eq 0 ] ||
    fail "the rolled-back value did not open: $(cat "$OBJ/get.err")"
[ "$(cat "$OBJ/get.out")" = "first-secret" ] ||
    fail "the rollback read '$(cat "$OBJ/get.out")'"
ms ls -l /t/a > "$OBJ/ls.out" || fail "ls -l"
grep -q '^record secure  *1 .* s$' "$OBJ/ls.out" ||
    fail "the rolled-back record is not at version 1 again: $(cat "$OBJ/ls.out")"
[ "$(grep -c 'damaged value' "$OBJ/metasafed.log")" -ge 2 ] ||
    fail "the failed openings were not both logged"
exit $FAILED
