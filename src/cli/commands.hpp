#pragma once
// One function per command (one file each): it adds its subcommand to `app` and sets
// `exit_code` when the subcommand runs.
#include "cli/global_options.hpp"

namespace messengerd::cli {

void add_dispatch_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_debug_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_validate_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_consume_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_stop_workers_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_stats_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_failed_show_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_failed_retry_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_failed_remove_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_setup_transports_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_transports_command(CLI::App& app, GlobalOptions& global, int& exit_code);

}  // namespace messengerd::cli
