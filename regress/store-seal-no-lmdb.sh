#!/bin/bash
# The store's sealing (monitor/store_seal.c) and the ACL rules
# (monitor/acl.c) do not depend on LMDB, so a second store backend can
# reuse them: their objects reference no mdb_ function.  The LMDB files
# of the store do, which proves the check works.
. "$(dirname "$0")/test-exec.sh"
tid "store sealing and ACL rules do not use LMDB"
need_tool nm

OBJDIR=$BUILD/obj/monitor
need_file() {
	for _f in "$@"; do
		[ -f "$_f" ] || fatal "missing object $_f (build first)"
	done
}
need_file "$OBJDIR/store_seal.o" "$OBJDIR/acl.o" "$OBJDIR/store_env.o" \
    "$OBJDIR/store_node.o" "$OBJDIR/store_rec.o"

for o in store_seal acl; do
	nm -u "$OBJDIR/$o.o" > "$OBJ/$o.undef" || fatal "nm $o.o"
	[ -s "$OBJ/$o.undef" ] || fatal "nm shows no reference in $o.o"
	if grep -E ' mdb_' "$OBJ/$o.undef" > "$OBJ/$o.bad"; then
		fail "$o.o uses LMDB: $(tr '\n' ' ' < "$OBJ/$o.bad")"
	fi
	if grep -q 'lmdb\.h' "$TOP/monitor/$o.c"; then
		fail "monitor/$o.c includes lmdb.h"
	fi
done
# Control: the LMDB side of the store does reference LMDB.
for o in store_env store_node store_rec; do
	nm -u "$OBJDIR/$o.o" | grep -q ' mdb_' ||
	    fail "control: $o.o references no mdb_ function"
done
# And sealing is where the store calls the AEAD.
nm -u "$OBJDIR/store_seal.o" | grep -q ' ms_aead_open' ||
    fail "control: store_seal.o does not call ms_aead_open"
exit 0
