#!/bin/bash
# -A -d DIR creates what is missing of the three host keys, and nothing else.
. "$(dirname "$0")/test-exec.sh"
tid "keygen -A host keys"
need_prog "$METASAFE_KEYGEN"
need_tool openssl base64

d=$OBJ/etc/metasafe
mkdir -p "$OBJ/etc"
"$METASAFE_KEYGEN" -A -d "$d" > "$OBJ/out1" 2>&1 || fatal "-A failed: $(cat "$OBJ/out1")"
[ "$(file_mode "$d")" = 700 ] || fail "DIR mode $(file_mode "$d")"
files="host_sig_key host_sig_key.pub host_kex_key host_kex_key.pub host_store_key"
for k in $files; do
	[ -f "$d/$k" ] || fail "$k not created"
	grep -q "$k" "$OBJ/out1" || fail "output does not mention $k"
done
grep -q '^ms-ed25519 ' "$d/host_sig_key.pub" || fail "sig key is not ed25519"
grep -q '^ms-x25519 ' "$d/host_kex_key.pub" || fail "kex key is not x25519"
openssl pkey -in "$d/host_sig_key" -noout || fail "sig key unreadable"
openssl pkey -in "$d/host_kex_key" -noout || fail "kex key unreadable"

# Store key: PEM armour around "MSSK" || 1 || key[32] || check[4].
[ "$(file_mode "$d/host_store_key")" = 600 ] || fail "store key not 0600"
[ "$(head -n 1 "$d/host_store_key")" = "-----BEGIN METASAFE STORE KEY-----" ] ||
    fail "store key BEGIN line"
[ "$(tail -n 1 "$d/host_store_key")" = "-----END METASAFE STORE KEY-----" ] ||
    fail "store key END line"
sed '1d;$d' "$d/host_store_key" | tr -d '\n' | base64 -d > "$OBJ/blob" ||
    fail "store key body is not base64"
[ "$(wc -c < "$OBJ/blob")" -eq 41 ] || fail "store key blob length"
[ "$(head -c 5 "$OBJ/blob" | od -An -tx1 | tr -d ' \n')" = 4d53534b01 ] ||
    fail "store key magic/version"
key=$(head -c 37 "$OBJ/blob" | tail -c 32 | od -An -tx1 | tr -d ' \n')
want=$( (printf 'metasafe store key check'; head -c 37 "$OBJ/blob" |
    tail -c 32) | openssl dgst -sha256 -binary | head -c 4 |
    od -An -tx1 | tr -d ' \n')
got=$(tail -c 4 "$OBJ/blob" | od -An -tx1 | tr -d ' \n')
[ "$want" = "$got" ] || fail "store key check value $got, want $want"
[ "$key" != 0000000000000000000000000000000000000000000000000000000000000000 ] ||
    fail "store key is all zero"

# Idempotent: a second run changes nothing and generates nothing.
sums=$(cd "$d" && checksum $files)
"$METASAFE_KEYGEN" -A -d "$d" > "$OBJ/out2" 2>&1 || fail "second -A failed"
[ ! -s "$OBJ/out2" ] || fail "second -A generated: $(cat "$OBJ/out2")"
[ "$(cd "$d" && checksum $files)" = "$sums" ] || fail "second -A changed files"

# A deleted store key comes back alone.
rm "$d/host_store_key"
"$METASAFE_KEYGEN" -q -A -d "$d" || fail "-A after rm store key failed"
[ -f "$d/host_store_key" ] || fail "store key not recreated"
for k in host_sig_key host_sig_key.pub host_kex_key host_kex_key.pub; do
	[ "$(cd "$d" && checksum $k)" = "$(echo "$sums" | sed -n \
	    "$(echo $files | tr ' ' '\n' | grep -nx "$k" | cut -d: -f1)p")" ] ||
	    fail "$k changed when only the store key was missing"
done
newstore=$(checksum "$d/host_store_key")

# A deleted .pub is derived again from the private key, same key.
pubsum=$(checksum "$d/host_kex_key.pub")
privsum=$(checksum "$d/host_kex_key")
rm "$d/host_kex_key.pub"
"$METASAFE_KEYGEN" -A -d "$d" > "$OBJ/out3" 2>&1 || fail "-A after rm .pub failed"
grep -q "host_kex_key.pub" "$OBJ/out3" || fail "-A did not report the .pub"
[ "$(checksum "$d/host_kex_key")" = "$privsum" ] || fail "kex key changed"
[ "$(cut -d' ' -f1,2 "$d/host_kex_key.pub")" = "$(cd "$d" &&
    "$METASAFE_KEYGEN" -y -f host_kex_key | cut -d' ' -f1,2)" ] ||
    fail "rederived .pub does not match the private key"
[ "$(checksum "$d/host_store_key")" = "$newstore" ] || fail "store key changed"
: "$pubsum"

# A private key gone but its (maybe pinned) .pub still there: refused,
# nothing touched.
rm "$d/host_sig_key"
sigpub=$(checksum "$d/host_sig_key.pub")
"$METASAFE_KEYGEN" -A -d "$d" > "$OBJ/out4" 2>&1
st=$?
[ $st -eq 2 ] || fail "orphan .pub: exit $st, want 2"
grep -q "host_sig_key.pub" "$OBJ/out4" || fail "orphan .pub not named"
[ ! -e "$d/host_sig_key" ] || fail "orphan .pub: a new private key appeared"
[ "$(checksum "$d/host_sig_key.pub")" = "$sigpub" ] || fail "orphan .pub changed"
# Removing it too lets -A start over for that pair only.
rm "$d/host_sig_key.pub"
"$METASAFE_KEYGEN" -q -A -d "$d" || fail "-A after removing the pair failed"
[ -f "$d/host_sig_key" ] && [ -f "$d/host_sig_key.pub" ] ||
    fail "sig pair not recreated"
[ "$(checksum "$d/host_kex_key")" = "$privsum" ] || fail "kex key changed"
exit 0
