/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the systemd notify protocol (notify.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fakes/testutil.h"
#include "notify.h"

static void test_notify_without_socket_is_a_noop(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_send("READY=1"), 0);
}

/* Plays systemd: a datagram socket bound in dir, named in NOTIFY_SOCKET. */
static int bind_notify(const char *dir)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/n.sock", dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	return fd;
}

static void test_notify_datagram_reaches_the_socket(void **state)
{
	char *dir = testutil_tmpdir("notify"), buf[64];
	ssize_t n;
	int fd;

	(void)state;
	fd = bind_notify(dir);
	assert_int_equal(notify_send("READY=1\nSTATUS=ok"), 0);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_int_equal(n, 17);
	buf[n] = '\0';
	assert_string_equal(buf, "READY=1\nSTATUS=ok");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
	testutil_rmtree_free(dir);
}

/* Regression: a reader that stops reading (systemd busy, a test that
 * stopped draining) must not block the daemon's main loop in sendto. */
static void test_notify_full_queue_drops_instead_of_blocking(void **state)
{
	char *dir = testutil_tmpdir("notify");
	int fd, rc = 0;

	(void)state;
	fd = bind_notify(dir);
	for (int i = 0; i < 100000 && rc == 0; i++)
		rc = notify_send("WATCHDOG=1");
	assert_int_equal(rc, -EAGAIN);
	close(fd);
	unsetenv("NOTIFY_SOCKET");
	testutil_rmtree_free(dir);
}

static void test_notify_relative_socket_is_einval(void **state)
{
	(void)state;
	setenv("NOTIFY_SOCKET", "relative.sock", 1);
	assert_int_equal(notify_send("READY=1"), -EINVAL);
	unsetenv("NOTIFY_SOCKET");
}

static void test_notify_watchdog_honours_pid(void **state)
{
	char pid[32];

	(void)state;
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "30000000", 1);
	assert_int_equal(notify_watchdog_usec(), 30000000);
	snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(notify_watchdog_usec(), 0);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(notify_watchdog_usec(), 30000000);
	setenv("WATCHDOG_USEC", "30s", 1);
	assert_int_equal(notify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(notify_watchdog_usec(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_without_socket_is_a_noop),
		cmocka_unit_test(test_notify_datagram_reaches_the_socket),
		cmocka_unit_test(
			test_notify_full_queue_drops_instead_of_blocking),
		cmocka_unit_test(test_notify_relative_socket_is_einval),
		cmocka_unit_test(test_notify_watchdog_honours_pid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
