// End-to-end: the CLI commands of the core runtime (dispatch, debug, config:validate).
#include "e2e_fixture.hpp"

namespace messengerd::testing {
namespace {

struct Cli : E2eFixture {};

TEST_F(Cli, ValidateReportsThreeMistakesWithTheirLines) {
  std::ofstream(config) << "framework:\n"
                           "  messenger:\n"
                           "    transports:\n"
                           "      async:\n"
                           "        dsn: 'sqlite:///q.db'\n"
                           "        retry_strategy:\n"
                           "          delay: soon\n"          // line 7: not a number
                           "    routing:\n"
                           "      'App\\Message\\*': asynk\n"  // line 9: unknown transport
                           "    failure_transprot: failed\n";  // line 10: unknown key
  auto r = messengerd({"config:validate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(":7:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(":9:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(":10:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("retry_strategy.delay"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("failure_transport"), std::string::npos) << r.err;  // the did-you-mean hint
}

TEST_F(Cli, ValidateAcceptsTheShippedConfig) {
  auto r = run({MESSENGERD_BINARY, "--config", MESSENGERD_SOURCE_DIR "/config/messenger.yaml", "config:validate"}, dir.path(),
               {"MESSENGERD_PLUGIN_DIR=" MESSENGERD_EXAMPLE_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("OK"), std::string::npos);
}

TEST_F(Cli, MissingPluginIsReportedByValidate) {
  std::ofstream(config) << "messenger:\n  transports: {}\nmessengerd:\n  plugins: ['nowhere/libmissing.so']\n";
  auto r = messengerd({"config:validate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("libmissing.so"), std::string::npos) << r.err;
}

TEST_F(Cli, DebugShowsHandlersRoutingAndHidesPasswords) {
  write_config("redeliver_timeout=2", 2, "      secret: 'in-memory://admin:hunter2@localhost'\n");
  auto r = messengerd({"debug"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("App\\Message\\SmsNotification"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("App\\Message\\* -> async"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("admin:****@"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("max_retries=2"), std::string::npos) << r.out;
}

TEST_F(Cli, DispatchUnroutedMessageIsHandledSynchronously) {
  std::ofstream(config) << "messenger:\n  transports: {}\nmessengerd:\n  plugins: ['" MESSENGERD_EXAMPLE_PLUGIN_DIR
                           "/libsms_notification.so']\n";
  auto r = messengerd({"dispatch", "App\\Message\\SmsNotification", R"({"phoneNumber":"+15550001","content":"hi"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("handled App\\Message\\SmsNotification synchronously"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("+15550001"), std::string::npos) << r.err;  // the plugin logged it
}

TEST_F(Cli, DispatchRoutedMessageIsSentWithItsDelay) {
  write_config();
  auto r = messengerd({"dispatch", "App\\Message\\TestBehaviour", R"({"id":"later"})", "--delay", "60000"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sent App\\Message\\TestBehaviour to async"), std::string::npos) << r.out;
  EXPECT_EQ(db().count("default", "available_at > datetime('now', '+30 seconds')"), 1);
}

TEST_F(Cli, DispatchToAnUnknownTransportFails) {
  write_config();
  auto r = messengerd({"dispatch", "App\\Message\\TestBehaviour", "{}", "--transport", "nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope"), std::string::npos);
}

TEST_F(Cli, VersionAndHelp) {
  auto version = run({MESSENGERD_BINARY, "--version"}, dir.path());
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("messengerd "), std::string::npos);
  for (const char* command : {"consume", "dispatch", "debug", "config:validate"}) {
    auto help = run({MESSENGERD_BINARY, command, "--help"}, dir.path());
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Examples:"), std::string::npos) << command;
  }
}

TEST_F(Cli, JsonLogLinesAreOneObjectPerLine) {
  write_config();
  dispatch(R"({"id":"j"})");
  auto r = messengerd({"consume", "async", "--limit", "1", "-v", "--log-format", "json"});
  EXPECT_EQ(r.exit_code, 0);
  std::istringstream lines(r.err);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_TRUE(line.starts_with("{\"time\":") && line.ends_with("}")) << line;
  }
  EXPECT_GT(count, 0);
  EXPECT_NE(r.err.find("\"transport\":\"async\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace messengerd::testing
