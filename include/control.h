/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket protocol between presensi (the admin CLI, and test
 * tools) and presensid, the database's only writer.  UNIX stream socket,
 * mode 0660, group presensi-admin.
 *
 * A request is one line: TAB-separated fields, the first the command, the
 * rest "key=value".  Replies are lines of TAB-separated fields whose first
 * field is the line type: "progress" (text), "row" (fields...), "kv" (key,
 * value), then exactly one final "ok" (optionally "key=value" fields) or
 * "err" (errno name, one-line message).  In every field, backslash, TAB,
 * CR and LF are escaped as \\ \t \r \n.  Pure: no GLib.
 */
#ifndef PRESENSI_CONTROL_H
#define PRESENSI_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_LINE_MAX    (256 * 1024) /* a profile or calendar file fits */
#define CONTROL_FIELDS_MAX  32
#define CONTROL_TEXT_MAX    256	   /* a reason, a name, a document number */
#define CONTROL_PATH_MAX    4096   /* a file name sent along with its text */
#define CONTROL_WAIT_MAX_MS 600000 /* longest wait-armed a client may ask */
#define CONTROL_PASS_MAX    1024   /* a backup's passphrase, bytes */

struct control_msg {
	int nfields;
	char *field[CONTROL_FIELDS_MAX]; /* point into the parsed line */
};

/* Escapes src into dst; returns length or -ENAMETOOLONG. */
int control_escape(const char *src, char *dst, size_t cap);
/*
 * Splits line (modified in place: fields are unescaped where they lie)
 * into m.  Returns 0, -EINVAL for a bad escape, -E2BIG for too many
 * fields.
 */
int control_parse(char *line, struct control_msg *m);
/* The value of "key=value" among fields 1..n-1, or NULL. */
const char *control_get(const struct control_msg *m, const char *key);

/* Line builder: fields appended escaped, TAB-separated. */
struct control_buf {
	char *buf;
	size_t cap, len;
	int nfields;  /* fields added: a TAB goes before every one after the
		       * first, empty or not */
	int overflow; /* set when something did not fit */
};
void control_buf_init(struct control_buf *b, char *buf, size_t cap);
void control_buf_add(struct control_buf *b, const char *field);
void control_buf_addkv(struct control_buf *b, const char *key,
		       const char *value);
void control_buf_addkvf(struct control_buf *b, const char *key, const char *fmt,
			...) __attribute__((format(printf, 3, 4)));
/* Terminates the line with '\n'; returns length or -ENAMETOOLONG. */
int control_buf_end(struct control_buf *b);

/*
 * ---- the request table ----
 * Every request the daemon serves, its fields and who may send it.
 * control_check() holds a parsed request against it before any handler
 * runs: a known command, only its own keys, each at most once, each value
 * within its type and bounds.  Handlers then check meaning (does the
 * person exist), never form.
 */
enum control_arg_type {
	CONTROL_ARG_TEXT =
		0,	   /* one line, no control characters, <= max bytes */
	CONTROL_ARG_ID,	   /* a person id: 1..PD_ID_MAX-1 printable bytes */
	CONTROL_ARG_DATE,  /* YYYY-MM-DD (a real date, civil's range) */
	CONTROL_ARG_LOCAL, /* YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS */
	CONTROL_ARG_UINT,  /* decimal digits only, 0..max */
	CONTROL_ARG_FLAG,  /* present, with an empty value or "1" */
	CONTROL_ARG_FILE,  /* a file's text: any bytes but NUL, <= max */
};

#define CONTROL_ACCESS_READ  0 /* anyone who can open the socket */
#define CONTROL_ACCESS_ADMIN 1 /* root and the admin group (changes data) */
/* root, the admin group, and the live push's group ([push] group, whose
 * members are never admins): the few requests presensi-push sends
 * (docs/push.md, "Who may ask") */
#define CONTROL_ACCESS_PUSH 2

struct control_arg {
	const char *key;
	enum control_arg_type type;
	uint64_t max; /* bytes for TEXT/FILE (without NUL), value for UINT */
};

struct control_cmd {
	const char *name;
	unsigned int access;		/* CONTROL_ACCESS_* */
	const struct control_arg *args; /* ends with a NULL key */
};

/* The entry for name, or NULL. */
const struct control_cmd *control_cmd_find(const char *name);
/*
 * Checks m against the table.  Returns 0 with *cmd set, or -EINVAL with a
 * one-line reason naming the field in why ("reader: \"4294967296\" is not
 * a whole number in 0..2147483647"), or -ENOENT for an unknown command.
 */
int control_check(const struct control_msg *m, const struct control_cmd **cmd,
		  char *why, size_t cap);
/*
 * The value of an UINT field that control_check() accepted; dflt when the
 * field is absent.
 */
uint64_t control_get_uint(const struct control_msg *m, const char *key,
			  uint64_t dflt);

/*
 * Whether a peer may send a request of access level access: admin is
 * root or a member of the admin group, push a member of the push's group
 * (never both: server.c).  An unknown level is nobody's.
 */
bool control_access_ok(unsigned int access, bool admin, bool push);

/*
 * errno value <-> short name used on the wire ("EINVAL", "EEXIST"...).
 * EINVAL means a bad argument (a field missing, malformed or out of its
 * fixed bounds): the CLI exits 2 for it.  Every other error refuses a
 * well-formed request (ENOENT no such record, EEXIST already there,
 * ERANGE a day the records do not allow: in the future, outside the
 * person's active periods; EPERM not allowed: not an admin, a retroactive
 * import without its reason, a closed month): the CLI exits 1.
 */
const char *control_errname(int err);
int control_errno(const char *name);

#endif /* PRESENSI_CONTROL_H */
