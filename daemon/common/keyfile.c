/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keyfile.c: the device's secret key files.  Created once with fresh
 * random bytes through the atomic writer (mode 0600, never replacing a key
 * that appeared meanwhile), or installed so by a restore, and refused when
 * they are not what a key file must be: a regular file of the right size
 * that only its owner reads.
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "log.h"

#define KEY_MODE 0600 /* owner only */

/* Reads exactly CRYPTO_KEY_BYTES from an existing key file. */
static int key_load(const char *path, int fd, uint8_t key[CRYPTO_KEY_BYTES])
{
	uint8_t buf[CRYPTO_KEY_BYTES];
	struct stat sb;
	size_t got = 0;

	if (fstat(fd, &sb) != 0) {
		int rc = -errno;

		log_errno(rc, "%s: cannot stat key file", path);
		return rc;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_warnx("%s: key file is not a regular file", path);
		return -EINVAL;
	}
	if (sb.st_size != CRYPTO_KEY_BYTES) {
		log_warnx(
			"%s: key file has %lld bytes, expected %d; refusing it",
			path, (long long)sb.st_size, CRYPTO_KEY_BYTES);
		return -EINVAL;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx(
			"%s: key file mode %04o lets group or others read it; "
			"chmod 600 it",
			path, (unsigned int)(sb.st_mode & 07777));
		return -EPERM;
	}
	while (got < sizeof(buf)) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = n < 0 ? -errno : -EINVAL;

			log_errno(rc, "%s: cannot read key file", path);
			explicit_bzero(buf, sizeof(buf));
			return rc;
		}
		got += (size_t)n;
	}
	memcpy(key, buf, sizeof(buf));
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/*
 * Creates path with fresh random bytes through the atomic writer, never
 * replacing: -EEXIST if path appeared meanwhile.
 */
static int key_create(const char *path)
{
	uint8_t key[CRYPTO_KEY_BYTES];
	int rc;

	crypto_random(key, sizeof(key));
	rc = atomicfile_write(path, KEY_MODE, ATOMICFILE_NOREPLACE, key,
			      sizeof(key));
	explicit_bzero(key, sizeof(key));
	return rc;
}

int keyfile_load_or_create(const char *path, uint8_t key[CRYPTO_KEY_BYTES])
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		rc = key_create(path);
		if (rc != 0 && rc != -EEXIST) {
			log_errno(rc, "%s: cannot create key file", path);
			return rc;
		}
		if (rc == 0)
			log_info("%s: created a new key file", path);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0) {
		rc = -errno;
		log_errno(rc, "%s: cannot open key file", path);
		return rc;
	}
	rc = key_load(path, fd, key);
	close(fd);
	return rc;
}

int keyfile_load(const char *path, uint8_t key[CRYPTO_KEY_BYTES])
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = -errno;
		log_errno(rc, "%s: cannot open key file", path);
		return rc;
	}
	rc = key_load(path, fd, key);
	close(fd);
	return rc;
}

int keyfile_install(const char *path, const uint8_t key[CRYPTO_KEY_BYTES])
{
	return atomicfile_write(path, KEY_MODE, ATOMICFILE_NOREPLACE, key,
				CRYPTO_KEY_BYTES);
}

int keyfile_devkey_load_or_create(const char *path, struct crypto_devkey *out)
{
	uint8_t seed[CRYPTO_KEY_BYTES];
	int rc;

	rc = keyfile_load_or_create(path, seed);
	if (rc != 0)
		return rc;
	crypto_devkey_from_seed(seed, out);
	explicit_bzero(seed, sizeof(seed));
	return 0;
}
