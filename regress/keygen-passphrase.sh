#!/bin/bash
# Wrong passphrase, corrupt files and foreign key types each get their own
# exit code and message, and never a crash.
. "$(dirname "$0")/test-exec.sh"
tid "keygen error classes"
need_prog "$METASAFE_KEYGEN"
need_tool openssl

# expect CODE REGEX ARGS...: run keygen, check exit code and stderr.
expect() {
	_code=$1 _re=$2
	shift 2
	"$METASAFE_KEYGEN" "$@" </dev/null >"$OBJ/stdout" 2>"$OBJ/stderr"
	_st=$?
	[ $_st -eq "$_code" ] ||
	    fail "keygen $*: exit $_st, want $_code ($(cat "$OBJ/stderr"))"
	grep -qi -- "$_re" "$OBJ/stderr" ||
	    fail "keygen $*: stderr '$(cat "$OBJ/stderr")' lacks '$_re'"
	[ ! -s "$OBJ/stdout" ] || fail "keygen $*: printed '$(cat "$OBJ/stdout")'"
}

"$METASAFE_KEYGEN" -q -t ed25519 -N 'good one' -f "$OBJ/enc" </dev/null ||
    fatal "generate failed"
rm -f "$OBJ/enc.pub"	# so -l must decrypt

expect 3 "incorrect passphrase supplied to decrypt private key" \
    -y -f "$OBJ/enc" -P 'bad one'
expect 3 "incorrect passphrase supplied to decrypt private key" \
    -l -f "$OBJ/enc" -P 'bad one'
expect 3 "incorrect passphrase" -y -f "$OBJ/enc" -P ''
expect 3 "passphrase is required" -y -f "$OBJ/enc"
"$METASAFE_KEYGEN" -y -f "$OBJ/enc" -P 'good one' >/dev/null ||
    fail "right passphrase refused"

# Corrupt: garbage, empty, truncated, damaged base64, binary.
echo "this is not a key" > "$OBJ/garbage"
: > "$OBJ/empty"
head -c 50 "$OBJ/enc" > "$OBJ/trunc"
sed '2s/^\(..........\).*/\1/' "$OBJ/enc" > "$OBJ/cut"
head -c 300 /dev/urandom > "$OBJ/binary"
for c in garbage empty trunc cut binary; do
	expect 4 "invalid format" -y -f "$OBJ/$c" -P x
	expect 4 "not a metasafe key file" -l -f "$OBJ/$c"
done
expect 1 "no such file" -y -f "$OBJ/missing"

# Foreign types: RSA, EC, Ed448 in PKCS#8, and a legacy RSA PEM.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$OBJ/rsa" 2>/dev/null || fatal "openssl RSA keygen failed"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$OBJ/ec" || fatal "openssl EC keygen failed"
openssl genpkey -algorithm ED448 -out "$OBJ/ed448" ||
    fatal "openssl Ed448 keygen failed"
openssl pkey -in "$OBJ/rsa" -traditional -out "$OBJ/rsa_legacy" ||
    fatal "openssl legacy export failed"
# RSA and ECDSA P-256 are certificate identity types since issue 5.
for k in rsa ec rsa_legacy; do
	"$METASAFE_KEYGEN" -l -f "$OBJ/$k" </dev/null >/dev/null ||
	    fail "keygen -l $k refused"
done
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 \
    -out "$OBJ/ec521" || fatal "openssl EC P-521 keygen failed"
for k in ed448 ec521; do
	expect 5 "unknown key type" -y -f "$OBJ/$k"
	expect 5 "unknown key type" -l -f "$OBJ/$k"
done
# An ssh-style public key line is a foreign type, not garbage.
printf 'ssh-ed25519 %s user@host\n' \
    "$(head -c 51 /dev/urandom | base64 -w0)" > "$OBJ/ssh.pub"
expect 5 "unknown key type" -l -f "$OBJ/ssh.pub"

# Usage errors.
expect 1 "usage" -t dsa -f "$OBJ/x"
expect 1 "usage" -Z
expect 1 "usage" -l
[ ! -e "$OBJ/x" ] || fail "usage error wrote a key"
"$METASAFE_KEYGEN" -h 2>&1 | grep -q "5 unknown key type" ||
    fail "usage does not document the exit codes"
exit 0
