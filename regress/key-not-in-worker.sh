#!/bin/bash
# I1: while a connection is open and fully used, no private host key byte
# string and no store-key bytes are in the worker's memory.  The same scan
# of the monitor finds them, which proves the scanner works.
. "$(dirname "$0")/test-exec.sh"
tid "long-term keys are in the monitor's memory, never in a worker's"

MEMSCAN=$BUILD/regress/progs/memscan
need_prog "$MEMSCAN" "$BUILD/regress/progs/hold-conn"
need_tool openssl base64 mkfifo

start_daemon
printf 'hunter2' | ms set -s /mem secret || fatal "set failed"

# Raw key bytes: the last 32 bytes of the PKCS#8 DER are the private key.
openssl pkey -in "$OBJ/keys/host_sig_key" -outform DER | tail -c 32 \
    > "$OBJ/needle.sig" || fatal "cannot extract the signature key"
openssl pkey -in "$OBJ/keys/host_kex_key" -outform DER | tail -c 32 \
    > "$OBJ/needle.kex" || fatal "cannot extract the kex key"
# Store key file: base64("MSSK" || 1 || key[32] || check[4]).
grep -v '^-----' "$OBJ/keys/host_store_key" | base64 -d | dd bs=1 skip=5 \
    count=32 2>/dev/null > "$OBJ/needle.store"
[ "$(wc -c < "$OBJ/needle.store")" -eq 32 ] || fatal "cannot extract the store key"
needles="$OBJ/needle.sig $OBJ/needle.kex $OBJ/needle.store"

hold_conn /mem secret
wpid=$(worker_pids | head -n 1)
[ -n "$wpid" ] || fatal "no live worker"
tr '\0' ' ' < "/proc/$wpid/cmdline" | grep -q "^metasafed: worker 127.0.0.1:[0-9]* \[admin\]" ||
    fail "authenticated worker title lacks the principal: $(tr '\0' ' ' < "/proc/$wpid/cmdline")"

"$MEMSCAN" "$DAEMON_PID" $needles > "$OBJ/scan.monitor"
[ $? -eq 1 ] || fail "scanner did not find the keys in the monitor: $(cat "$OBJ/scan.monitor")"
for n in sig kex store; do
	grep -q "^found $OBJ/needle.$n" "$OBJ/scan.monitor" ||
	    fail "monitor scan misses the $n key (scanner broken?)"
done
"$MEMSCAN" "$wpid" $needles > "$OBJ/scan.worker"
st=$?
[ $st -eq 0 ] || fail "key material found in worker $wpid (status $st): $(cat "$OBJ/scan.worker")"
