/* A shared object that is not a plugin: it exports no messengerd_plugin_entry_v1. */
#include <messengerd/plugin.h>

MESSENGERD_EXPORT int some_other_library_function(void);
int some_other_library_function(void) { return 42; }
