#include <gtest/gtest.h>

#include "integration/process.hpp"

TEST(CollectorSmoke, HelpAndVersionWork) {
  auto help = kto::test::run_command({KTO_COLLECTOR_BIN, "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  auto version = kto::test::run_command({KTO_COLLECTOR_BIN, "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find(KTO_VERSION), std::string::npos) << version.out;
}
