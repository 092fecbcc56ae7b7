#!/bin/bash
# StrictModes: a trusted file (config, AuthorizedPrincipalsFile,
# TrustedUserCAFile, ...) that anyone but root can write, or that sits in a
# directory anyone but root can write, fails -t and start-up; a sticky
# root-owned directory (like /tmp) is accepted; StrictModes no accepts all.
# At SIGHUP a reloaded file that fails is not used and the old one stays.
. "$(dirname "$0")/test-exec.sh"
tid "StrictModes: writable trusted files and directories are refused"
need_tool openssl timeout

start_daemon
stop_daemon
cfg=$OBJ/metasafed_config
cp "$cfg" "$OBJ/base_config"

t_ok "harness config"

# A world-writable principals file.
chmod 666 "$OBJ/principals"
refused "0666 principals" "metasafed: AuthorizedPrincipalsFile $OBJ/principals: bad ownership or modes (0666, owner uid 0): must be owned by root and not writable by group or others"
chmod 644 "$OBJ/principals"
chown 65534 "$OBJ/principals" || fatal chown
refused "principals owned by another user" "AuthorizedPrincipalsFile $OBJ/principals: bad ownership or modes (0644, owner uid 65534)"
chown 0 "$OBJ/principals"

# The config file itself.
chmod 664 "$cfg"
refused "group-writable config" "metasafed: $cfg: bad ownership or modes (0664, owner uid 0)"
chmod 644 "$cfg"

# A CA file whose directory is group-writable.
mkdir "$OBJ/ca"
openssl req -x509 -newkey ed25519 -nodes -keyout "$OBJ/ca.key" \
    -out "$OBJ/ca/user_ca.pem" -subj "/CN=strictmodes test CA" -days 2 \
    >> "$TEST_LOG" 2>&1 || fatal "openssl: cannot make a CA"
chmod 644 "$OBJ/ca/user_ca.pem"
printf 'TrustedUserCAFile %s\n' "$OBJ/ca/user_ca.pem" >> "$cfg"
chmod 0755 "$OBJ/ca"
t_ok "CA in a 0755 directory"
chmod 0775 "$OBJ/ca"
refused "CA in a group-writable directory" "TrustedUserCAFile $OBJ/ca/user_ca.pem: bad ownership or modes for directory $OBJ/ca (0775, owner uid 0)"
# Sticky and root's, like /tmp: accepted.
chmod 1777 "$OBJ/ca"
t_ok "CA in a sticky 1777 directory"
chown 65534 "$OBJ/ca" || fatal chown
refused "CA in a sticky directory of another user" "for directory $OBJ/ca (1777, owner uid 65534)"
chown 0 "$OBJ/ca"
chmod 0755 "$OBJ/ca"
# The directory above everything: $OBJ.
chmod 0770 "$OBJ"
refused "group-writable directory above the files" "bad ownership or modes for directory $OBJ (0770"
chmod 0700 "$OBJ"
t_ok "restored"

# StrictModes no accepts a world-writable principals file and CA.
chmod 666 "$OBJ/principals" "$OBJ/ca/user_ca.pem"
printf 'StrictModes no\n' >> "$cfg"
t_ok "StrictModes no"
chmod 644 "$OBJ/principals" "$OBJ/ca/user_ca.pem"

# SIGHUP: a principals file that fails StrictModes is not reloaded.
cp "$OBJ/base_config" "$cfg"
start_daemon
add_principal bob
chmod 666 "$OBJ/principals"
reload_daemon
wait_log "reload failed, keeping the old principals: AuthorizedPrincipalsFile $OBJ/principals: bad ownership or modes (0666"
ms -k "$OBJ/bob_key" status > /dev/null 2>&1 && fail "bob logged in from an unsafe principals file"
ms status > /dev/null 2>&1 || fail "admin lost access after the refused reload"
chmod 644 "$OBJ/principals"
reload_daemon
wait_log "loaded 2 principals"
ms -k "$OBJ/bob_key" status > /dev/null 2>&1 || fail "bob refused after a good reload"
exit 0
