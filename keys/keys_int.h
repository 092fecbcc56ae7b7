/*
 * keys_int.h — shared by the files of keys/ only.
 */
#ifndef MS_KEYS_INT_H
#define MS_KEYS_INT_H

#include <sys/types.h>

/*
 * First PEM block of a file: label and DER (OPENSSL_free the label,
 * OPENSSL_clear_free the DER).  Not PEM, or too large:
 * MS_ERR_KEY_FILE_CORRUPT; PEM headers (legacy encryption):
 * MS_ERR_KEY_TYPE_UNKNOWN.
 */
int	ms_pem_read_file(const char *path, char **namep, u_char **derp,
	    long *derlenp);

#endif /* MS_KEYS_INT_H */
