#!/bin/bash
# The store's shared logic (monitor/store_*.c but the backends), its
# sealing (store_seal.c) and the ACL rules (acl.c) do not depend on LMDB,
# so the etcd backend reuses them: their objects reference no mdb_
# function and their sources do not include lmdb.h.  The LMDB backend
# (store_lmdb.c) does, which proves the check works.
. "$(dirname "$0")/test-exec.sh"
tid "only the LMDB backend of the store uses LMDB"
need_tool nm

OBJDIR=$BUILD/obj/monitor
need_file() {
	for _f in "$@"; do
		[ -f "$_f" ] || fatal "missing object $_f (build first)"
	done
}
SHARED="store_seal acl store_open store_tx store_node store_rec store_acl
    store_apply store_log store_migrate store_etcd"
for o in $SHARED store_lmdb; do
	need_file "$OBJDIR/$o.o"
done

for o in $SHARED; do
	nm -u "$OBJDIR/$o.o" > "$OBJ/$o.undef" || fatal "nm $o.o"
	[ -s "$OBJ/$o.undef" ] || fatal "nm shows no reference in $o.o"
	if grep -E ' mdb_' "$OBJ/$o.undef" > "$OBJ/$o.bad"; then
		fail "$o.o uses LMDB: $(tr '\n' ' ' < "$OBJ/$o.bad")"
	fi
	if grep -qE '^#include <lmdb\.h>' "$TOP/monitor/$o.c"; then
		fail "monitor/$o.c includes lmdb.h"
	fi
done
# Control: the LMDB side of the store does reference LMDB.
nm -u "$OBJDIR/store_lmdb.o" | grep -q ' mdb_' ||
    fail "control: store_lmdb.o references no mdb_ function"
grep -qE '^#include <lmdb\.h>' "$TOP/monitor/store_lmdb.c" ||
    fail "control: monitor/store_lmdb.c does not include lmdb.h"
# No header of the store brings LMDB to the files that include it.
if grep -lE '^#include <lmdb\.h>' "$TOP"/monitor/store*.h > "$OBJ/hdr.bad"; then
	fail "store headers include lmdb.h: $(tr '\n' ' ' < "$OBJ/hdr.bad")"
fi
# And sealing is where the store calls the AEAD.
nm -u "$OBJDIR/store_seal.o" | grep -q ' ms_aead_open' ||
    fail "control: store_seal.o does not call ms_aead_open"
exit 0
