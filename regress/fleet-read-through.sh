#!/bin/bash
# Two hosts on one etcd cluster: what one writes, plain and SECURE, the
# other reads byte for byte, at the same version and mtime, and versions
# go on counting across hosts; a third host added later serves it all.
. "$(dirname "$0")/test-exec.sh"
. "$SRCDIR/lib/etcd.sh"
. "$SRCDIR/lib/fleet.sh"
tid "fleet: a value set through host A is read through host B"

etcd_cluster_start
fleet_init
fleet_up A
fleet_up B

head -c 4096 /dev/urandom > "$OBJ/plain.val"
head -c 8192 /dev/urandom > "$OBJ/secure.val"
printf 'a\0b\0\n\377' > "$OBJ/nul.val"
msh A set /fleet/rt plain < "$OBJ/plain.val" || fail "A: set plain ($?)"
msh A set -s /fleet/rt secure < "$OBJ/secure.val" || fail "A: set -s ($?)"
msh A set -s /fleet/rt nul < "$OBJ/nul.val" || fail "A: set -s nul ($?)"

for r in plain:plain.val secure:secure.val nul:nul.val; do
	rec=${r%%:*}
	msh B get /fleet/rt "$rec" > "$OBJ/B.$rec" 2>> "$TEST_LOG" ||
	    fail "B: get $rec failed"
	cmp -s "$OBJ/B.$rec" "$OBJ/${r#*:}" ||
	    fail "B read other bytes for $rec than A wrote"
done

# The same listing, versions and mtimes included, through both hosts.
msh A ls -l /fleet/rt > "$OBJ/ls.A" || fail "A: ls -l"
msh B ls -l /fleet/rt > "$OBJ/ls.B" || fail "B: ls -l"
[ "$(grep -c '^record' "$OBJ/ls.A")" -eq 3 ] ||
    fail "A lists other than 3 records: $(cat "$OBJ/ls.A")"
cmp -s "$OBJ/ls.A" "$OBJ/ls.B" ||
    fail "A and B list differently: A: $(cat "$OBJ/ls.A") B: $(cat "$OBJ/ls.B")"
grep -Eq '^record +- +1 [0-9T:Z-]+ plain$' "$OBJ/ls.B" ||
    fail "B: plain is not a plain record at version 1: $(cat "$OBJ/ls.B")"
grep -Eq '^record +secure[a-z,]* +1 [0-9T:Z-]+ secure$' "$OBJ/ls.B" ||
    fail "B: secure is not SECURE at version 1: $(cat "$OBJ/ls.B")"
msh B ls /fleet/rt > "$OBJ/lsshort.B" || fail "B: ls"
msh A ls /fleet/rt > "$OBJ/lsshort.A" || fail "A: ls"
cmp -s "$OBJ/lsshort.A" "$OBJ/lsshort.B" ||
    fail "ls differs: A: $(cat "$OBJ/lsshort.A") B: $(cat "$OBJ/lsshort.B")"

# Written again through B: A reads B's bytes, and the version is 2 on both.
head -c 300 /dev/urandom > "$OBJ/secure2.val"
msh B set -s /fleet/rt secure < "$OBJ/secure2.val" || fail "B: set -s ($?)"
printf 'from B' | msh B set /fleet/rt plain || fail "B: set plain ($?)"
msh A get /fleet/rt secure > "$OBJ/A.secure2" || fail "A: get secure"
cmp -s "$OBJ/A.secure2" "$OBJ/secure2.val" || fail "A did not read B's SECURE write"
[ "$(msh A get /fleet/rt plain)" = "from B" ] || fail "A did not read B's plain write"
for h in A B; do
	msh $h ls -l /fleet/rt > "$OBJ/ls2.$h" || fail "$h: ls -l after B's writes"
	grep -Eq '^record +secure[a-z,]* +2 [0-9T:Z-]+ secure$' "$OBJ/ls2.$h" ||
	    fail "$h: secure is not at version 2: $(cat "$OBJ/ls2.$h")"
	grep -Eq '^record +- +2 [0-9T:Z-]+ plain$' "$OBJ/ls2.$h" ||
	    fail "$h: plain is not at version 2: $(cat "$OBJ/ls2.$h")"
done
cmp -s "$OBJ/ls2.A" "$OBJ/ls2.B" || fail "A and B list differently after B's writes"

# A host added later (README, "Adding a host": the store key copied, its
# own host keys, the same etcd settings) serves everything at once.
fleet_up C
msh C get /fleet/rt secure > "$OBJ/C.secure2" || fail "C: get secure"
cmp -s "$OBJ/C.secure2" "$OBJ/secure2.val" || fail "the added host C read other SECURE bytes"
msh C ls -l /fleet/rt > "$OBJ/ls2.C" || fail "C: ls -l"
cmp -s "$OBJ/ls2.A" "$OBJ/ls2.C" || fail "A and the added host C list differently"
cmp -s "$(fleet_dir A)/keys/host_sig_key.pub" "$(fleet_dir C)/keys/host_sig_key.pub" &&
    fail "hosts A and C have one host key"

# A delete through A is gone for B.
msh A rm /fleet/rt nul || fail "A: rm nul"
msh B get /fleet/rt nul > /dev/null 2>&1
st=$?
[ $st -eq 5 ] || fail "B: get of the record A deleted: exit $st, want 5"
exit 0
