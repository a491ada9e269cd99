#include "harness/util/shell_quote.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

TEST(ShellQuoteTest, QuotesEveryValueAsOneWord) {
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's; $(id)"), "'it'\\''s; $(id)'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(ShellQuoteTest, QuotesAWordOnlyWhenAShellWouldReadItOtherwise) {
  EXPECT_EQ(ShellWord("--lr=0.1"), "--lr=0.1");
  EXPECT_EQ(ShellWord("results/a,b@1%"), "results/a,b@1%");
  EXPECT_EQ(ShellWord(""), "''");
  EXPECT_EQ(ShellWord("{a,b}"), "'{a,b}'");
  EXPECT_EQ(ShellWord("$HOME"), "'$HOME'");
}

TEST(ShellQuoteTest, ACommandLineQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(ShellCommandLine({"python", "train.py", "--name", "my run", "it's"}),
            "python train.py --name 'my run' 'it'\\''s'");
  EXPECT_EQ(ShellCommandLine({}), "");
}

}  // namespace
}  // namespace repro
