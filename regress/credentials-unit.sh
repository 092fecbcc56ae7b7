#!/bin/bash
# The example consumer unit (docs/examples/app.service): `systemd-analyze
# verify` accepts it without a word, it loads db-password from the
# daemon's default CredentialSocket, and the example CredentialsFile
# (docs/examples/credentials) parses and maps what the unit asks for.
. "$(dirname "$0")/test-exec.sh"
tid "systemd credentials: the example unit verifies and matches the mapping"

need_tool systemd-analyze
need_prog "$METASAFED"
UNIT=$TOP/docs/examples/app.service
MAP=$TOP/docs/examples/credentials
[ -f "$UNIT" ] || fatal "$UNIT missing"
[ -f "$MAP" ] || fatal "$MAP missing"

mkdir -p "$OBJ/unit"
cp "$UNIT" "$OBJ/unit/app.service" || fatal "cp"
systemd-analyze verify "$OBJ/unit/app.service" > "$OBJ/verify.out" 2>&1
st=$?
[ $st -eq 0 ] || fail "systemd-analyze verify: exit $st: $(cat "$OBJ/verify.out")"
[ -s "$OBJ/verify.out" ] &&
    fail "systemd-analyze verify complained: $(cat "$OBJ/verify.out")"

# The socket the unit names is the one the documentation configures.
sock=$(sed -n 's/^LoadCredential=db-password:\(.*\)$/\1/p' "$UNIT")
[ "$sock" = /run/metasafed/credentials.sock ] ||
    fail "the unit loads db-password from '$sock'"
grep -q "^# *CredentialSocket $sock\$" "$UNIT" ||
    fail "the unit's comment does not configure CredentialSocket $sock"
grep -q '^SetCredential=feature-flags:' "$UNIT" ||
    fail "the unit shows no SetCredential= default"
grep -q 'test -s "\$\${CREDENTIALS_DIRECTORY}/db-password"' "$UNIT" ||
    fail "the unit does not refuse an empty (refused) credential"

# The example mapping loads (metasafed -t parses the CredentialsFile) and
# has the line the unit needs.
daemon_setup "CredentialSocket $OBJ/credentials.sock" \
    "CredentialsFile $OBJ/credentials"
cp "$MAP" "$OBJ/credentials" || fatal "cp"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 ||
    fail "metasafed -t refused the example mapping: $(cat "$OBJ/t.out")"
grep -Eq '^app\.service[[:space:]]+db-password[[:space:]]+/prod/db[[:space:]]+password$' \
    "$MAP" || fail "the example mapping lacks app.service db-password"
# And -t names a broken line.
printf 'app.service db-password\n' >> "$OBJ/credentials"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 &&
    fail "metasafed -t accepted a broken CredentialsFile"
grep -q "CredentialsFile $OBJ/credentials:7: expected UNIT_GLOB" "$OBJ/t.out" ||
    fail "metasafed -t: $(cat "$OBJ/t.out")"
# CredentialSocket without a mapping file can never answer anything.
sed -i '/^CredentialsFile /d' "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 &&
    fail "metasafed -t accepted CredentialSocket without CredentialsFile"
grep -q "CredentialSocket needs CredentialsFile" "$OBJ/t.out" ||
    fail "metasafed -t: $(cat "$OBJ/t.out")"
exit 0
