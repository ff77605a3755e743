/*
 * messengerd plugin ABI, version 1 — the only contract between the daemon and a plugin.
 *
 * C only (<stddef.h>, <stdint.h>), so a plugin may be written in C, C++ or anything that
 * exports C symbols. The C++ SDK (sdk.hpp) wraps all of this; most plugins never use it
 * directly.
 *
 * Versioning
 *   - A plugin exports ONE function, messengerd_plugin_entry_v1 (the major version is in the
 *     name), returning a pointer to a static descriptor.
 *   - MESSENGERD_ABI_MAJOR changes break compatibility: the loader refuses a plugin whose
 *     abi_major differs from its own and names both.
 *   - Minor versions only append fields to the END of structs. Every struct starts with (or
 *     carries) its own `struct_size`; the receiving side copies what it was given into a
 *     zeroed struct of its own size, so an older plugin simply has the new fields zeroed and
 *     a newer plugin never reads past what an older host filled (check host->struct_size).
 *
 * Ownership: strings and arrays passed to the host are COPIED by the host before the call
 * returns; the plugin keeps ownership. Messages and strings passed to the plugin are BORROWED:
 * valid only until the callback returns. config_get results are owned by the host and valid
 * until the plugin is unloaded (never, while the process runs).
 *
 * Threads: every callback of a worker (init excepted) runs on its single handler thread, one
 * message or batch at a time, never concurrently. init, reset and shutdown run on the thread
 * that loads or unloads plugins.
 *
 * Errors: no C++ exception may cross this boundary. A handler reports a failure by returning
 * an outcome other than MESSENGERD_OK, optionally after host->set_error() with a class name and
 * a message.
 */
#ifndef MESSENGERD_PLUGIN_H
#define MESSENGERD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MESSENGERD_PLUGIN_MAGIC 0x4D534744u /* "MSGD" */
#define MESSENGERD_ABI_MAJOR 1
#define MESSENGERD_ABI_MINOR 1

#if defined(__GNUC__)
#define MESSENGERD_EXPORT __attribute__((visibility("default")))
#else
#define MESSENGERD_EXPORT
#endif

/* What a handler returns: one kind, optionally or-ed with MESSENGERD_STOP_WORKER. */
typedef int32_t messengerd_outcome;
#define MESSENGERD_OK 0            /* handled: the message is acknowledged */
#define MESSENGERD_RETRY 1         /* failed: retried per the transport's retry_strategy */
#define MESSENGERD_UNRECOVERABLE 2 /* failed for good: straight to the failure transport */
#define MESSENGERD_RECOVERABLE 3   /* failed for now: always retried, max_retries ignored */
#define MESSENGERD_OUTCOME_KIND_MASK 0xFF
#define MESSENGERD_STOP_WORKER 0x100 /* finish this message, then stop the worker */

/* Log levels of host->log. */
#define MESSENGERD_LOG_DEBUG 0
#define MESSENGERD_LOG_INFO 1
#define MESSENGERD_LOG_WARNING 2
#define MESSENGERD_LOG_ERROR 3

/* Worker events given to listeners. */
#define MESSENGERD_EVENT_STARTED 0
#define MESSENGERD_EVENT_MESSAGE_RECEIVED 1
#define MESSENGERD_EVENT_MESSAGE_HANDLED 2
#define MESSENGERD_EVENT_MESSAGE_FAILED 3
#define MESSENGERD_EVENT_MESSAGE_RETRIED 4
#define MESSENGERD_EVENT_IDLE 5
#define MESSENGERD_EVENT_RUNNING 6
#define MESSENGERD_EVENT_STOPPED 7

/* A stamp: Symfony's class name and its exact JSON object. */
typedef struct messengerd_stamp {
  const char* fqcn;
  const char* json;
} messengerd_stamp;

/* A message given to a handler, middleware or listener. Borrowed: valid during the call. */
typedef struct messengerd_message {
  size_t struct_size;
  const char* type;        /* "App\\Message\\SmsNotification" */
  const char* body;        /* usually JSON; not NUL-terminated for binary bodies: use body_len */
  size_t body_len;
  const char* transport;   /* receiver name; "" when dispatched synchronously */
  const char* message_id;  /* transport message id; may be "" */
  int32_t redelivery_count; /* retries so far (RedeliveryStamp.retryCount) */
  const messengerd_stamp* stamps;
  size_t stamp_count;
  void* call;              /* this call's context: pass it to host->set_error */
  /* Appended in ABI 1.1 (check struct_size before reading; sdk.hpp's delivery_count() does).
     Deliveries of this message by its transport, this one included: 1 first, 2+ redelivered
     after a crash or a claim from a dead consumer (a lower bound where the broker only knows
     "redelivered"), 0 unknown or dispatched synchronously. Not redelivery_count: a retry is a
     new message, a redelivery is the same one again. */
  int32_t delivery_count;
} messengerd_message;

typedef messengerd_outcome (*messengerd_handle_fn)(void* user_data, const messengerd_message* message);
/* One outcome per message, same order; partial batches are flushed when the worker is idle
   or stopping. */
typedef void (*messengerd_handle_batch_fn)(void* user_data, const messengerd_message* const* messages, size_t count,
                                           messengerd_outcome* outcomes);

typedef struct messengerd_handler_def {
  size_t struct_size;           /* sizeof(messengerd_handler_def) as the plugin knows it */
  const char* name;             /* unique over all plugins, e.g. "sms.send" */
  const char* const* types;     /* message types or parent types/interfaces it handles */
  size_t type_count;
  const char* from_transport;   /* NULL or "": any transport */
  const char* bus;              /* NULL or "": every bus */
  int32_t priority;             /* higher runs first */
  uint32_t batch_size;          /* > 1: handle_batch receives up to this many messages */
  void* user_data;
  messengerd_handle_fn handle;
  messengerd_handle_batch_fn handle_batch; /* may be NULL: messages go to handle one by one */
  void (*destroy)(void* user_data);        /* may be NULL; called once at unload */
} messengerd_handler_def;

typedef struct messengerd_middleware_def {
  size_t struct_size;
  const char* name; /* referenced from buses.<bus>.middleware */
  void* user_data;
  /* Before the handlers: anything but MESSENGERD_OK stops the message with that outcome. */
  messengerd_outcome (*before)(void* user_data, const messengerd_message* message);
  /* After the handlers, with their combined outcome and error message (NULL when none). */
  void (*after)(void* user_data, const messengerd_message* message, messengerd_outcome outcome, const char* error);
  void (*destroy)(void* user_data);
} messengerd_middleware_def;

typedef struct messengerd_listener_def {
  size_t struct_size;
  void* user_data;
  /* `message` is NULL for started/idle/running/stopped; `error` NULL unless a failure. */
  void (*on_event)(void* user_data, int32_t event, const messengerd_message* message, const char* error);
  void (*destroy)(void* user_data);
} messengerd_listener_def;

/* What the host offers a plugin. Append-only: check struct_size before using a later field. */
typedef struct messengerd_host_api {
  size_t struct_size;
  void* host; /* pass as the first argument of the functions below */
  void (*log)(void* host, int32_t level, const char* message);
  /* The plugin's own option (config: plugins[].options), dotted for nesting: "sms.from".
     NULL when absent or not a scalar. */
  const char* (*config_get)(void* host, const char* key);
  /* Declares parent types/interfaces of a message type, for routing and handler matching. */
  int32_t (*register_message_type)(void* host, const char* type, const char* const* parents, size_t parent_count);
  /* 0 on success; non-zero (reason logged) e.g. for a duplicate handler name. */
  int32_t (*register_handler)(void* host, const messengerd_handler_def* def);
  int32_t (*register_middleware)(void* host, const messengerd_middleware_def* def);
  int32_t (*register_listener)(void* host, const messengerd_listener_def* def);
  /* Queues a new message; it is routed and sent only after the current handler succeeded
     (Symfony's dispatch_after_current_bus) and dropped if it fails. 0 on success. */
  int32_t (*dispatch)(void* host, const char* type, const char* body, size_t body_len, int64_t delay_ms);
  /* Describes the failure of the current call (message->call): shown in ErrorDetailsStamp. */
  void (*set_error)(void* call, const char* exception_class, const char* message);
  /* Finish the current message, then stop the worker. */
  void (*request_stop)(void* host);
  /* A long handler is alive (feeds the systemd watchdog). */
  void (*heartbeat)(void* host);
  /* Non-zero once the worker is shutting down: long handlers may cut their work short. */
  int32_t (*stopping)(void* host);
} messengerd_host_api;

typedef struct messengerd_plugin_descriptor {
  uint32_t magic; /* MESSENGERD_PLUGIN_MAGIC */
  uint16_t abi_major;
  uint16_t abi_minor;
  size_t struct_size; /* sizeof(messengerd_plugin_descriptor) as the plugin knows it */
  const char* name;    /* unique among loaded plugins */
  const char* version;
  /* Registers handlers etc.; returns 0 on success. *state is handed back to reset/shutdown. */
  int32_t (*init)(const messengerd_host_api* host, void** state);
  void (*reset)(void* state);    /* between messages, unless consume --no-reset; may be NULL */
  void (*shutdown)(void* state); /* at unload; may be NULL */
} messengerd_plugin_descriptor;

typedef const messengerd_plugin_descriptor* (*messengerd_plugin_entry_fn)(void);
#define MESSENGERD_PLUGIN_ENTRY_SYMBOL "messengerd_plugin_entry_v1"

MESSENGERD_EXPORT const messengerd_plugin_descriptor* messengerd_plugin_entry_v1(void);

#ifdef __cplusplus
}
#endif

#endif /* MESSENGERD_PLUGIN_H */
