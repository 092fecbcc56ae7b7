/*
 * fuzz_msg.c — the handshake messages carried inside records
 * (common/msg_auth.c, msg_certs.c, msg_certs_x509.c, msg_alert.c) without
 * the encryption in the way: input is u8 type || body, the plaintext of
 * one record.  Type 0x95 stands for the cleartext ALERT frame's body;
 * other types parse the body as an AUTH transcript_tail.  See fuzz_msgs.h
 * for the invariants.
 */
#include "fuzz.h"
#include "fuzz_msgs.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_inner(data[0], data + 1, size - 1);
	return 0;
}
