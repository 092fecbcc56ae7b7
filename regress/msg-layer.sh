#!/bin/bash
# Wire and monitor messages are parsed in common/ (one module per message
# family: hello.c, msg_certs.c, msg_alert.c, msg_auth.c, ...); other
# folders pass the parsed result on.  This guard lists the production
# files outside common/ that may call msbuf_get* (on-disk formats, not
# messages): any other file that starts to is refused, and so is an entry
# for a file that no longer does.
# Tests and test programs (regress/) may take frames apart by hand.
. "$(dirname "$0")/test-exec.sh"
tid "messages are parsed in common/ only (msbuf_get outside it is listed)"

ALLOW=$OBJ/allow
grep -v '^#' >"$ALLOW" <<'EOF'
# On-disk formats, not messages: the store's records and meta, the
# store key file.
keys/storekey.c
monitor/store_open.c
monitor/store_node.c
monitor/store_rec.c
monitor/store_seal.c
EOF

PAT='\bmsbuf_get(_[a-z0-9_]+)?[[:space:]]*\('

# The pattern must see what it is meant to see, or the guard is empty.
cat >"$OBJ/sample.c" <<'EOF'
	if ((r = msbuf_get_u32(b, &v)) != 0 ||
	    msbuf_get(b, tmp, sizeof(tmp)) != 0 ||
	    (r = msbuf_get_string_direct (b, &p, &len, 9)) != 0)
	n = msbuf_len(b); msbuf_getter = 0;
EOF
n=$(grep -cE "$PAT" "$OBJ/sample.c")
[ "$n" -eq 3 ] || fail "pattern self-test: $n hits in the sample, want 3"

files=$(cd "$TOP" && find admin client keygen keys monitor sandbox worker \
    -name '*.[ch]' | sort)
[ -n "$files" ] || fatal "no sources found below $TOP"
# common/ must still be where the parsing is.
grep -qE "$PAT" "$TOP/common/msg_auth.c" ||
    fail "common/msg_auth.c calls no msbuf_get: is the pattern stale?"

(cd "$TOP" && grep -lE "$PAT" $files) >"$OBJ/hits"
grep -vxF -f "$ALLOW" "$OBJ/hits" >"$OBJ/bad"
if [ -s "$OBJ/bad" ]; then
	fail "wire or monitor bytes parsed outside common/ (add a message module there):
$(cat "$OBJ/bad")"
fi
grep -vxF -f "$OBJ/hits" "$ALLOW" >"$OBJ/stale"
if [ -s "$OBJ/stale" ]; then
	fail "listed files that no longer call msbuf_get (drop them from the list):
$(cat "$OBJ/stale")"
fi
