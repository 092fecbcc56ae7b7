#!/bin/bash
# metasafed -t reports bad configuration with FILE:LINE and exits non-zero.
. "$(dirname "$0")/test-exec.sh"
tid "bad config fails -t with file:line"

start_daemon
stop_daemon
cfg=$OBJ/metasafed_config
"$METASAFED" -t -f "$cfg" || fail "-t rejects the good config"
"$METASAFED" -T -f "$cfg" > "$OBJ/dump" || fail "-T failed"
grep -q "^port $DAEMON_PORT\$" "$OBJ/dump" || fail "-T does not show the port"
grep -q '^ciphers aes256-gcm,chacha20-poly1305$' "$OBJ/dump" ||
    fail "-T does not show the ciphers"

check_bad() {
	_line=$1
	_want=$2
	cp "$cfg" "$OBJ/bad_config"
	printf '%s\n' "$_line" >> "$OBJ/bad_config"
	_n=$(wc -l < "$OBJ/bad_config")
	"$METASAFED" -t -f "$OBJ/bad_config" > "$OBJ/bad.out" 2>&1 &&
	    fail "-t accepted: $_line"
	grep -q "$OBJ/bad_config:$_n:" "$OBJ/bad.out" ||
	    fail "no file:line for '$_line': $(cat "$OBJ/bad.out")"
	grep -qi "$_want" "$OBJ/bad.out" ||
	    fail "message for '$_line' lacks '$_want': $(cat "$OBJ/bad.out")"
}
check_bad "NoSuchKeyword yes" "unknown keyword"
check_bad "MaxSessions lots" "MaxSessions"
check_bad "Port 70000" "Port"
check_bad "Ciphers aes128-cbc" "unknown cipher"
check_bad "SandboxDebug maybe" "yes or no"
check_bad "Port" "missing argument"

# A missing key file is named.
sed "s|^HostKey .*|HostKey $OBJ/nonexistent|" "$cfg" > "$OBJ/bad_config"
"$METASAFED" -t -f "$OBJ/bad_config" > "$OBJ/bad.out" 2>&1 &&
    fail "-t accepted a missing host key"
grep -q "$OBJ/nonexistent" "$OBJ/bad.out" || fail "missing key file not named"
