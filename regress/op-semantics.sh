#!/bin/bash
# The operation semantics PROTOCOL.md 8 states, where they are behaviour:
# version counts writes and restarts at 1 after a delete, mtime is UTC
# seconds, LIST gives children as segments and each list in byte order,
# SETACL merges and its 256 cap counts the node's entries after the merge.
. "$(dirname "$0")/test-exec.sh"
tid "operation semantics: version, mtime, LIST order, SETACL merge and cap"

make_admin_key
add_principal reader
start_daemon
for v in 1 2 3; do printf '%s' "$v" | ms set /sem b || fatal "set b"; done
printf 'x' | ms set /sem a || fatal "set a"
printf 'y' | ms set /sem/kid/deep c || fatal "set deep"
printf 'z' | ms set /sem/B z || fatal "set B"
before=$(date -u +%s)
ms ls -l /sem > "$OBJ/ls" || fail "ls -l"
# version: 3 SETs of b, 1 of a.
grep -Eq '^record +- +3 [0-9T:Z-]+ b$' "$OBJ/ls" || fail "b's version: $(cat "$OBJ/ls")"
grep -Eq '^record +- +1 [0-9T:Z-]+ a$' "$OBJ/ls" || fail "a's version: $(cat "$OBJ/ls")"
# mtime is UTC and not in the future.
t=$(sed -nE 's/^record +- +3 ([0-9T:-]+)Z b$/\1/p' "$OBJ/ls")
[ -n "$t" ] || fail "no mtime for b"
[ "$(date -u -d "${t}Z" +%s)" -le "$before" ] || fail "mtime $t is in the future"
# Children as segments, byte order ("B" < "kid"), then records in byte order.
[ "$(ms ls /sem | tr '\n' ' ')" = "B/ kid/ a b " ] ||
    fail "ls order: $(ms ls /sem | tr '\n' ' ')"
# Deleting and re-creating a record starts its version again.
ms rm /sem b || fail "rm b"
printf 'new' | ms set /sem b || fail "set b again"
ms ls -l /sem | grep -Eq '^record +- +1 [0-9T:Z-]+ b$' || fail "version after re-creation"

# SETACL merges.
ms acl set /sem u1=r > /dev/null || fail "acl u1"
ms acl set /sem u2=w > /dev/null || fail "acl u2"
ms acl set /sem u1= > /dev/null || fail "acl remove u1"
ms acl get /sem > "$OBJ/acl" || fail "acl get"
grep -qx 'u2 w' "$OBJ/acl" || fail "merge lost u2: $(cat "$OBJ/acl")"
grep -q '^u1 ' "$OBJ/acl" && fail "u1 not removed: $(cat "$OBJ/acl")"
# 255 more entries fit (256 in all); one more is refused and changes nothing.
args=
i=0
while [ $i -lt 255 ]; do args="$args p$i=r"; i=$((i + 1)); done
# shellcheck disable=SC2086
ms acl set /sem $args > /dev/null || fail "256 entries in all refused"
ms acl set /sem extra=r > /dev/null 2>&1
st=$?
[ $st -eq 6 ] || fail "257th entry: exit $st, want 6"
ms acl get /sem | grep -q '^extra ' && fail "the refused entry is there"
[ "$(ms acl get /sem | grep -c ' r$')" -eq 255 ] || fail "entries changed by the refusal"

# Record names are not secret from r (SECURITY.md, as documented): a
# SECURE record is ACCESS_DENIED, a missing one RECORD_NOT_FOUND; with no
# right at the node both are ACCESS_DENIED.
printf 's' | ms set -s /names sec || fatal "set sec"
ms acl set /names reader=r > /dev/null || fatal "acl reader"
for c in "sec 4" "missing 5"; do
	ms -k "$OBJ/reader_key" get /names ${c% *} > /dev/null 2>&1
	st=$?
	[ $st -eq "${c#* }" ] || fail "r-only get ${c% *}: exit $st, want ${c#* }"
done
printf 's' | ms set -s /hidden sec || fatal "set hidden"
for r in sec missing; do
	ms -k "$OBJ/reader_key" get /hidden "$r" > /dev/null 2>&1
	st=$?
	[ $st -eq 4 ] || fail "no-rights get $r: exit $st, want 4"
done
exit 0
