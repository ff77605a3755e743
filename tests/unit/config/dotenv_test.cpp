#include "config/dotenv.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace messengerd::config {
namespace {

using testing::ConfigFixture;
using testing::write_file;

struct Parsed {
  Environment variables;
  std::vector<ConfigProblem> problems;
};

Parsed parse(std::string_view text, const Environment& real = {}) {
  Parsed out;
  parse_dotenv(text, ".env", real, out.variables, out.problems);
  return out;
}

TEST(DotenvSyntax, ValuesCommentsAndQuotes) {
  auto p = parse(
      "# a comment\n"
      "A=1\n"
      "export B=two\n"
      "\n"
      "   C='literal $A \\n'\n"
      "D=\"line\\nnext $A\"\n"
      "E=plain value   # trailing comment\n"
      "F=a#b\n"
      "G=\n"
      "H=\"tab\\there\" # comment\n");
  EXPECT_TRUE(p.problems.empty()) << testing::all_text(p.problems);
  EXPECT_EQ(p.variables["A"], "1");
  EXPECT_EQ(p.variables["B"], "two");
  EXPECT_EQ(p.variables["C"], "literal $A \\n");
  EXPECT_EQ(p.variables["D"], "line\nnext 1");
  EXPECT_EQ(p.variables["E"], "plain value");
  EXPECT_EQ(p.variables["F"], "a#b");
  ASSERT_EQ(p.variables.count("G"), 1u);
  EXPECT_EQ(p.variables["G"], "");
  EXPECT_EQ(p.variables["H"], "tab\there");
  EXPECT_EQ(p.variables.size(), 8u);
}

TEST(DotenvSyntax, VariableExpansion) {
  auto p = parse(
      "HOST=db\n"
      "URL=mysql://$HOST:${PORT:-3306}/${NAME}\n"
      "FROM_REAL=${REAL}\n"
      "EMPTY_FALLBACK=${UNSET:-}x\n"
      "DOLLAR=cost $ 5\n",
      {{"REAL", "from-env"}, {"NAME", "app"}});
  EXPECT_EQ(p.variables["URL"], "mysql://db:3306/app");
  EXPECT_EQ(p.variables["FROM_REAL"], "from-env");
  EXPECT_EQ(p.variables["EMPTY_FALLBACK"], "x");
  EXPECT_EQ(p.variables["DOLLAR"], "cost $ 5");
}

TEST(DotenvSyntax, RealEnvironmentWinsInExpansion) {
  auto p = parse("HOST=file\nURL=$HOST\n", {{"HOST", "real"}});
  EXPECT_EQ(p.variables["HOST"], "file");  // the file's value is still recorded
  EXPECT_EQ(p.variables["URL"], "real");
}

TEST(DotenvSyntax, MultiLineQuotedValues) {
  auto p = parse("KEY='first\nsecond'\nBAD LINE\n");
  EXPECT_EQ(p.variables["KEY"], "first\nsecond");
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_EQ(p.problems[0].where.line, 3);
}

TEST(DotenvSyntax, BadLinesAreReportedAndTheRestIsRead) {
  auto p = parse("A=1\n\n# ok\nnot a variable\nB = 2\nC=3\n");
  ASSERT_EQ(p.problems.size(), 2u) << testing::all_text(p.problems);
  EXPECT_EQ(p.problems[0].where.file, ".env");
  EXPECT_EQ(p.problems[0].where.line, 4);
  EXPECT_EQ(p.problems[0].message, "expected KEY=value");
  EXPECT_EQ(p.problems[1].where.line, 5);
  EXPECT_EQ(p.variables["A"], "1");
  EXPECT_EQ(p.variables["C"], "3");
  EXPECT_EQ(p.variables.count("B"), 0u);
}

TEST(DotenvSyntax, UnclosedQuotes) {
  auto single = parse("A=1\nB='open\n");
  ASSERT_EQ(single.problems.size(), 1u);
  EXPECT_EQ(single.problems[0].message, "missing the closing quote of B");
  EXPECT_EQ(single.problems[0].where.line, 2);
  auto dbl = parse("C=\"open\n");
  ASSERT_EQ(dbl.problems.size(), 1u);
  EXPECT_EQ(dbl.problems[0].message, "missing the closing quote of C");
}

TEST(DotenvSyntax, WindowsLineEndings) {
  auto p = parse("A=1\r\n\r\n# comment\r\nB='two'\r\n  \r\nC=\"three\"\r\n");
  EXPECT_TRUE(p.problems.empty()) << testing::all_text(p.problems);
  EXPECT_EQ(p.variables["A"], "1");
  EXPECT_EQ(p.variables["B"], "two");
  EXPECT_EQ(p.variables["C"], "three");
}

class DotenvFiles : public ::testing::Test {
 protected:
  messengerd::testing::TempDir dir_;
  void file(const std::string& name, const std::string& text) { write_file(dir_ / name, text); }
  std::vector<std::string> names(const DotenvResult& r) {
    std::vector<std::string> out;
    for (const auto& f : r.loaded) out.push_back(std::filesystem::path(f).filename().string());
    return out;
  }
};

TEST_F(DotenvFiles, LaterFilesOverrideEarlierOnes) {
  file(".env", "A=env\nB=env\nC=env\nD=env\n");
  file(".env.local", "B=local\nC=local\nD=local\n");
  file(".env.dev", "C=dev\nD=dev\n");
  file(".env.dev.local", "D=dev.local\n");
  file(".env.prod", "A=prod\n");
  auto r = load_dotenv(dir_.path(), {}, "dev");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(names(r), (std::vector<std::string>{".env", ".env.local", ".env.dev", ".env.dev.local"}));
  EXPECT_EQ(r.variables["A"], "env");
  EXPECT_EQ(r.variables["B"], "local");
  EXPECT_EQ(r.variables["C"], "dev");
  EXPECT_EQ(r.variables["D"], "dev.local");
  EXPECT_EQ(r.variables["APP_ENV"], "dev");
}

TEST_F(DotenvFiles, AppEnvFromTheDotEnvFile) {
  file(".env", "APP_ENV=prod\nA=env\n");
  file(".env.prod", "A=prod\n");
  file(".env.dev", "A=dev\n");
  auto r = load_dotenv(dir_.path(), {}, "dev");
  EXPECT_EQ(names(r), (std::vector<std::string>{".env", ".env.prod"}));
  EXPECT_EQ(r.variables["A"], "prod");
  EXPECT_EQ(r.variables["APP_ENV"], "prod");
}

TEST_F(DotenvFiles, RealAppEnvWins) {
  file(".env", "APP_ENV=prod\n");
  file(".env.staging", "A=staging\n");
  auto r = load_dotenv(dir_.path(), {{"APP_ENV", "staging"}}, "dev");
  EXPECT_EQ(names(r), (std::vector<std::string>{".env", ".env.staging"}));
  EXPECT_EQ(r.variables["A"], "staging");
  EXPECT_EQ(r.variables["APP_ENV"], "staging");
}

TEST_F(DotenvFiles, TestEnvironmentSkipsDotEnvLocal) {
  file(".env", "A=env\n");
  file(".env.local", "A=local\n");
  file(".env.test", "B=test\n");
  auto r = load_dotenv(dir_.path(), {{"APP_ENV", "test"}}, "dev");
  EXPECT_EQ(names(r), (std::vector<std::string>{".env", ".env.test"}));
  EXPECT_EQ(r.variables["A"], "env");
  EXPECT_EQ(r.variables["B"], "test");
}

TEST_F(DotenvFiles, NoFilesIsFine) {
  auto r = load_dotenv(dir_.path(), {}, "dev");
  EXPECT_TRUE(r.loaded.empty());
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.variables.size(), 1u);  // only APP_ENV
  EXPECT_EQ(r.variables["APP_ENV"], "dev");
}

TEST_F(DotenvFiles, ProblemsNameTheFile) {
  file(".env.local", "A=1\noops\n");
  auto r = load_dotenv(dir_.path(), {}, "dev");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].where.file, (dir_ / ".env.local").string());
  EXPECT_EQ(r.problems[0].where.line, 2);
}

const char* kEnvDsnConfig =
    "framework:\n"
    "    messenger:\n"
    "        transports:\n"
    "            async: '%env(DSN)%'\n";

TEST(DotenvInConfig, RealEnvironmentWinsOverEveryFile) {
  ConfigFixture fx;
  write_file(fx.dir() / ".env", "DSN=sync://\n");
  write_file(fx.dir() / ".env.dev.local", "DSN=in-memory://?from=devlocal\n");
  EXPECT_EQ(fx.ok(kEnvDsnConfig).transports.at(0).dsn, "in-memory://?from=devlocal");
  EXPECT_EQ(fx.ok(kEnvDsnConfig, {{"DSN", "in-memory://?from=real"}}).transports.at(0).dsn, "in-memory://?from=real");
}

TEST(DotenvInConfig, FilesAreFoundAboveTheConfigFolder) {
  messengerd::testing::TempDir project;
  write_file(project / ".env", "DSN=in-memory://?from=project\n");
  const testing::Env env;
  LoadOptions options;
  options.environment = &env;
  for (const char* where : {"config/messenger.yaml", "config/packages/messenger.yaml"}) {
    auto config = load_config_text(kEnvDsnConfig, project / where, options);
    ASSERT_TRUE(config) << where << "\n" << testing::all_text(config.error());
    EXPECT_EQ(config->transports.at(0).dsn, "in-memory://?from=project") << where;
  }
  // Elsewhere: the config file's own folder, so the project's .env is not seen.
  auto other = load_config_text(kEnvDsnConfig, project / "etc/messenger.yaml", options);
  ASSERT_FALSE(other);
  EXPECT_NE(testing::all_text(other.error()).find("environment variable DSN is not set"), std::string::npos);
}

TEST(DotenvInConfig, DefaultAppEnvOption) {
  ConfigFixture fx;
  write_file(fx.dir() / ".env.staging", "DSN=sync://\n");
  const testing::Env env;
  LoadOptions options;
  options.environment = &env;
  options.default_app_env = "staging";
  auto config = load_config_text(kEnvDsnConfig, fx.file(), options);
  ASSERT_TRUE(config) << testing::all_text(config.error());
  EXPECT_EQ(config->transports.at(0).dsn, "sync://");
}

TEST(DotenvInConfig, DotenvProblemsAreConfigProblems) {
  ConfigFixture fx;
  write_file(fx.dir() / ".env", "DSN=sync://\nthis is wrong\n");
  auto problems = fx.problems(kEnvDsnConfig);
  ASSERT_EQ(problems.size(), 1u) << testing::all_text(problems);
  EXPECT_EQ(problems[0].to_string(), (fx.dir() / ".env").string() + ":2:1: expected KEY=value");
}

}  // namespace
}  // namespace messengerd::config
