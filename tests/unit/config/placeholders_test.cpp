#include "config/placeholders.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace messengerd::config {
namespace {

using testing::ConfigFixture;
using testing::Env;

struct Resolved {
  Value value;
  std::vector<ConfigProblem> problems;
  std::string error() const { return problems.empty() ? "" : problems.front().message; }
};

Resolved resolve(const std::string& text, const Env& env = {}, Value parameters = Value::map({})) {
  Resolved out;
  out.value = Value::string(text, {"messenger.yaml", 7, 12});
  PlaceholderResolver resolver(env, std::move(parameters));
  resolver.resolve(out.value, "framework.messenger.transports.async", out.problems);
  return out;
}

Value params(std::initializer_list<std::pair<const char*, const char*>> entries) {
  Value map = Value::map({});
  for (const auto& [k, v] : entries) map.set(k, Value::string(v));
  return map;
}

TEST(Placeholders, PlainEnv) {
  auto r = resolve("%env(DSN)%", {{"DSN", "redis://h"}});
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.value.as_string(), "redis://h");
  // The resolved scalar keeps the position of the placeholder.
  EXPECT_EQ(r.value.where().line, 7);
  EXPECT_EQ(r.value.where().column, 12);
}

TEST(Placeholders, InsideALongerString) {
  auto r = resolve("redis://%env(HOST)%:%env(PORT)%/x", {{"HOST", "cache"}, {"PORT", "6379"}});
  EXPECT_EQ(r.value.as_string(), "redis://cache:6379/x");
}

TEST(Placeholders, NoPlaceholderIsUntouched) {
  auto r = resolve("sqlite:///var/messages.db");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.value.as_string(), "sqlite:///var/messages.db");
}

TEST(Placeholders, DoublePercentIsALiteralPercent) {
  EXPECT_EQ(resolve("100%%").value.as_string(), "100%");
  EXPECT_EQ(resolve("%%env(X)%%").value.as_string(), "%env(X)%");
}

TEST(Placeholders, LonePercentSignsAreKept) {
  EXPECT_EQ(resolve("50% off").value.as_string(), "50% off");
  EXPECT_EQ(resolve("a % b % c").value.as_string(), "a % b % c");
}

TEST(Placeholders, MissingVariableIsAProblemAtThePlaceholder) {
  auto r = resolve("%env(NOPE)%");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].message, "environment variable NOPE is not set (in the environment or a .env file)");
  EXPECT_EQ(r.problems[0].key_path, "framework.messenger.transports.async");
  EXPECT_EQ(r.problems[0].where.line, 7);
  EXPECT_EQ(r.problems[0].where.column, 12);
  EXPECT_EQ(resolve("%env(int:NOPE)%").error(),
            "environment variable NOPE is not set (in the environment or a .env file)");
}

TEST(Placeholders, IntProcessor) {
  auto r = resolve("%env(int:PORT)%", {{"PORT", "6379"}});
  ASSERT_TRUE(r.value.is_int());
  EXPECT_EQ(*r.value.as_int(), 6379);
  EXPECT_EQ(*resolve("%env(int:N)%", {{"N", " -7 "}}).value.as_int(), -7);
  EXPECT_EQ(resolve("%env(int:N)%", {{"N", "abc"}}).error(), "\"abc\" is not an integer (env processor int)");
}

TEST(Placeholders, FloatProcessor) {
  auto r = resolve("%env(float:M)%", {{"M", "1.5"}});
  ASSERT_TRUE(r.value.is_double());
  EXPECT_DOUBLE_EQ(*r.value.as_double(), 1.5);
  EXPECT_EQ(resolve("%env(float:M)%", {{"M", "fast"}}).error(), "\"fast\" is not a number (env processor float)");
}

TEST(Placeholders, BoolAndNotProcessors) {
  for (const char* yes : {"true", "TRUE", "1", "yes", "on", "2", "0.5"}) {
    auto r = resolve("%env(bool:B)%", {{"B", yes}});
    ASSERT_TRUE(r.value.is_bool()) << yes;
    EXPECT_TRUE(*r.value.as_bool()) << yes;
    EXPECT_FALSE(*resolve("%env(not:B)%", {{"B", yes}}).value.as_bool()) << yes;
  }
  // As Symfony: filter_var(BOOL) ?: filter_var(INT) ?: filter_var(FLOAT); other text is false.
  for (const char* no : {"false", "0", "0.0", "", "off", "no", "maybe"}) {
    auto r = resolve("%env(bool:B)%", {{"B", no}});
    ASSERT_TRUE(r.value.is_bool()) << no;
    EXPECT_FALSE(*r.value.as_bool()) << no;
    EXPECT_TRUE(*resolve("%env(not:B)%", {{"B", no}}).value.as_bool()) << no;
  }
}

TEST(Placeholders, StringProcessorKeepsText) {
  auto r = resolve("%env(string:N)%", {{"N", "0042"}});
  ASSERT_TRUE(r.value.is_string());
  EXPECT_EQ(r.value.as_string(), "0042");
}

TEST(Placeholders, TrimProcessor) {
  EXPECT_EQ(resolve("%env(trim:T)%", {{"T", "  \tvalue\n "}}).value.as_string(), "value");
}

TEST(Placeholders, Base64Processor) {
  EXPECT_EQ(resolve("%env(base64:B)%", {{"B", "aGVsbG8gd29ybGQ="}}).value.as_string(), "hello world");
  // URL-safe alphabet and missing padding are accepted, as PHP's base64_decode(strtr(...)) does.
  EXPECT_EQ(resolve("%env(base64:B)%", {{"B", "-_8"}}).value.as_string(), std::string("\xfb\xff"));
  EXPECT_EQ(resolve("%env(base64:B)%", {{"B", "not base64!"}}).error(), "the value is not base64 (env processor base64)");
}

TEST(Placeholders, CsvProcessor) {
  auto r = resolve("%env(csv:L)%", {{"L", "async,failed,high"}});
  ASSERT_TRUE(r.value.is_list());
  const auto& items = *r.value.as_list();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].as_string(), "async");
  EXPECT_EQ(items[2].as_string(), "high");
}

TEST(Placeholders, JsonProcessor) {
  auto r = resolve("%env(json:J)%", {{"J", R"({"queue_name": "q", "list": [1, 2], "on": true})"}});
  ASSERT_TRUE(r.problems.empty()) << r.error();
  ASSERT_TRUE(r.value.is_map());
  EXPECT_EQ(r.value.get_string("queue_name", ""), "q");
  ASSERT_TRUE(r.value.find("list")->is_list());
  EXPECT_EQ(r.value.find("list")->as_list()->size(), 2u);
  EXPECT_TRUE(r.value.get_bool("on", false));
  EXPECT_EQ(resolve("%env(json:J)%", {{"J", "{\"a\": [1, "}}).error(), "the value is not valid JSON (env processor json)");
}

TEST(Placeholders, KeyProcessor) {
  const Env env = {{"DB", R"({"host": "db1", "port": "5432"})"}};
  EXPECT_EQ(resolve("%env(key:host:json:DB)%", env).value.as_string(), "db1");
  EXPECT_EQ(resolve("%env(key:user:json:DB)%", env).error(), "key \"user\" is not in the variable's value");
  EXPECT_EQ(resolve("%env(key:DB)%", env).error(), "key: expects key:KEY:NAME");
}

TEST(Placeholders, FileProcessor) {
  messengerd::testing::TempDir dir;
  testing::write_file(dir / "secret.txt", "s3cret\n");
  EXPECT_EQ(resolve("%env(trim:file:F)%", {{"F", (dir / "secret.txt").string()}}).value.as_string(), "s3cret");
  auto missing = resolve("%env(file:F)%", {{"F", (dir / "nope.txt").string()}});
  EXPECT_NE(missing.error().find("cannot be read (env processor file)"), std::string::npos) << missing.error();
}

TEST(Placeholders, ResolveProcessor) {
  auto r = resolve("%env(resolve:DSN)%", {{"DSN", "sqlite:///%db_dir%/q.db"}}, params({{"db_dir", "var"}}));
  EXPECT_TRUE(r.problems.empty()) << r.error();
  EXPECT_EQ(r.value.as_string(), "sqlite:///var/q.db");
  // Without resolve: the text is taken as is.
  EXPECT_EQ(resolve("%env(DSN)%", {{"DSN", "a%b%c"}}).value.as_string(), "a%b%c");
}

TEST(Placeholders, DefaultProcessor) {
  const Value p = params({{"fallback_dsn", "in-memory://"}});
  EXPECT_EQ(resolve("%env(default:fallback_dsn:DSN)%", {}, p).value.as_string(), "in-memory://");
  EXPECT_EQ(resolve("%env(default:fallback_dsn:DSN)%", {{"DSN", ""}}, p).value.as_string(), "in-memory://");
  EXPECT_EQ(resolve("%env(default:fallback_dsn:DSN)%", {{"DSN", "sync://"}}, p).value.as_string(), "sync://");
  // An empty fallback parameter name gives null.
  EXPECT_TRUE(resolve("%env(default::DSN)%").value.is_null());
  EXPECT_EQ(resolve("%env(default:nope:DSN)%").error(), "parameter \"nope\" is not defined under parameters:");
  EXPECT_EQ(resolve("%env(default:DSN)%").error(), "default: expects default:FALLBACK_PARAM:NAME");
}

TEST(Placeholders, ProcessorsChainRightToLeft) {
  EXPECT_EQ(*resolve("%env(int:default:n:N)%", {}, params({{"n", "12"}})).value.as_int(), 12);
  EXPECT_EQ(*resolve("%env(int:trim:N)%", {{"N", " 5 "}}).value.as_int(), 5);
  EXPECT_EQ(resolve("%env(csv:base64:L)%", {{"L", "YSxi"}}).value.as_list()->size(), 2u);  // "a,b"
}

TEST(Placeholders, UnknownProcessor) {
  auto r = resolve("%env(upper:N)%", {{"N", "x"}});
  EXPECT_EQ(r.error().rfind("unknown env processor \"upper\" (known: string, bool, not, int, float, json, trim, base64, file, csv, resolve, default, key)", 0), 0u)
      << r.error();
}

TEST(Placeholders, Parameters) {
  const Value p = params({{"host", "cache"}, {"dsn", "redis://%host%:6379"}});
  EXPECT_EQ(resolve("%dsn%", {}, p).value.as_string(), "redis://cache:6379");
  EXPECT_EQ(resolve("x-%host%-y", {}, p).value.as_string(), "x-cache-y");
  EXPECT_EQ(resolve("%undefined%", {}, p).error(), "parameter \"undefined\" is not defined under parameters:");
}

TEST(Placeholders, ParameterWithAnEnvPlaceholder) {
  const Value p = params({{"dsn", "%env(DSN)%"}});
  EXPECT_EQ(resolve("%dsn%", {{"DSN", "sync://"}}, p).value.as_string(), "sync://");
}

TEST(Placeholders, ParameterLoopsAreReported) {
  const Value p = params({{"a", "%b%"}, {"b", "%a%"}});
  EXPECT_EQ(resolve("%a%", {}, p).error(), "placeholders refer to each other in a loop");
}

TEST(Placeholders, WholePlaceholderTakesItsValueType) {
  Value p = Value::map({});
  p.set("queues", Value::list({Value::string("a"), Value::string("b")}));
  auto r = resolve("%queues%", {}, p);
  ASSERT_TRUE(r.value.is_list());
  EXPECT_EQ(r.value.as_list()->size(), 2u);
  auto longer = resolve("x%queues%", {}, p);
  EXPECT_EQ(longer.error(), "a placeholder with a list or map value cannot be part of a longer string");
}

TEST(Placeholders, WalksMapsAndListsWithKeyPaths) {
  Value tree = Value::map({});
  Value transport = Value::map({});
  transport.set("dsn", Value::string("%env(A)%", {"f", 3, 10}));
  transport.set("list", Value::list({Value::string("ok"), Value::string("%env(MISSING)%", {"f", 5, 12})}));
  tree.set("async", transport);
  std::vector<ConfigProblem> problems;
  PlaceholderResolver resolver({{"A", "sync://"}}, Value::map({}));
  resolver.resolve(tree, "framework.messenger.transports", problems);
  EXPECT_EQ(tree.find("async")->get_string("dsn", ""), "sync://");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key_path, "framework.messenger.transports.async.list[1]");
  EXPECT_EQ(problems[0].where.line, 5);
}

// Through load_config: typed values keep the position of their placeholder, so a bad one is
// reported on its line.
TEST(Placeholders, TypedValuesInTheConfig) {
  ConfigFixture fx;
  const std::string yaml =
      "framework:\n"
      "    messenger:\n"
      "        transports:\n"
      "            async:\n"
      "                dsn: '%env(DSN)%'\n"
      "                retry_strategy:\n"
      "                    delay: '%env(int:DELAY)%'\n"
      "                    multiplier: '%env(float:MULT)%'\n";
  auto config = fx.ok(yaml, {{"DSN", "in-memory://"}, {"DELAY", "2500"}, {"MULT", "1.5"}});
  ASSERT_EQ(config.transports.size(), 1u);
  EXPECT_EQ(config.transports[0].dsn, "in-memory://");
  EXPECT_EQ(config.transports[0].retry.delay_ms, 2500);
  EXPECT_DOUBLE_EQ(config.transports[0].retry.multiplier, 1.5);

  auto problems = fx.problems(yaml, {{"DSN", "in-memory://"}, {"DELAY", "-5"}, {"MULT", "1.5"}});
  ASSERT_EQ(problems.size(), 1u) << testing::all_text(problems);
  EXPECT_EQ(problems[0].key_path, "framework.messenger.transports.async.retry_strategy.delay");
  EXPECT_EQ(problems[0].where.file, fx.file().string());
  EXPECT_EQ(problems[0].where.line, 7);
  EXPECT_EQ(problems[0].where.column, 28);
  EXPECT_EQ(problems[0].message, "found \"-5\", expected an integer >= 0 (milliseconds)");
}

TEST(Placeholders, JsonOptionsInTheConfigPointAtThePlaceholder) {
  ConfigFixture fx;
  const std::string yaml =
      "framework:\n"
      "    messenger:\n"
      "        transports:\n"
      "            async:\n"
      "                dsn: in-memory://\n"
      "                retry_strategy: '%env(json:RETRY)%'\n";
  auto config = fx.ok(yaml, {{"RETRY", R"({"max_retries": 5})"}});
  EXPECT_EQ(config.transports.at(0).retry.max_retries, 5);
  auto problems = fx.problems(yaml, {{"RETRY", R"({"max_retries": "many"})"}});
  ASSERT_EQ(problems.size(), 1u) << testing::all_text(problems);
  EXPECT_EQ(problems[0].key_path, "framework.messenger.transports.async.retry_strategy.max_retries");
  EXPECT_EQ(problems[0].where.line, 6);
  EXPECT_EQ(problems[0].where.column, 33);
}

}  // namespace
}  // namespace messengerd::config
