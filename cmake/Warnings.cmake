# Warnings are errors for messengerd's own code; third-party headers are SYSTEM includes.
# C++-only flags are limited to C++ sources: the test plugins include plain C ones.
add_library(messengerd_warnings INTERFACE)
target_compile_options(messengerd_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wcast-align -Wunused -Wnull-dereference -Wformat=2
  $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual>)
