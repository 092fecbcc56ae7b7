#!/bin/bash
# metasafe(1) and libmetasafe(3) document exactly the -o options the
# library accepts.
#
# metasafe_opts_set() in client/opts.c recognises each keyword with
# KEY_IS("Keyword"); those are the options.  A sanity check makes sure
# the extraction found the well-known ones.  In metasafe(1) each option
# must be named (.Cm Keyword), and every ".It Cm Keyword Ns =" item of the
# page must be an option the library accepts.  libmetasafe(3) must name
# each option in its description of metasafe_opts_set().
# Finally the real client is asked: a made-up option is refused as
# "bad option", an option from the list with a valid value is not.
. "$(dirname "$0")/test-exec.sh"
tid "metasafe(1) lists every -o option"

need_tool grep sed sort
need_prog "$METASAFE"

OPTS=$TOP/client/opts.c
PAGE=$TOP/man/metasafe.1
LIBPAGE=$TOP/man/libmetasafe.3
for f in "$OPTS" "$PAGE" "$LIBPAGE"; do
	[ -f "$f" ] || fatal "$f not found"
done

grep -o 'KEY_IS("[A-Za-z]*")' "$OPTS" | sed 's/KEY_IS("\(.*\)")/\1/' |
    sort -u > "$OBJ/lib.opts"
for k in KnownHostsFile StrictHostKeyChecking CertificateFile CAFile \
    Ciphers ConnectTimeout; do
	grep -qx "$k" "$OBJ/lib.opts" ||
	    fatal "option $k not found in $OPTS; KEY_IS() no longer used?"
done

while read -r k; do
	grep -Eq "^\.(It )?Cm $k( |$)|[ ]Cm $k( |$)" "$PAGE" ||
	    fail "metasafe.1 does not document -o $k"
	grep -Eq "^\.Cm $k( |$)" "$LIBPAGE" ||
	    fail "libmetasafe.3 does not name $k for metasafe_opts_set()"
done < "$OBJ/lib.opts"

sed -n 's/^\.It Cm \([A-Za-z]*\) Ns = .*/\1/p' "$PAGE" | sort -u > "$OBJ/page.opts"
[ -s "$OBJ/page.opts" ] || fail "no .It Cm Keyword Ns = items in metasafe.1"
while read -r k; do
	grep -qx "$k" "$OBJ/lib.opts" ||
	    fail "metasafe.1 documents -o $k, which the library does not accept"
done < "$OBJ/page.opts"

# The client itself: unknown options are refused before anything else.
"$METASAFE" -o NoSuchOptionForTheManTest=1 status > "$OBJ/bad.out" 2>&1 &&
    fail "metasafe accepted a made-up -o option"
grep -q 'bad option' "$OBJ/bad.out" ||
    fail "made-up -o option not reported as bad: $(cat "$OBJ/bad.out")"
# ConnectTimeout=1 is valid; the command then fails later (no server on
# port 1), but not with "bad option".
"$METASAFE" -p 1 -i "$OBJ/none" -o ConnectTimeout=1 status \
    > "$OBJ/good.out" 2>&1
grep -q 'bad option' "$OBJ/good.out" &&
    fail "metasafe refused -o ConnectTimeout=1: $(cat "$OBJ/good.out")"
true
