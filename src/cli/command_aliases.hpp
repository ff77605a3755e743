#pragma once

#include <string>
#include <vector>

namespace messengerd::cli {

// CLI11 (2.1 in Debian 12) refuses ':' in subcommand names, yet users type the Symfony spellings
// (`failed:show`, `messenger:consume`). The command word is therefore rewritten to its registered
// '-' name before parsing. Only the first argument that is a known alias is rewritten, so an
// option value that merely contains a colon is left alone.
std::vector<std::string> canonical_arguments(int argc, char** argv);

// The registered name for a command word, or the word itself when it is not an alias.
std::string canonical_command_name(const std::string& word);

}  // namespace messengerd::cli
