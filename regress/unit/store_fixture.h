/*
 * store_fixture.h — what the test_store_*.c tests share.
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <stddef.h>

/*
 * A fresh private directory /tmp/ms-test-NAME.XXXXXX into tmp (len
 * bytes); 0, or -1 when it cannot be made.
 */
int	store_fixture_mkdtemp(char *tmp, size_t len, const char *name);
/* Remove a test's temporary directory and everything below it. */
void	store_fixture_rm_rf(const char *dir);

#endif /* STORE_FIXTURE_H */
