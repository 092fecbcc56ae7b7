/*
 * sc_blobs.c — scenarios that replay and move SECURE crypto blobs.
 */
#include "hostile.h"

/* ------------------------------------------------------ scenarios: blobs */

static void
seal_blob(const char *path, const char *record, uint32_t handle,
    const char *value)
{
	int r;

	msbuf_reset(hc.blob);
	if ((r = ms_blob_seal(&hc.btx, path, record, handle,
	    (const u_char *)value, strlen(value), hc.blob)) != 0)
		local_err(r, "seal blob");
}

/* A SET the server must refuse with INVALID_ARGUMENT (9). */
static void
refused_set(uint32_t handle, const char *record, const char *what)
{
	uint32_t st;

	st = op_set_blob(handle, record, hc.blob);
	if (st != MS_ST_INVALID_ARGUMENT)
		finish(EXIT_FAIL, "%s: SET answered %s, want INVALID_ARGUMENT",
		    what, ms_status_str(st));
	note("%s: INVALID_ARGUMENT", what);
}

void
sc_blob_moved(void)
{
	char p[MS_PATH_MAX + 1], q[MS_PATH_MAX + 1];
	uint32_t hw, hq, hr, st;
	struct msbuf *first;
	int match;

	if (snprintf(p, sizeof(p), "%s/p", hc.path) >= (int)sizeof(p) ||
	    snprintf(q, sizeof(q), "%s/q", hc.path) >= (int)sizeof(q) ||
	    ms_path_valid(p, strlen(p)) != 0)
		finish(EXIT_LOCAL, "bad -P path %s", hc.path);
	login();
	trail_reset();
	if ((st = op_open(p, MS_ACCESS_WRITE, &hw)) != MS_ST_OK ||
	    (st = op_open(q, MS_ACCESS_WRITE, &hq)) != MS_ST_OK)
		finish(EXIT_FAIL, "OPEN for writing answered %s (needs w)",
		    ms_status_str(st));

	/* A correct SECURE SET: blob_seq 0, for (p, A, hw). */
	seal_blob(p, "A", hw, VAL_A);
	if ((first = msbuf_dup(hc.blob)) == NULL)
		finish(EXIT_LOCAL, "out of memory");
	if ((st = op_set_blob(hw, "A", hc.blob)) != MS_ST_OK) {
		msbuf_free(first);
		finish(EXIT_FAIL, "valid SECURE SET answered %s",
		    ms_status_str(st));
	}
	note("SET %s A: OK", p);

	/* The same bytes again, for B: blob_seq 0 is spent. */
	msbuf_reset(hc.blob);
	if (msbuf_putb(hc.blob, first) != 0)
		finish(EXIT_LOCAL, "copy blob");
	msbuf_free(first);
	refused_set(hw, "B", "replayed blob for B");
	hc.btx.seq++;	/* the server consumed a number (9) */

	/* Fresh sequence number, sealed for A, sent for B. */
	seal_blob(p, "A", hw, VAL_X);
	refused_set(hw, "B", "blob for A sent for B");
	/* Sealed for another path and handle. */
	seal_blob(q, "A", hq, VAL_X);
	refused_set(hw, "A", "blob for q sent for p");
	/* Same path and record, another handle. */
	seal_blob(p, "A", hq, VAL_X);
	refused_set(hw, "A", "blob for another handle");

	/* Counters must still be in step: the next good blob is taken. */
	seal_blob(p, "C", hw, VAL_C);
	if ((st = op_set_blob(hw, "C", hc.blob)) != MS_ST_OK)
		finish(EXIT_FAIL, "%s; then a valid blob answered %s (blob "
		    "counters out of step)", trail(), ms_status_str(st));
	note("SET C: OK");

	/* Nothing the refused SETs carried was stored. */
	if ((st = op_open(p, MS_ACCESS_READ, &hr)) != MS_ST_OK)
		finish(EXIT_FAIL, "OPEN %s READ answered %s", p,
		    ms_status_str(st));
	if ((st = op_get_check(p, hr, "B", "", &match)) != MS_ST_RECORD_NOT_FOUND)
		finish(EXIT_FAIL, "%s; GET B answered %s: something was "
		    "stored", trail(), ms_status_str(st));
	note("GET B: RECORD_NOT_FOUND");
	if ((st = op_get_check(p, hr, "A", VAL_A, &match)) != MS_ST_OK ||
	    match != 1)
		finish(EXIT_FAIL, "%s; GET A answered %s, value %s", trail(),
		    ms_status_str(st), match == 1 ? "intact" :
		    match == 0 ? "CHANGED" : "in a bad blob");
	note("GET A: intact");
	if ((st = op_get_check(p, hr, "C", VAL_C, &match)) != MS_ST_OK ||
	    match != 1)
		finish(EXIT_FAIL, "%s; GET C answered %s", trail(),
		    ms_status_str(st));
	if ((st = op_open(q, MS_ACCESS_READ, &hr)) != MS_ST_PATH_NOT_FOUND)
		finish(EXIT_FAIL, "%s; OPEN %s READ answered %s, want "
		    "PATH_NOT_FOUND", trail(), q, ms_status_str(st));
	note("%s: PATH_NOT_FOUND", q);
	finish(EXIT_PASS, "%s", trail());
}
