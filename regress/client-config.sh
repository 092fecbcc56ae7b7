#!/bin/bash
# The client configuration file (~/.metasafe/config, -F FILE) with Host
# blocks, first value wins (command line, then METASAFE_HOST and
# METASAFE_IDENTITY, then the file from the top); the file's mode is
# checked; MetasafeSocket goes the -H unix: way; and an encrypted identity
# works without a terminal through PassphraseFile (mode-checked) or a
# METASAFE_ASKPASS program, never from argv.
. "$(dirname "$0")/test-exec.sh"
tid "client config: Host blocks, first match wins, env, PassphraseFile, askpass"

need_tool setsid
make_admin_key
"$METASAFE_KEYGEN" -q -t ed25519 -N 'bob pass 1' -C bob -f "$OBJ/bob_key" \
    < /dev/null >> "$TEST_LOG" 2>&1 || fatal "keygen bob"
start_daemon
printf 'bob %s\n' "$(cat "$OBJ/bob_key.pub")" >> "$OBJ/principals"
reload_daemon
printf 'v1' | ms set /app rec || fatal "set"
ms acl set /app bob=r > /dev/null || fatal "acl"

CONF=$HOME/.metasafe/config
mkdir -p "$HOME/.metasafe" && chmod 0700 "$HOME/.metasafe"
# No terminal at all, as under cron or systemd: setsid, stdin from null.
mc() {
	setsid "$METASAFE" "$@" < /dev/null
}

# --- Host blocks, first value wins -------------------------------------------
cat > "$CONF" <<EOF
# a comment
Host prod other
	Hostname 127.0.0.1
	Port $DAEMON_PORT
	IdentityFile "$OBJ/admin_key"
	KnownHostsFile=$OBJ/known_hosts
Host !prod *
	Port 1
	IdentityFile $OBJ/admin_key
	KnownHostsFile $OBJ/known_hosts
Host *
	Port 2
	IdentityFile $OBJ/no_such_key
EOF
chmod 0600 "$CONF"
[ "$(mc -H prod get /app rec)" = v1 ] || fail "Host prod block not applied"
# "~/" in a file keyword is the home directory.
cp "$OBJ/admin_key" "$HOME/.metasafe/admin_key" || fatal "cp"
printf 'IdentityFile ~/.metasafe/admin_key\nPort %s\nKnownHostsFile %s\n' \
    "$DAEMON_PORT" "$OBJ/known_hosts" > "$OBJ/tilde"
chmod 0600 "$OBJ/tilde"
[ "$(mc -F "$OBJ/tilde" get /app rec)" = v1 ] || fail "~/ not expanded"
# Without -H the default host is matched: "Host !prod *" gives port 1.
mc get /app rec > "$OBJ/out" 2>&1
st=$?
[ $st -eq 2 ] || fail "default host: exit $st, want 2 (port 1): $(cat "$OBJ/out")"
# The command line wins over the file.
mc -H prod -p 1 get /app rec > "$OBJ/out" 2>&1
[ $? -eq 2 ] || fail "-p did not win over the file's Port"
mc -H prod -o Port=1 get /app rec > "$OBJ/out" 2>&1
[ $? -eq 2 ] || fail "-o Port did not win over the file's Port"
# METASAFE_HOST is the destination when there is no -H.
[ "$(METASAFE_HOST=prod mc get /app rec)" = v1 ] ||
    fail "METASAFE_HOST=prod not used"
# METASAFE_IDENTITY beats the file's IdentityFile, -i beats it.
[ "$(METASAFE_IDENTITY=$OBJ/no_such_key mc -H prod get /app rec 2>/dev/null)" = v1 ] &&
    fail "the file's IdentityFile won over METASAFE_IDENTITY"
METASAFE_IDENTITY=$OBJ/no_such_key mc -H prod -i "$OBJ/admin_key" get /app rec \
    > "$OBJ/out" 2>&1 || fail "-i did not win over METASAFE_IDENTITY: $(cat "$OBJ/out")"

# --- the file's mode -------------------------------------------------------
chmod 0620 "$CONF"
mc -H prod get /app rec > "$OBJ/out" 2>&1
st=$?
[ $st -eq 1 ] || fail "group-writable config: exit $st, want 1"
grep -q "$CONF: bad owner or permissions" "$OBJ/out" ||
    fail "group-writable config: $(cat "$OBJ/out")"
chmod 0600 "$CONF"

# --- -F: that file only; errors name FILE:LINE ------------------------------
cat > "$OBJ/alt" <<EOF
Port $DAEMON_PORT
IdentityFile $OBJ/admin_key
KnownHostsFile $OBJ/kh-new
StrictHostKeyChecking accept-new
CAFile $OBJ/no-ca.pem
EOF
chmod 0600 "$OBJ/alt"
# CAFile applies too: a missing CA file fails the connection.
mc -F "$OBJ/alt" get /app rec > "$OBJ/out" 2>&1 &&
    fail "CAFile from the file was not applied"
sed -i '/^CAFile/d' "$OBJ/alt"
[ "$(mc -F "$OBJ/alt" get /app rec)" = v1 ] || fail "-F file not used"
grep -q "^\[127.0.0.1\]:$DAEMON_PORT " "$OBJ/kh-new" ||
    fail "accept-new from the file did not pin the host"
mc -F "$OBJ/missing" get /app rec > "$OBJ/out" 2>&1
[ $? -eq 1 ] || fail "-F of a missing file accepted"
printf 'Port %s\nNoSuchKeyword yes\n' "$DAEMON_PORT" > "$OBJ/bad"
chmod 0600 "$OBJ/bad"
mc -F "$OBJ/bad" get /app rec > "$OBJ/out" 2>&1
[ $? -eq 1 ] || fail "unknown keyword accepted"
grep -q "$OBJ/bad:2: bad option" "$OBJ/out" || fail "bad keyword: $(cat "$OBJ/out")"

# --- MetasafeSocket: the destination becomes unix:PATH ----------------------
printf 'MetasafeSocket %s\nIdentityFile %s\n' "$OBJ/none.sock" \
    "$OBJ/admin_key" > "$OBJ/sock"
chmod 0600 "$OBJ/sock"
mc -F "$OBJ/sock" -o KnownHostsFile="$OBJ/known_hosts" get /app rec \
    > "$OBJ/out" 2>&1 && fail "a socket that does not exist answered"
grep -q "unix:$OBJ/none.sock" "$OBJ/out" ||
    fail "MetasafeSocket not passed on as unix:PATH: $(cat "$OBJ/out")"
printf 'MetasafeSocket relative.sock\n' > "$OBJ/sock"
mc -F "$OBJ/sock" get /app rec > "$OBJ/out" 2>&1
[ $? -eq 1 ] || fail "a relative MetasafeSocket accepted"

# --- an encrypted identity without a terminal ----------------------------------
bob() {
	mc -i "$OBJ/bob_key" -o KnownHostsFile="$OBJ/known_hosts" \
	    -p "$DAEMON_PORT" "$@" get /app rec
}
bob > "$OBJ/out" 2>&1 && fail "encrypted key used without any passphrase"
grep -q "no passphrase could be read" "$OBJ/out" || fail "no tty: $(cat "$OBJ/out")"
printf 'bob pass 1\n' > "$OBJ/pass"
chmod 0600 "$OBJ/pass"
[ "$(bob -o PassphraseFile="$OBJ/pass")" = v1 ] || fail "PassphraseFile"
chmod 0640 "$OBJ/pass"
bob -o PassphraseFile="$OBJ/pass" > "$OBJ/out" 2>&1 &&
    fail "a group-readable PassphraseFile was used"
grep -q "PassphraseFile $OBJ/pass: group or others may access it" "$OBJ/out" ||
    fail "PassphraseFile mode: $(cat "$OBJ/out")"
chmod 0600 "$OBJ/pass"
printf 'wrong\n' > "$OBJ/wrong"
chmod 0600 "$OBJ/wrong"
bob -o PassphraseFile="$OBJ/wrong" > "$OBJ/out" 2>&1 &&
    fail "a wrong passphrase was accepted"
# From the config file too.
printf 'Host *\n\tPassphraseFile %s\n' "$OBJ/pass" > "$CONF"
[ "$(bob)" = v1 ] || fail "PassphraseFile from the config file"
: > "$CONF"
# An askpass program: it gets the prompt, prints the passphrase.
printf '#!/bin/sh\necho "$1" > %s\necho "bob pass 1"\n' "$OBJ/askpass.arg" \
    > "$OBJ/askpass"
printf '#!/bin/sh\nexit 1\n' > "$OBJ/askfail"
chmod 0700 "$OBJ/askpass" "$OBJ/askfail"
[ "$(METASAFE_ASKPASS=$OBJ/askpass bob)" = v1 ] || fail "METASAFE_ASKPASS"
grep -q "Enter passphrase for key $OBJ/bob_key" "$OBJ/askpass.arg" ||
    fail "askpass prompt: $(cat "$OBJ/askpass.arg")"
METASAFE_ASKPASS=$OBJ/askfail bob > "$OBJ/out" 2>&1 &&
    fail "a failing askpass program let the key load"
grep -q "METASAFE_ASKPASS $OBJ/askfail gave no passphrase" "$OBJ/out" ||
    fail "askpass failure: $(cat "$OBJ/out")"
exit 0
