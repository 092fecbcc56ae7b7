/*
 * store_fixture.h — what the test_store_*.c tests share.
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

/* Remove a test's temporary directory and everything below it. */
void	store_fixture_rm_rf(const char *dir);

#endif /* STORE_FIXTURE_H */
