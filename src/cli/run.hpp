#pragma once

namespace messengerd::cli {

// Parses the command line, runs the command, returns the process exit code.
int run(int argc, char** argv);

}  // namespace messengerd::cli
