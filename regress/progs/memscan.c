/*
 * memscan — search a live process's memory for byte strings (test only).
 *
 *	memscan [-a N] PID NEEDLEFILE...
 *
 * Each NEEDLEFILE holds raw bytes (e.g. a 32-byte private key).  Every
 * readable mapping of PID is read through /proc/PID/mem and searched.
 * Prints "found NEEDLEFILE at ADDR (MAPPING)" or "absent NEEDLEFILE" for
 * each, and exits 0 if all needles are absent, 1 if any was found, 2 on
 * error (the caller must be able to ptrace PID: root, as in the suite).
 * With -a N every occurrence is reported, each followed by the N bytes
 * after it in hex ("after NEEDLEFILE at ADDR: HEX"): how a test finds a
 * random key stored next to a public id.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEEDLE_MAX	4096
#define CHUNK		(1024 * 1024)
/*
 * Larger mappings are sanitizer shadow memory or reserved arenas (ASan maps
 * terabytes of never-touched zero pages); keys live in the heap, stacks and
 * data segments, all far smaller.  Skipped mappings are reported.
 */
#define MAPPING_MAX	(1024ULL * 1024 * 1024)

struct needle {
	const char	*name;
	u_char		 bytes[NEEDLE_MAX];
	size_t		 len;
	int		 found;
};

static int
load_needle(struct needle *n, const char *path)
{
	FILE *f;

	n->name = path;
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	n->len = fread(n->bytes, 1, sizeof(n->bytes), f);
	fclose(f);
	return n->len >= 8 ? 0 : -1;	/* too short a needle proves nothing */
}

static size_t after_len;	/* -a */
static int mem_fd = -1;

static void
print_after(const struct needle *n, uintmax_t addr)
{
	u_char tail[256];
	size_t i;

	if (pread(mem_fd, tail, after_len, (off_t)(addr + n->len)) !=
	    (ssize_t)after_len)
		return;
	printf("after %s at 0x%jx: ", n->name, addr);
	for (i = 0; i < after_len; i++)
		printf("%02x", tail[i]);
	printf("\n");
}

/* Search [buf, buf+len); 'overlap' bytes of the previous chunk precede it. */
static void
search(struct needle *nv, int nn, const u_char *buf, size_t len,
    uintmax_t base, const char *mapname)
{
	static uintmax_t last_after[64];
	int i;
	size_t off;

	for (i = 0; i < nn; i++) {
		if ((nv[i].found && after_len == 0) || len < nv[i].len)
			continue;
		for (off = 0; off + nv[i].len <= len; off++) {
			if (buf[off] == nv[i].bytes[0] &&
			    memcmp(buf + off, nv[i].bytes, nv[i].len) == 0) {
				if (!nv[i].found)
					printf("found %s at 0x%jx (%s)\n",
					    nv[i].name, base + off, mapname);
				nv[i].found = 1;
				if (after_len == 0)
					break;
				/* The chunk overlap may show it again. */
				if (base + off != last_after[i])
					print_after(&nv[i], base + off);
				last_after[i] = base + off;
			}
		}
	}
}

static int
scan_mapping(int memfd, uintmax_t start, uintmax_t end, struct needle *nv,
    int nn, const char *mapname, u_char *buf)
{
	uintmax_t pos;
	ssize_t got;
	size_t keep = NEEDLE_MAX;

	/* Read in chunks; keep a needle-sized tail so matches can straddle. */
	for (pos = start; pos < end; pos += CHUNK) {
		size_t want = end - pos > CHUNK ? CHUNK : (size_t)(end - pos);
		size_t prefix = pos == start ? 0 : keep;

		if (prefix)
			memmove(buf, buf + CHUNK, prefix);
		got = pread(memfd, buf + prefix, want, (off_t)pos);
		if (got <= 0)
			return 0;	/* unreadable page ranges are skipped */
		search(nv, nn, buf, prefix + (size_t)got, pos - prefix, mapname);
		if ((size_t)got == want && want == CHUNK)
			memcpy(buf + CHUNK, buf + prefix + CHUNK - keep, keep);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct needle *nv;
	char path[64], line[1024], perms[8], mapname[512];
	uintmax_t start, end;
	u_char *buf;
	FILE *maps;
	const char *errstr = NULL;
	int memfd, i, nn, any = 0;

	if (argc > 2 && strcmp(argv[1], "-a") == 0) {
		after_len = (size_t)strtonum(argv[2], 1, 256, &errstr);
		if (errstr != NULL)
			return 2;
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || argc - 2 > 64) {
		fprintf(stderr, "usage: memscan [-a N] PID NEEDLEFILE...\n");
		return 2;
	}
	nn = argc - 2;
	if ((nv = calloc((size_t)nn, sizeof(*nv))) == NULL ||
	    (buf = malloc(CHUNK + NEEDLE_MAX + CHUNK)) == NULL)
		return 2;
	for (i = 0; i < nn; i++) {
		if (load_needle(&nv[i], argv[i + 2]) != 0) {
			fprintf(stderr, "memscan: bad needle %s\n", argv[i + 2]);
			return 2;
		}
	}
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	if ((maps = fopen(path, "r")) == NULL) {
		fprintf(stderr, "memscan: %s: %s\n", path, strerror(errno));
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/mem", argv[1]);
	if ((memfd = open(path, O_RDONLY)) == -1) {
		fprintf(stderr, "memscan: %s: %s\n", path, strerror(errno));
		return 2;
	}
	mem_fd = memfd;
	while (fgets(line, sizeof(line), maps) != NULL) {
		mapname[0] = '\0';
		if (sscanf(line, "%jx-%jx %7s %*s %*s %*s %511[^\n]", &start,
		    &end, perms, mapname) < 3)
			continue;
		if (perms[0] != 'r' || strstr(mapname, "[vvar]") != NULL)
			continue;
		if (end - start > MAPPING_MAX) {
			printf("skipped %jx-%jx (%ju MiB) %s\n", start, end,
			    (end - start) >> 20, mapname);
			continue;
		}
		scan_mapping(memfd, start, end, nv, nn,
		    mapname[0] ? mapname : "anon", buf);
	}
	fclose(maps);
	close(memfd);
	for (i = 0; i < nn; i++) {
		if (!nv[i].found)
			printf("absent %s\n", nv[i].name);
		any |= nv[i].found;
	}
	free(nv);
	free(buf);
	return any ? 1 : 0;
}
