// The log's head-and-tail cap, fed strings: no files, no processes.
#include "harness/exec/log_cap.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace repro {
namespace {

// What the log file would hold after "chunks", and the ending's counts.
struct Logged {
  std::string text;
  LogCap::Ending ending;
};

Logged Feed(int64_t cap, const std::vector<std::string>& chunks) {
  LogCap log(cap);
  Logged logged;
  for (const std::string& chunk : chunks) logged.text += log.Head(chunk);
  logged.ending = log.Finish();
  logged.text += logged.ending.text;
  return logged;
}

TEST(LogCapTest, WithoutACapEveryByteIsWrittenAsItComes) {
  Logged logged = Feed(0, {"abc", "def"});
  EXPECT_EQ(logged.text, "abcdef");
  EXPECT_EQ(logged.ending.cut, 0);
  EXPECT_EQ(logged.ending.kept, 6);
  EXPECT_EQ(logged.ending.seen, 6);
}

TEST(LogCapTest, AStreamUnderTheCapIsKeptWhole) {
  Logged logged = Feed(40, {"0123456789", "0123456789", "0123456789"});
  EXPECT_EQ(logged.text, "012345678901234567890123456789");
  EXPECT_EQ(logged.ending.cut, 0);
}

TEST(LogCapTest, KeepsTheHeadACutLineAndTheTail) {
  // Cap 40: a tail of 10 bytes (a quarter), a head of 30.
  std::string output;
  for (int i = 0; i < 10; ++i) output += std::string(10, static_cast<char>('a' + i));
  Logged logged = Feed(40, {output});
  EXPECT_EQ(logged.text,
            "aaaaaaaaaabbbbbbbbbbcccccccccc"
            "\n[repro: 60 bytes cut here; the log keeps the first 30 and the last 10 bytes]\n"
            "jjjjjjjjjj");
  EXPECT_EQ(logged.ending.cut, 60);
  EXPECT_EQ(logged.ending.kept, 40);
  EXPECT_EQ(logged.ending.seen, 100);
}

TEST(LogCapTest, TheTailIsTheSameWhateverTheChunks) {
  std::string output;
  for (int i = 0; i < 100; ++i) output += static_cast<char>('!' + i % 90);
  std::string whole = Feed(40, {output}).text;
  for (size_t size : {1u, 3u, 7u, 10u, 11u, 64u}) {
    std::vector<std::string> chunks;
    for (size_t at = 0; at < output.size(); at += size) chunks.push_back(output.substr(at, size));
    EXPECT_EQ(Feed(40, chunks).text, whole) << "chunks of " << size;
  }
}

TEST(LogCapTest, TheTailStopsAt256KiB) {
  int64_t cap = 4 << 20;
  Logged logged = Feed(cap, {std::string(static_cast<size_t>(cap) + 1000, 'x')});
  EXPECT_EQ(logged.ending.kept, cap);
  EXPECT_NE(logged.text.find("the last 262144 bytes"), std::string::npos);
}

}  // namespace
}  // namespace repro
