#include "cli/prompt.hpp"

#include <unistd.h>

#include <iostream>

namespace messengerd::cli {

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

bool confirm(const std::string& question) {
  std::cout << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

std::string choose(const std::string& question, const std::vector<std::string>& choices, const std::string& fallback) {
  while (true) {
    std::cout << question << " [";
    for (std::size_t i = 0; i < choices.size(); ++i) std::cout << (i ? "/" : "") << choices[i];
    std::cout << "] (default " << fallback << ") " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || answer.empty()) return fallback;
    for (const auto& c : choices) {
      if (answer == c || (answer.size() == 1 && c.front() == answer.front())) return c;
    }
    std::cout << "Please answer one of the choices.\n";
  }
}

}  // namespace messengerd::cli
