/*
 * names.c — principal, group, who and rights syntax (PROTOCOL.md 8).
 *
 * The one place these rules live: the client checks what it sends, the
 * worker what it forwards and the monitor what it stores, all here.
 * Character classes are explicit ASCII ranges, not <ctype.h>, whose answer
 * depends on the locale.
 */

#include <sys/types.h>

#include <string.h>

#include "errors.h"
#include "names.h"

static const struct {
	char	letter;
	uint8_t	bit;
} rights_letters[] = {		/* in canonical order */
	{ 'r', MS_RIGHT_READ },
	{ 's', MS_RIGHT_SECURE },
	{ 'w', MS_RIGHT_WRITE },
	{ 'l', MS_RIGHT_LIST },
	{ 'a', MS_RIGHT_ADMIN },
};
#define NLETTERS (sizeof(rights_letters) / sizeof(rights_letters[0]))

static int
name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	    c == '-';
}

int
ms_principal_valid(const char *name)
{
	size_t i, len;

	if (name == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	len = strnlen(name, MS_PRINCIPAL_MAX + 1);
	if (len == 0 || len > MS_PRINCIPAL_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	for (i = 0; i < len; i++) {
		if (!name_char(name[i]))
			return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

static int
unit_char(char c)
{
	return name_char(c) || c == ':' || c == '\\';
}

int
ms_unit_principal_valid(const char *who)
{
	size_t i, len;

	if (who == NULL ||
	    strncmp(who, MS_ACL_UNIT_PREFIX, MS_ACL_UNIT_PREFIX_LEN) != 0)
		return MS_ERR_INVALID_ARGUMENT;
	who += MS_ACL_UNIT_PREFIX_LEN;
	len = strnlen(who, MS_PRINCIPAL_MAX + 1);
	if (len == 0 || len > MS_PRINCIPAL_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	for (i = 0; i < len; i++) {
		if (!unit_char(who[i]))
			return MS_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

int
ms_acl_who_valid(const char *who)
{
	if (who == NULL)
		return MS_ERR_INVALID_ARGUMENT;
	if (strncmp(who, MS_ACL_UNIT_PREFIX, MS_ACL_UNIT_PREFIX_LEN) == 0)
		return ms_unit_principal_valid(who);
	if (strncmp(who, MS_ACL_GROUP_PREFIX, MS_ACL_GROUP_PREFIX_LEN) == 0)
		who += MS_ACL_GROUP_PREFIX_LEN;
	return ms_principal_valid(who);
}

int
ms_rights_parse(const char *s, uint8_t *rightsp)
{
	uint8_t rights = 0;
	size_t i, j;

	if (rightsp != NULL)
		*rightsp = 0;
	if (s == NULL || strnlen(s, MS_RIGHTS_MAX + 1) > MS_RIGHTS_MAX)
		return MS_ERR_INVALID_ARGUMENT;
	for (i = 0; s[i] != '\0'; i++) {
		for (j = 0; j < NLETTERS; j++) {
			if (s[i] == rights_letters[j].letter)
				break;
		}
		if (j == NLETTERS)
			return MS_ERR_INVALID_ARGUMENT;
		rights |= rights_letters[j].bit;
	}
	if (rightsp != NULL)
		*rightsp = rights;
	return 0;
}

void
ms_rights_format(uint8_t rights, char out[MS_RIGHTS_MAX + 1])
{
	size_t i, n = 0;

	for (i = 0; i < NLETTERS; i++) {
		if ((rights & rights_letters[i].bit) != 0)
			out[n++] = rights_letters[i].letter;
	}
	out[n] = '\0';
}
