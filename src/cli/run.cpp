#include "cli/run.hpp"

namespace messengerd::cli {

int run(int, char**) { return 0; }

}  // namespace messengerd::cli
