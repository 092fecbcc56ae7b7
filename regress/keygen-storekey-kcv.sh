#!/bin/bash
# metasafe-keygen -l on a store key prints its check value
# (HMAC-SHA256(key, "metasafe store key check v1")[0..7], PROTOCOL.md 13),
# recomputed here with openssl, and never the key in any encoding.
. "$(dirname "$0")/test-exec.sh"
tid "keygen -l on a store key prints the KCV, never the key"
need_prog "$METASAFE_KEYGEN"
need_tool openssl base64 od tr

mkdir -p "$OBJ/k" && chmod 0700 "$OBJ/k"
"$METASAFE_KEYGEN" -q -A -d "$OBJ/k" >> "$TEST_LOG" 2>&1 || fatal "keygen -A"
f=$OBJ/k/host_store_key
out=$("$METASAFE_KEYGEN" -l -f "$f" </dev/null 2>&1) || fail "-l failed: $out"

# The key: base64 body = "MSSK" || u8 1 || key[32] || check[4].
grep -v '^-----' "$f" | tr -d '\n' | base64 -d > "$OBJ/blob" ||
    fatal "decode key file"
keyhex=$(od -An -tx1 -j5 -N32 "$OBJ/blob" | tr -d ' \n')
[ ${#keyhex} -eq 64 ] || fatal "key hex: $keyhex"
kcv=$(printf 'metasafe store key check v1' | openssl dgst -sha256 -mac HMAC \
    -macopt "hexkey:$keyhex" | sed 's/.*= //' | cut -c1-16)
[ "$out" = "256 KCV:$kcv host_store_key (STORE)" ] ||
    fail "-l printed '$out', want '256 KCV:$kcv host_store_key (STORE)'"

# Never the key: hex (either case), base64 of the key or of the blob.
keyb64=$(od -An -tx1 -j5 -N32 "$OBJ/blob" | tr -d ' \n' | sed 's/../\\x&/g')
keyb64=$(printf "$keyb64" | base64 | tr -d '\n')
body=$(grep -v '^-----' "$f" | tr -d '\n')
upper=$(printf '%s' "$keyhex" | tr a-f A-F)
for needle in "$keyhex" "$upper" "$keyb64" "$body" \
    "$(printf '%s' "$keyhex" | cut -c1-16)" \
    "$(printf '%s' "$keyb64" | cut -c1-16)"; do
	case "$out" in
	*"$needle"*) fail "-l output contains key material ($needle)" ;;
	esac
done
exit 0
