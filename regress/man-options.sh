#!/bin/bash
# Each program's man page describes exactly the options its getopt() takes.
#
# The programs are found, not listed: every C file outside regress/ that
# calls getopt(argc, argv, "...") is a program's main, named after the
# file (keygen/metasafe-keygen.c is metasafe-keygen), and its page is
# man/NAME.1 or man/NAME.8.  metasafed, metasafe and metasafe-keygen must
# be among them, so a change in how getopt is called cannot make this
# test check nothing.  The option letters are those of every getopt
# string in the file ('+' and ':' dropped), and of a flag the program
# takes alone before getopt (strcmp(argv[1], "-V") == 0).
#
# In the page, the options are the ".It Fl X" items (one letter) of the
# first-level lists of the DESCRIPTION section.  Every getopt letter must
# have such an item, and every such item must be a getopt letter.
# Options of subcommands (metasafe set -s, ls -l) are described under
# COMMANDS, outside this check.
. "$(dirname "$0")/test-exec.sh"
tid "man pages describe every command-line option"

need_tool awk grep sed sort tr fold find

find "$TOP" -path "$TOP/regress" -prune -o -path "$TOP/build" -prune -o \
    -name '*.c' -type f -print | sort > "$OBJ/sources"
: > "$OBJ/programs"
while read -r src; do
	# The getopt strings, with the call joined onto one line first.
	tr '\n' ' ' < "$src" |
	    grep -o 'getopt[[:space:]]*([^,]*,[^,]*,[[:space:]]*"[^"]*"' |
	    sed 's/.*"\([^"]*\)"$/\1/' > "$OBJ/optstrings"
	[ -s "$OBJ/optstrings" ] || continue
	# A flag taken alone before getopt, as -V: strcmp(argv[1], "-V").
	tr '\n' ' ' < "$src" |
	    grep -o 'strcmp(argv\[1\],[[:space:]]*"-[A-Za-z0-9]")' |
	    sed 's/.*"-\(.\)")$/\1/' >> "$OBJ/optstrings"
	prog=$(basename "$src" .c)
	letters=$(tr -d '+:\n' < "$OBJ/optstrings" | fold -w1 | sort -u |
	    tr -d '\n')
	printf '%s %s %s\n' "$prog" "$src" "$letters" >> "$OBJ/programs"
done < "$OBJ/sources"
trace "programs: $(tr '\n' ';' < "$OBJ/programs")"

for p in metasafed metasafe metasafe-keygen; do
	grep -q "^$p " "$OBJ/programs" ||
	    fail "no getopt() string found for $p; the source layout changed?"
done

while read -r prog src letters; do
	page=
	for s in 1 8; do
		[ -f "$TOP/man/$prog.$s" ] && page=$TOP/man/$prog.$s
	done
	if [ -z "$page" ]; then
		fail "$prog ($src) has no man page man/$prog.1 or man/$prog.8"
		continue
	fi
	awk '
		/^\.Sh/ { insec = ($0 == ".Sh DESCRIPTION"); depth = 0; next }
		!insec { next }
		/^\.Bl/ { depth++; next }
		/^\.El/ { depth--; next }
		depth == 1 && /^\.It[ \t]+Fl[ \t]+[A-Za-z0-9]([ \t]|$)/ {
			print substr($3, 1, 1)
		}
	' "$page" | sort -u > "$OBJ/page.opts"
	[ -s "$OBJ/page.opts" ] ||
	    fail "$(basename "$page"): no .It Fl items in DESCRIPTION"
	for l in $(printf '%s' "$letters" | fold -w1); do
		grep -qx -- "$l" "$OBJ/page.opts" ||
		    fail "$(basename "$page"): option -$l of $prog is not described (.It Fl $l)"
	done
	while read -r l; do
		case "$letters" in
		*"$l"*) ;;
		*) fail "$(basename "$page"): describes -$l, which $prog does not take (getopt \"$letters\")" ;;
		esac
	done < "$OBJ/page.opts"
done < "$OBJ/programs"
