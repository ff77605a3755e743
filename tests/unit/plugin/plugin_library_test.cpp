// Opening plugin files: each defect is refused with a message naming the file and the reason.
#include "plugin/plugin_library.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "plugin_test_support.hpp"
#include "temp_dir.hpp"

namespace messengerd::plugin {
namespace {

using testing::example_plugin;
using testing::test_plugin;

std::string error_of(const std::filesystem::path& path) {
  auto opened = open_plugin_library(path);
  EXPECT_FALSE(opened.has_value()) << path;
  return opened ? std::string{} : opened.error();
}

TEST(PluginLibrary, OpensAValidPluginAndReadsItsDescriptor) {
  auto opened = open_plugin_library(example_plugin("sms_notification"));
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_STREQ(opened->descriptor.name, "sms-notification");
  EXPECT_STREQ(opened->descriptor.version, "1.0.0");
  EXPECT_EQ(opened->descriptor.abi_major, MESSENGERD_ABI_MAJOR);
  EXPECT_NE(opened->descriptor.init, nullptr);
}

TEST(PluginLibrary, AMissingFileIsNamed) {
  auto error = error_of("/nonexistent/libnothing.so");
  EXPECT_NE(error.find("/nonexistent/libnothing.so"), std::string::npos) << error;
  EXPECT_NE(error.find("no such plugin file"), std::string::npos) << error;
}

TEST(PluginLibrary, AFolderIsNotAPlugin) {
  EXPECT_NE(error_of(testing::kTestPlugins).find("not a regular file"), std::string::npos);
}

TEST(PluginLibrary, ASharedObjectWithoutTheEntrySymbolIsRefused) {
  auto error = error_of(test_plugin("no_entry"));
  EXPECT_NE(error.find("does not export messengerd_plugin_entry_v1"), std::string::npos) << error;
}

TEST(PluginLibrary, ABadMagicNumberIsRefused) {
  EXPECT_NE(error_of(test_plugin("bad_magic")).find("bad magic number"), std::string::npos);
}

TEST(PluginLibrary, AnotherAbiMajorVersionIsRefusedNamingBoth) {
  auto error = error_of(test_plugin("abi_two"));
  EXPECT_NE(error.find("ABI 2.0"), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(MESSENGERD_ABI_MAJOR)), std::string::npos) << error;
}

TEST(PluginLibrary, AFileThatIsNotASharedObjectSaysWhyDlopenFailed) {
  messengerd::testing::TempDir dir;
  auto path = dir / "libtext.so";
  std::ofstream(path) << "not an ELF file";
  ::chmod(path.c_str(), 0644);
  auto error = error_of(path);
  EXPECT_NE(error.find("cannot be loaded"), std::string::npos) << error;
}

TEST(PluginLibrary, APluginWritableByOtherUsersIsRefused) {
  messengerd::testing::TempDir dir;
  auto copy = dir / "libsms_copy.so";
  std::filesystem::copy_file(example_plugin("sms_notification"), copy);
  ::chmod(copy.c_str(), 0666);
  auto error = error_of(copy);
  EXPECT_NE(error.find("writable by other users"), std::string::npos) << error;
  EXPECT_NE(error.find("chmod go-w"), std::string::npos) << error;
  ::chmod(copy.c_str(), 0644);
  EXPECT_TRUE(open_plugin_library(copy));
}

TEST(PluginLibrary, AnOlderSmallerDescriptorIsZeroExtended) {
  auto opened = open_plugin_library(test_plugin("older_minor"));
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_STREQ(opened->descriptor.name, "older-minor");
  EXPECT_EQ(opened->descriptor.reset, nullptr);
  EXPECT_EQ(opened->descriptor.shutdown, nullptr);
}

}  // namespace
}  // namespace messengerd::plugin
