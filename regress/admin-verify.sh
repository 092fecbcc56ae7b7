#!/bin/bash
# metasafe-admin verify: beside a running daemon it walks the store,
# unseals every SECURE value and prints counts; a flipped byte in a sealed
# value makes it exit 3 naming the record.
. "$(dirname "$0")/test-exec.sh"
tid "metasafe-admin verify counts, and finds a damaged sealed value"
ADMIN=$BUILD/metasafe-admin
need_prog "$ADMIN"
need_tool perl

start_daemon
printf 'plain-1' | ms set /app/db user || fail "set"
printf 'verify-secret-0123456789abcdef0123456789' |
    ms set -s /app/db tamperme-record || fail "set secure"
printf 'other-secret' | ms set -s /app/web key || fail "set secure 2"
ms acl set /app reader=r || fail "acl"
ms acl set /app/web reader=rs || fail "acl 2"

"$ADMIN" verify -f "$OBJ/metasafed_config" > "$OBJ/v.out" 2> "$OBJ/v.err"
st=$?
[ $st -eq 0 ] || fail "verify beside the daemon: exit $st: $(cat "$OBJ/v.err")"
kcv=$("$METASAFE_KEYGEN" -l -f "$OBJ/keys/host_store_key" | cut -d' ' -f2)
for want in "nodes: 4" "records: 3" "secure records: 2" "acl entries: 2" \
    "values sealed under $kcv: 2 (StoreKey $OBJ/keys/host_store_key)" \
    "values in seal format 1 (no key named): 0" "damage: 0" "verify: ok"; do
	grep -qxF "$want" "$OBJ/v.out" || fail "verify output lacks '$want'"
done
[ ! -s "$OBJ/v.err" ] || fail "verify wrote to stderr: $(cat "$OBJ/v.err")"
# The daemon still serves after verify.
[ "$(ms get /app/db tamperme-record)" = \
    verify-secret-0123456789abcdef0123456789 ] || fail "read after verify"
stop_daemon

"$ADMIN" backup -f "$OBJ/metasafed_config" "$OBJ/bk" >> "$TEST_LOG" 2>&1 ||
    fatal "backup"
# A compacted backup holds each live record once (no stale pages): flip
# one ciphertext byte of the record there:
# key name, then u8 fmt, u8 flags, u64 version, u64 mtime, u32 len,
# u8 2, kcv[8], nonce[12], then ciphertext.
perl -e '
	my ($f, $name) = @ARGV;
	open(my $h, "+<:raw", $f) or die "$f: $!";
	local $/; my $d = <$h>; my @at;
	push(@at, pos($d)) while ($d =~ /\Q$name\E/g);
	die "record found " . scalar(@at) . " times\n" if @at != 1;
	for my $p (@at) {
		my $o = $p + 1 + 1 + 8 + 8 + 4 + 1 + 8 + 12 + 3;
		substr($d, $o, 1) = chr(ord(substr($d, $o, 1)) ^ 0x40);
	}
	seek($h, 0, 0); print $h $d; close($h);
' "$OBJ/bk/data.mdb" tamperme-record || fatal "tamper"

"$ADMIN" verify -f "$OBJ/metasafed_config" "$OBJ/bk" > "$OBJ/v2.out" \
    2> "$OBJ/v2.err"
st=$?
[ $st -eq 3 ] || fail "verify of a damaged store: exit $st, want 3"
grep -qF 'damage: /app/db record "tamperme-record": does not unseal' \
    "$OBJ/v2.err" || fail "damage not named: $(cat "$OBJ/v2.err")"
grep -qxF "damage: 1" "$OBJ/v2.out" || fail "damage count: $(cat "$OBJ/v2.out")"
grep -qxF "verify: DAMAGE FOUND" "$OBJ/v2.out" || fail "no DAMAGE FOUND line"

# Not root: refused clearly.
if id nobody >/dev/null 2>&1; then
	su -s /bin/sh nobody -c "\"$ADMIN\" verify -f \"$OBJ/metasafed_config\"" \
	    > "$OBJ/nr.out" 2>&1
	st=$?
	[ $st -eq 1 ] || fail "verify as non-root: exit $st"
	grep -q "must be run as root" "$OBJ/nr.out" ||
	    fail "non-root message: $(cat "$OBJ/nr.out")"
fi
exit 0
