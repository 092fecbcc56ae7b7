/*
 * pkeyeq.c — an LD_PRELOAD shim for tests and the bench: every public key
 * "equals" every other (EVP_PKEY_eq), which disables the client's check
 * that a certificate matches its identity key, so the real handshake code
 * sends one key's certificate with another key's signature.
 */
int	EVP_PKEY_eq(const void *a, const void *b);

int
EVP_PKEY_eq(const void *a, const void *b)
{
	(void)a;
	(void)b;
	return 1;
}
