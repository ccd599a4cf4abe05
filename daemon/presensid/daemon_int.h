/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * presensid's private header: the daemon's state and the calls between its
 * files.  main.c wires config, loop, signals and watchdog; server.c serves
 * the control socket; readers.c handles reader events, armed state, waits
 * and the gallery; enrol.c runs an enrolment; status.c answers status;
 * firststart.c imports the default rules; attend.c and admin.c do the work.
 * Everything here runs on the one main loop.
 */
#ifndef PRESENSI_DAEMON_INT_H
#define PRESENSI_DAEMON_INT_H

#include <stdint.h>

#include <glib.h>

#include "admin.h"
#include "attend.h"
#include "clock.h"
#include "conf.h"
#include "control.h"
#include "crypto.h"
#include "duty.h"
#include "facts.h"
#include "gallery.h"
#include "lights.h"
#include "scanner.h"
#include "store.h"
#include "wake.h"

#define READERS_MAX	 8  /* readers connected at once, tracked for waits */
#define LATENCY_KEEP	 32 /* last identify latencies kept for status */
#define ENROLL_TIMEOUT_S 90 /* a whole enrolment, all stages */

struct client;
struct backup_job;

struct latency {
	int reader;
	enum attend_result result;
	uint64_t image_to_decision_us;
	uint64_t decision_to_light_us;
};

/* A connected reader, by the scanner's reader number (which grows with
 * every replug, so it is a key, never an index). */
struct reader_slot {
	int used;
	int reader;
	int armed;    /* identify or enrolment armed: an image is awaited */
	uint64_t gen; /* the scanner's arm generation */
};

struct waiter {
	struct daemon *d;
	struct client *c;
	int reader;
	uint64_t after_gen;
	int enrolment; /* only an arm of a running enrolment counts */
	guint timeout_src;
	struct waiter *next;
};

struct enrolment {
	struct client *c; /* NULL when none runs */
	char person[PD_ID_MAX];
	char finger[PD_FINGER_MAX];
	char by[PD_NAME_MAX]; /* the peer who asked */
	int64_t by_uid;
	int reader;
	guint timeout_src;
};

#define FAULT_MSG_MAX 512 /* what is wrong and what to do, one line */

/* Fault mode (fault.c), gravest last: a graver fault is never replaced
 * by a lighter one. */
enum fault_kind {
	FAULT_NONE = 0,
	FAULT_PUNCH, /* the last punch was not stored: clears when one is */
	FAULT_KEY,   /* the key does not open the enrolled prints */
	FAULT_STORE, /* the store cannot be trusted: punches refused */
};

/* What presensi-push last reported ("push-status", push_sign.c), shown by
 * "status".  Times are the push's, UTC seconds. */
struct push_report {
	int have;	/* a report came since presensid started */
	int64_t uid;	/* the peer that sent it */
	char state[16]; /* caught-up, sending, retrying */
	int64_t acked;	/* the server holds rows 1..acked */
	char acked_head[PD_HASH_HEX];
	int64_t ok_at;	   /* the last batch the server took; 0 never */
	int64_t retry_s;   /* the next try after a failure, or 0 */
	char refused[256]; /* the server's last refusal and its reason */
	int64_t refused_at;
	char refused_rows[48]; /* "first..last" or "bundle YYYY-MM" */
	char error[256];       /* the last failure to reach the server */
	char bundle[8];	       /* closed months acknowledged up to */
	char rules[256];       /* what the last rules fetch brought */
};
struct ledger_waiter;

/* Why the listening socket is not watched (server.c). */
enum listen_paused {
	LISTEN_RUNNING = 0,
	LISTEN_PAUSED_CAP, /* [control] max_clients reached */
	LISTEN_PAUSED_FDS, /* out of descriptors: a timer resumes */
};

struct daemon {
	char conf_path[CONF_PATH_MAX];
	struct conf conf;
	struct store *store;
	int have_key; /* the store has its template key */
	struct clock *clock;
	struct lights *lights;
	struct scanner *scanner;
	struct facts *facts;
	struct gallery *gallery;
	GMainLoop *loop;
	guint lights_src;
	struct crypto_devkey devkey; /* signs bundles; never leaves presensid */
	guint monthly_src;	     /* the automatic close's timer */
	int listen_fd;
	guint listen_src;
	guint listen_timer_src; /* resumes after an EMFILE pause */
	enum listen_paused listen_paused;
	int accept_episode;	      /* paused since the last accept: logged */
	unsigned int accept_pause_ms; /* the current backoff */
	unsigned int nclients;
	int64_t admin_gid; /* the admin group (socket group), or -1 */
	struct client *clients;
	guint reap_src; /* frees clients dropped outside a handler */
	struct waiter *waiters;
	struct enrolment enr;
	struct reader_slot readers[READERS_MAX];
	struct latency lat[LATENCY_KEEP];
	unsigned int nlat; /* total recorded; ring index = nlat % KEEP */
	int quitting;
	/* arming.c */
	struct duty duty;  /* when the readers are armed */
	guint arm_src;	   /* the policy's next decision */
	struct wake *wake; /* NULL: no wake input */
	guint wake_src;	   /* its fd watch */
	guint wake_timer;  /* its debounce deadline */
	guint wake_retry;  /* watching again after a read error */
	enum fault_kind fault_kind;
	char fault_msg[FAULT_MSG_MAX]; /* "" when no fault */
	int lock_fd; /* the store directory's lock, held for life */
	/* push_sign.c: the live push */
	int64_t push_gid;		      /* [push] group, or -1 */
	struct ledger_waiter *ledger_waiters; /* open "wait-ledger"s */
	struct push_report push_report;
	struct backup_job *backup; /* backup.c: the one being written */
};

/* ---- main.c ---- */
/* Shows a light state and arms the pattern timer. */
void daemon_lights(struct daemon *d, enum light_state st);
/* Arms the lights timer for a deadline from lights.h (0: none). */
void daemon_lights_arm(struct daemon *d, uint64_t deadline_ms);
/* Reloads profiles and calendars; keeps the old ones on failure. */
int daemon_reload_facts(struct daemon *d);

/* ---- server.c ---- */
/* Listens on the configured socket.  0 or -errno (logged). */
int server_listen(struct daemon *d);
/* Drops every client, stops listening and removes the socket. */
void server_close(struct daemon *d);
/* An admin_ctx whose replies go to client c. */
void server_ctx(struct daemon *d, struct client *c, struct admin_ctx *a);
/* The client was dropped (it left or fell behind): no more replies. */
int server_client_dead(const struct client *c);
/* The file descriptor that came with client c's request (SCM_RIGHTS),
 * now the caller's to close; -1 when none came. */
int server_client_take_fd(struct client *c);
/* The peer's uid (SO_PEERCRED), -1 when unknown. */
int64_t server_client_uid(const struct client *c);

/* ---- readers.c ---- */
/* scanner.h's event callback. */
void readers_on_event(void *ud, const struct scanner_event *ev);
/* The slot of a connected reader, or NULL. */
struct reader_slot *readers_slot(struct daemon *d, int reader);
/* Reloads the prints into the scanner and orders them.  0 or -errno. */
int readers_reload_gallery(struct daemon *d);
/* "wait-armed": answers when the reader is armed past a generation. */
void readers_cmd_wait(struct daemon *d, struct client *c,
		      const struct control_msg *m);
/* Answers the waits whose condition now holds. */
void readers_waits_check(struct daemon *d);
/* Ends client c's waits (it left). */
void readers_waits_drop(struct daemon *d, struct client *c);
/* The readers were disarmed: no slot waits for a finger until the next
 * ARMED, so "wait-armed" waits for that. */
void readers_disarmed(struct daemon *d);

/* ---- enrol.c ---- */
void enrol_cmd(struct daemon *d, struct client *c, const struct control_msg *m);
/* SCANNER_EV_ENROLL_* events. */
void enrol_on_event(struct daemon *d, const struct scanner_event *ev);
/* The enrolling client left, or its reader went away. */
void enrol_client_gone(struct daemon *d, struct client *c);
void enrol_reader_gone(struct daemon *d, int reader);

/* ---- status.c ---- */
void status_cmd(struct daemon *d, struct client *c);

/* ---- monthly.c: month close, bundle export, device key ---- */
/* Serves close, export, device-key and export-lights; -ENOENT for any
 * other request (answered elsewhere). */
int monthly_dispatch(struct daemon *d, struct client *c,
		     const struct control_msg *m);
/* Closes the months whose day has come (start-up, timer, clock set). */
void monthly_auto_close(struct daemon *d);
/* Runs the automatic close now and arms its timer; stop removes it. */
void monthly_start(struct daemon *d);
void monthly_stop(struct daemon *d);
/* ---- push_sign.c, push_rules.c: the live push (docs/push.md) ---- */
/* Serves sign-batch, wait-ledger, rules-publish and push-status; -ENOENT
 * for any other request. */
int push_dispatch(struct daemon *d, struct client *c,
		  const struct control_msg *m);
/* The ledger may have grown: answers the wait-ledgers it passed.  After
 * every request and every reader event; cheap with none open. */
void push_ledger_changed(struct daemon *d);
/* Client c left: its waits end. */
void push_client_gone(struct daemon *d, struct client *c);
/* Ends every wait (shutdown). */
void push_stop(struct daemon *d);
/* status's push lines (none on a box without [push] and no report). */
void push_status_show(struct daemon *d, struct admin_ctx *a);
/* ---- rights.c: a person's data rights (DOMAIN §6.5) ---- */
/* Serves person-forget-prints; -ENOENT for any other request. */
int rights_dispatch(struct daemon *d, struct client *c,
		    const struct control_msg *m);
/* ---- backup.c: the box's backup (DOMAIN §6.8) ---- */
/* Serves backup; -ENOENT for any other request. */
int backup_dispatch(struct daemon *d, struct client *c,
		    const struct control_msg *m);
/* The client of the running backup left: it is written, unanswered. */
void backup_client_gone(struct daemon *d, struct client *c);
/* Waits for a running backup's thread and drops the job (stopping). */
void backup_stop(struct daemon *d);
/* A store restored from a backup: records the prints it left out. */
void backup_after_restore(struct daemon *d);
/* ---- arming.c ---- */
/* Opens the wake input of [wake] (one that fails is logged and the box
 * runs as without one) and makes the first decision; after scanner_new. */
void arming_start(struct daemon *d);
/* Closes the wake input, drops the timers. */
void arming_stop(struct daemon *d);
/* Decides now: arms or disarms the readers, shows ready or standby. */
void arming_update(struct daemon *d);
/* The light of the readers' arming: LIGHT_READY or LIGHT_STANDBY. */
enum light_state arming_light(const struct daemon *d);
/* New [wake] policy settings; input changes wait for a restart. */
void arming_reload(struct daemon *d, const struct conf *nc);
/* A reader came or went. */
void arming_on_reader(struct daemon *d);
/* An identify gave a match or no match. */
void arming_on_result(struct daemon *d);
/* An enrolment started (on) or ended. */
void arming_on_enrol(struct daemon *d, int on);
/* A reader reported TOO_HOT (hot) or cooled down. */
void arming_on_hot(struct daemon *d, int hot);
/* ---- fault.c ---- */
/* Enters fault mode (or changes its message): logs it once, lights the
 * fault, tells systemd's STATUS=.  Ignored while a graver fault shows. */
void fault_set(struct daemon *d, enum fault_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Leaves fault mode if kind is the fault shown. */
void fault_clear(struct daemon *d, enum fault_kind kind);
/* The store is open and may take writes (no store fault). */
int fault_store_usable(const struct daemon *d);
/* Checks that the store's file is still the one opened, and enters fault
 * mode when it is gone; after a failed write, on status, and on a timer. */
void fault_store_watch(struct daemon *d);
/* After a punch: a storage failure lights a fault that the next stored
 * punch clears. */
void fault_punch_result(struct daemon *d, const char *person, int store_rc,
			int stored);
/* The light when nothing happens: fault in fault mode or without a
 * reader, else ready. */
enum light_state daemon_idle_light(const struct daemon *d);

/* ---- statedir.c ---- */
/* Locks the store's directory for the daemon's life (flock).  0, -EBUSY
 * when another presensid holds it (logged), or -errno. */
int statedir_lock(struct daemon *d);
void statedir_unlock(struct daemon *d);
/* The marker beside the store ("<dir>/.presensi-store"): written with
 * the first store, it says this directory held one. */
void statedir_marker_path(const struct daemon *d, char *out, size_t cap);
int statedir_marked(const struct daemon *d);
/* Writes the marker unless it exists.  0 or -errno (logged). */
int statedir_mark(const struct daemon *d);

/* ---- privdrop.c ---- */
/* Started as root with [daemon] user: becomes that user (setgroups,
 * setresgid, setresuid) and checks root cannot be regained.  Fatal on any
 * error; a no-op when not root or with no user configured. */
void privdrop(struct daemon *d);

/* ---- firststart.c ---- */
/* Imports the configured default profile and calendar into an empty
 * store. */
void firststart_import(struct daemon *d);

#endif /* PRESENSI_DAEMON_INT_H */
