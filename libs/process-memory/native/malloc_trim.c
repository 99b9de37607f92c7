/*
 * glibc's malloc_trim for Node (Node-API only). glibc keeps memory that C code freed inside its heaps (the
 * main thread's brk heap and each thread's arena) instead of giving it back to the system, except at the
 * very top of a heap; Node has no call for it. malloc_trim(0) hands every whole free page back (madvise
 * MADV_DONTNEED), so the process's resident size follows what is in use after V8 has freed ArrayBuffer
 * backing stores and the ONNX runtime its scratch memory. Exports trim() -> boolean (whether memory was
 * released) and trimAsync(callback(released)) on glibc, and nothing elsewhere.
 */
#define _GNU_SOURCE
#include <node_api.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <stdlib.h>

static napi_value Trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, malloc_trim(0) != 0, &result);
  return result;
}

/* trimAsync(callback): the same call on a libuv threadpool thread (malloc_trim is thread-safe: it locks
 * each arena in turn), so the event loop only waits if it allocates from the arena being trimmed. */
typedef struct {
  napi_async_work work;
  napi_ref callback;
  int released;
} TrimJob;

static void TrimExecute(napi_env env, void *data) {
  (void)env;
  ((TrimJob *)data)->released = malloc_trim(0);
}

static void TrimComplete(napi_env env, napi_status status, void *data) {
  TrimJob *job = data;
  napi_value callback, global, argv[1];
  if (status == napi_ok && napi_get_reference_value(env, job->callback, &callback) == napi_ok &&
      napi_get_global(env, &global) == napi_ok) {
    napi_get_boolean(env, job->released != 0, &argv[0]);
    napi_call_function(env, global, callback, 1, argv, NULL);
  }
  napi_delete_reference(env, job->callback);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value TrimAsync(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], name;
  napi_valuetype type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "trimAsync(callback): a function is required");
    return NULL;
  }
  TrimJob *job = calloc(1, sizeof *job);
  if (!job) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_create_string_utf8(env, "malloc_trim", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[0], 1, &job->callback) != napi_ok ||
      napi_create_async_work(env, NULL, name, TrimExecute, TrimComplete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    free(job);
    napi_throw_error(env, NULL, "cannot queue malloc_trim");
    return NULL;
  }
  return NULL;
}
#endif

NAPI_MODULE_INIT() {
#ifdef __GLIBC__
  napi_value fn;
  if (napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "trim", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "trimAsync", NAPI_AUTO_LENGTH, TrimAsync, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "trimAsync", fn) != napi_ok) return NULL;
#endif
  return exports;
}
