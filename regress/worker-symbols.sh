#!/bin/bash
# I1 at build time: metasafe-worker links no code that loads a private key
# or a store key and no store code.  nm shows none of those functions
# defined in the worker, no reference to OpenSSL's private-key decoders or
# to LMDB, and the worker does not even need liblmdb.  The same checks on
# metasafed find them, which proves the patterns work.
. "$(dirname "$0")/test-exec.sh"
tid "metasafe-worker links no key loading and no store code (nm)"
need_prog "$WORKER" "$METASAFED"
need_tool nm readelf ld

# Functions of ours that load or save private keys or store keys, and the
# store (keys/, monitor/store*.c), and LMDB itself.
DEFINED_BAD='^(ms_key_load_private|ms_key_save_private|ms_key_is_encrypted|ms_pem_|ms_store_|mdb_)'
# What loading a private key needs from libcrypto, and LMDB.
UNDEF_BAD='^(PEM_read_bio_PrivateKey|PEM_read_bio_PKCS8|d2i_PKCS8|d2i_PrivateKey|d2i_AutoPrivateKey|PKCS8_|EVP_PKCS82PKEY|OSSL_DECODER_|mdb_)'

# defined BINARY / undefined BINARY: symbol names, one a line, without
# the @VERSION of dynamic symbols.
defined() {
	nm -C --defined-only "$1" | awk 'NF >= 3 { print $3 }' |
	    sed 's/@.*//' | sort -u
}
undefined() {
	nm -u "$1" | awk '{ print $NF }' | sed 's/@.*//' | sort -u
}

# own_undefined BINARY: what the worker's own code references.  A dynamic
# worker's undefined symbols are exactly that.  A static-PIE worker (the
# default, GNUmakefile WORKER_STATIC) has libcrypto inside it, its
# decoders included, and nothing undefined: there the worker's objects
# are linked alone (ld -r pulls the archive members the real link pulls)
# and that object's undefined symbols are what our code asks libcrypto,
# libc, libbsd and libseccomp for.
own_undefined() {
	if readelf -lW "$1" | grep -q 'INTERP'; then
		undefined "$1"
		return
	fi
	_d=$(dirname "$1")
	ld -r -o "$OBJ/own.o" "$_d/obj/worker/metasafe-worker.o" \
	    "$_d/lib/libmsworker.a" "$_d/lib/libmssandbox.a" \
	    "$_d/lib/libmscommon.a" && undefined "$OBJ/own.o"
}

# check_worker BINARY: no forbidden symbol, no liblmdb.
check_worker() {
	_w=$1 _n=$(basename "$(dirname "$1")")
	defined "$_w" > "$OBJ/def.$_n" && own_undefined "$_w" > "$OBJ/undef.$_n" ||
	    fatal "nm failed on $_w"
	# An empty list would make every check below pass.
	grep -qx 'main' "$OBJ/def.$_n" || fatal "nm shows no main in $_w"
	grep -qx 'msbuf_get_u32' "$OBJ/def.$_n" ||
	    fatal "nm shows no msbuf_get_u32 in $_w"
	[ -s "$OBJ/undef.$_n" ] || fatal "nm shows no undefined symbol in $_w"
	if grep -E "$DEFINED_BAD" "$OBJ/def.$_n" > "$OBJ/bad.$_n"; then
		fail "$_w defines key-loading or store code: $(tr '\n' ' ' < "$OBJ/bad.$_n")"
	fi
	if grep -E "$UNDEF_BAD" "$OBJ/undef.$_n" > "$OBJ/badu.$_n"; then
		fail "$_w references key-loading or LMDB code: $(tr '\n' ' ' < "$OBJ/badu.$_n")"
	fi
	if readelf -d "$_w" | grep 'NEEDED' | grep -q 'liblmdb'; then
		fail "$_w needs liblmdb"
	fi
	trace "$_w: $(wc -l < "$OBJ/def.$_n") defined, $(wc -l < "$OBJ/undef.$_n") undefined symbols checked"
}

# The control: the monitor has each kind of symbol the patterns look for.
defined "$METASAFED" > "$OBJ/def.metasafed" &&
    undefined "$METASAFED" > "$OBJ/undef.metasafed" || fatal "nm failed on $METASAFED"
for s in ms_key_load_private ms_store_key_load ms_store_open ms_pem_read_file; do
	grep -qx "$s" "$OBJ/def.metasafed" ||
	    fail "control: $s not defined in metasafed"
	printf '%s\n' "$s" | grep -Eq "$DEFINED_BAD" ||
	    fail "control: the pattern does not match $s"
done
for s in d2i_PKCS8_PRIV_KEY_INFO OSSL_DECODER_CTX_new_for_pkey mdb_env_open; do
	grep -qx "$s" "$OBJ/undef.metasafed" ||
	    fail "control: metasafed does not reference $s"
	printf '%s\n' "$s" | grep -Eq "$UNDEF_BAD" ||
	    fail "control: the pattern does not match $s"
done
readelf -d "$METASAFED" | grep 'NEEDED' | grep -q 'liblmdb' ||
    fail "control: metasafed does not need liblmdb"

check_worker "$WORKER"
# The other build flavours' workers too, when they were linked by this
# GNUmakefile (an older build dir may predate the split).
for other in "$TOP/build/metasafe-worker" "$TOP/build/sanitize/metasafe-worker" \
    "$TOP/build/clang/metasafe-worker"; do
	[ -x "$other" ] && [ "$other" != "$WORKER" ] || continue
	[ "$other" -nt "$TOP/GNUmakefile" ] || continue
	check_worker "$other"
done
exit 0
