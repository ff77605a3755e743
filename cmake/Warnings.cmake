# Warnings are errors for messengerd's own code; third-party headers are SYSTEM includes.
# C++-only flags are limited to C++ sources: the test plugins include plain C ones.
add_library(messengerd_warnings INTERFACE)
target_compile_options(messengerd_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wcast-align -Wunused -Wnull-dereference -Wformat=2
  $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual>)
# GCC 12 at -O2/-O3 reports false positives inside inlined libstdc++ std::string code
# (GCC bugs 105329, 105651): still shown as warnings, no longer fatal in optimised builds.
target_compile_options(messengerd_warnings INTERFACE
  $<$<NOT:$<CONFIG:Debug>>:-Wno-error=restrict -Wno-error=maybe-uninitialized -Wno-error=stringop-overflow -Wno-error=array-bounds>)
