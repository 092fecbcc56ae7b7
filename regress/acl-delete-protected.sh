#!/bin/bash
# Deleting a node takes its ACL and flags with it, so a principal holding
# only w could erase a node's protection: delete /prod (inherit=no,
# bob=w), re-create it, and read what is written there afterwards through
# the root's grant.  Deleting a node with its own ACL entries or flags
# (NOINHERIT, SENSITIVE) therefore needs a as well; the refusal changes
# nothing.  Nodes without either, and records, still need only w.
. "$(dirname "$0")/test-exec.sh"
tid "deleting a node with its own ACL or flags needs a (ACL-reset attack)"

BUILDERS=${CERT_BUILDERS:-keygen}
make_admin_key
add_principal bob
add_principal carol
add_principal rawp
certs_use "${BUILDERS%% *}"
ca_root root
leaf root cp "$(sn 1)"
crl root
cert_trust root
cert_crl root
CP=cp.${BUILDERS%% *}
cert_start_daemon "TrustedUserCAFile $OBJ/user_ca.pem" "RevocationList $OBJ/crl.pem"
BOB=$OBJ/bob_key

expect() {
	_want=$1 _what=$2
	shift 2
	"$@" > "$OBJ/out" 2> "$OBJ/err" < /dev/null
	_st=$?
	[ $_st -eq "$_want" ] ||
	    fail "$_what: exit $_st, want $_want: $(cat "$OBJ/err")"
}

# --- NOINHERIT: the attack from the review --------------------------------
ms acl set / bob=rwl carol=rwl > /dev/null || fatal "acl set /"
printf 'old' | ms set /prod x || fatal "set /prod x"
ms acl set /prod inherit=no bob=w alice=rs carol=wa > /dev/null ||
    fatal "acl set /prod"
# Every ACL change is audited with its content.
wait_log "audit: result=changed peer=[^ ]* op=setacl-flags principal=admin path=/prod inherit=no$"
for e in bob=w alice=rs carol=wa; do
	wait_log "audit: result=changed peer=[^ ]* op=setacl-entry principal=admin path=/prod who=${e%=*} rights=${e#*=}$"
done
expect 4 "bob lists /prod (the setup)" ms -k "$BOB" ls /prod
expect 0 "bob deletes a record (w)" ms -k "$BOB" rm /prod x
expect 4 "bob deletes the protected node /prod" ms -k "$BOB" rm /prod
wait_log "audit: result=denied peer=[^ ]* op=delete principal=bob path=/prod reason=\"node has its own ACL or flags: deleting it needs a\""
ms acl get /prod > "$OBJ/acl" || fail "acl get /prod"
grep -qi 'inherit.*no' "$OBJ/acl" || fail "/prod lost inherit=no: $(cat "$OBJ/acl")"
grep -q '^bob w$' "$OBJ/acl" || fail "/prod lost bob=w: $(cat "$OBJ/acl")"
grep -q '^alice rs$' "$OBJ/acl" || fail "/prod lost alice=rs: $(cat "$OBJ/acl")"
# Re-creating by a SET lands under the old ACL: bob still cannot read.
printf 'new-secret' | ms set /prod y || fatal "set /prod y"
expect 4 "bob reads /prod after the failed reset" ms -k "$BOB" get /prod y
# A principal with w and a may delete it (and admin may).
ms rm /prod y || fatal "admin rm /prod y"
expect 0 "carol (w+a) deletes /prod" ms -k "$OBJ/carol_key" rm /prod
# An unprotected node is deleted with w alone, as before.
printf 'v' | ms -k "$BOB" set /plain z || fail "bob set /plain"
expect 0 "bob rm /plain z" ms -k "$BOB" rm /plain z
expect 0 "bob deletes an unprotected node" ms -k "$BOB" rm /plain

# --- SENSITIVE: the flag alone protects the node --------------------------
ms acl set / "$CP=rwl" rawp=rwl > /dev/null || fatal "acl set / for certs"
printf 's' | ms set /sens rec || fatal "set /sens"
ms acl set /sens sensitive=yes > /dev/null || fatal "sensitive=yes"
ms acl get /sens | grep -v '(inherited)' | grep -q '^rawp\|^cp' &&
    fatal "setup: /sens should have no entries of its own"
k=$CERTS/cp.key c=$CERTS/cp-cert.pem
expect 0 "certificate user deletes the record (w)" msc "$k" "$c" rm /sens rec
expect 4 "certificate user deletes the SENSITIVE node" msc "$k" "$c" rm /sens
ms acl get /sens | grep -qx 'sensitive: yes' || fail "/sens lost its flag"
printf 'later' | msc "$k" "$c" set /sens rec2 || fail "cert set /sens rec2"
expect 4 "raw key reads the re-written SENSITIVE node" \
    ms -k "$OBJ/rawp_key" get /sens rec2
daemon_healthy
exit 0
