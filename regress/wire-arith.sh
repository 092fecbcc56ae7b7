#!/bin/bash
# Integers on the wire are encoded and decoded only in common/buf.c
# (buf.h's msbuf_* and ms_peek_*/ms_poke_*).  This guard greps the
# production sources for the byte shifts and byte-order functions that a
# hand-written encoder or decoder needs, and fails on any hit that is not
# in the allowlist below.  Tests and test programs (regress/) may build
# malformed frames by hand and are not scanned.
. "$(dirname "$0")/test-exec.sh"
tid "wire integers are encoded and decoded only in common/buf.c"

# A shift by a whole number of bytes, "<< (8 * i)"-style shifts, and the
# byte-order conversions.
PAT='(<<|>>)[[:space:]]*\(?[[:space:]]*(8|16|24|32|40|48|56)([^0-9]|$)'
PAT="$PAT"'|(<<|>>)[[:space:]]*\([[:space:]]*8[[:space:]]*\*'
PAT="$PAT"'|\b(be|le)(16|32|64)toh\b|\bhto(be|le)(16|32|64)\b'
PAT="$PAT"'|\b(ntoh|hton)[ls]\b|\bbswap_(16|32|64)\b|__builtin_bswap'

# file|line (leading blanks stripped).  Each entry says why it is not
# wire parsing; an entry matches one exact line, so a new shift in the
# same file still fails.
ALLOW=$OBJ/allow
grep -v '^#' >"$ALLOW" <<'EOF'
# Constant-time compare: folds the OR of byte differences to one bit.
common/crypto.c|return (int)((((unsigned int)acc) - 1) >> 8) & 1;
# A limit (records per key, 2^24), not a field.
common/mslimits.h|#define MS_RECORDS_PER_KEY_MAX	(1ULL << 24)
# Configuration size units (StoreMaxSize "T" suffix and its ceiling).
monitor/servconf.h|#define SERVCONF_STORE_SIZE_MAX		(1ULL << 40)
monitor/servconf.c|mult = 1ULL << 40;
EOF

# scan FILE...: print "path|line" for every match, paths relative to TOP.
scan() {
	for f in "$@"; do
		grep -nE "$PAT" "$f" /dev/null
	done | sed -e "s|^$TOP/||" -e 's|^\([^:]*\):[0-9]*:[[:space:]]*|\1\||'
}

# The pattern must see what it is meant to see, or the guard is empty.
cat >"$OBJ/sample.c" <<'EOF'
	len = (uint32_t)p[0] << 24 | p[1] << 16;
	p[2] = (u_char)(v >> 8);
	x = be32toh(y);
	p[i] = (u_char)(v >> (8 * i));
	ok = a << 1 | b >> 4;
EOF
n=$(scan "$OBJ/sample.c" | wc -l)
[ "$n" -eq 4 ] || fail "pattern self-test: $n hits in the sample, want 4"

files=$(find "$TOP/admin" "$TOP/client" "$TOP/common" "$TOP/keygen" \
    "$TOP/keys" "$TOP/monitor" "$TOP/sandbox" "$TOP/worker" \
    -name '*.[ch]' ! -path "$TOP/common/buf.c" | sort)
[ -n "$files" ] || fatal "no sources found below $TOP"
# buf.c itself must still be where the shifts are.
scan "$TOP/common/buf.c" | grep -q . ||
    fail "common/buf.c has no byte shifts: is the pattern stale?"

scan $files >"$OBJ/hits"
grep -vxF -f "$ALLOW" "$OBJ/hits" >"$OBJ/bad"
if [ -s "$OBJ/bad" ]; then
	fail "byte arithmetic on integers outside common/buf.c (use buf.h):
$(cat "$OBJ/bad")"
fi
# A stale allowlist entry hides nothing but misleads: refuse it too.
grep -vxF -f "$OBJ/hits" "$ALLOW" >"$OBJ/stale"
if [ -s "$OBJ/stale" ]; then
	fail "allowlist entries that match no source line:
$(cat "$OBJ/stale")"
fi
