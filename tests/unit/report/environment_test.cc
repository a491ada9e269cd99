#include "harness/report/environment.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

const char* kRunEnvironment = R"json({"cpu":{"cores":2,"model":"Xeon"},"gpus":[],"interpreters":{"/usr/bin/python3":{"path":"/usr/bin/python3",
  "probe":{"blas":["/usr/lib/libopenblas.so.0"],"packages":{"numpy":"1.24.2","torch":"2.1.0"},"version":"3.11.2"}}},
  "kernel":"Linux 6.1 x86_64","memory_bytes":1,"os":"Debian GNU/Linux 12 (bookworm)","repro":"0.1.0"})json";

TEST(EnvironmentNotesTest, NamesWhatDiffersFromThePaperAndNothingThatMatches) {
  NamedValues paper = {{"pytorch", "1.13"}, {"python", "3.11"}, {"gpu", "V100"}, {"numpy", "1.24"}, {"jax", "0.4"}};
  std::vector<std::string> notes = EnvironmentNotes(paper, {kRunEnvironment});
  EXPECT_EQ(notes, (std::vector<std::string>{
                       "the paper used pytorch 1.13; these runs used pytorch 2.1.0",
                       "the paper used gpu V100; these runs used gpu none",
                       "the paper used jax 0.4; these runs did not record jax",
                   }));
}

TEST(EnvironmentNotesTest, RunsOfOneClaimInDifferentEnvironmentsAreCompared) {
  std::string other = kRunEnvironment;
  other.replace(other.find("1.24.2"), 6, "1.26.0");
  std::vector<std::string> notes = EnvironmentNotes({}, {kRunEnvironment, other});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "its runs ran in 2 different environments, which differ in: "
                      "/interpreters/~1usr~1bin~1python3/probe/packages/numpy (1.24.2 vs 1.26.0)");
}

TEST(EnvironmentNotesTest, NothingToSayWithoutFingerprints) {
  EXPECT_TRUE(EnvironmentNotes({{"gpu", "V100"}}, {}).empty());
}

}  // namespace
}  // namespace repro
