#pragma once
// Questions on the terminal for the interactive failed:* commands.
#include <string>
#include <vector>

namespace messengerd::cli {

bool stdin_is_terminal();
// "question [y/N] " -> true for y/yes.
bool confirm(const std::string& question);
// Shows `question` with the choices; returns the chosen one (its first letter may be typed),
// or `fallback` on an empty answer or end of input.
std::string choose(const std::string& question, const std::vector<std::string>& choices, const std::string& fallback);

}  // namespace messengerd::cli
