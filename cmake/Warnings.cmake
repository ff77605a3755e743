# Warnings are errors for messengerd's own code; third-party headers are SYSTEM includes.
add_library(messengerd_warnings INTERFACE)
target_compile_options(messengerd_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference -Wformat=2)
