/*
 * glibc's malloc_trim for Node (Node-API only). glibc keeps memory that C code freed inside its heaps (the
 * main thread's brk heap and each thread's arena) instead of giving it back to the system, except at the
 * very top of a heap; Node has no call for it. malloc_trim(0) hands every whole free page back (madvise
 * MADV_DONTNEED), so the process's resident size follows what is in use after V8 has freed ArrayBuffer
 * backing stores and the ONNX runtime its scratch memory. Exports trim() -> boolean (whether memory was
 * released) on glibc, and nothing elsewhere.
 */
#define _GNU_SOURCE
#include <node_api.h>
#ifdef __GLIBC__
#include <malloc.h>

static napi_value Trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, malloc_trim(0) != 0, &result);
  return result;
}
#endif

NAPI_MODULE_INIT() {
#ifdef __GLIBC__
  napi_value fn;
  if (napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "trim", fn) != napi_ok) return NULL;
#endif
  return exports;
}
