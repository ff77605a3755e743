#include "cli/run.hpp"

int main(int argc, char** argv) { return messengerd::cli::run(argc, argv); }
