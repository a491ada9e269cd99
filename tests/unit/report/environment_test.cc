#include "harness/report/environment.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

const char* kRunEnvironment =
    R"json({"cpu":{"cores":2,"model":"Xeon"},"gpus":[],"interpreters":{"/usr/bin/python3":{"path":"/usr/bin/python3",
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
  EXPECT_EQ(notes[0],
            "its runs ran in 2 different environments, which differ in: "
            "/interpreters/~1usr~1bin~1python3/probe/packages/numpy (1.24.2 vs 1.26.0)");
}

TEST(EnvironmentNotesTest, NothingToSayWithoutFingerprints) {
  EXPECT_TRUE(EnvironmentNotes({{"gpu", "V100"}}, {}).empty());
}

}  // namespace
}  // namespace repro

namespace repro {
namespace {

TEST(EnvironmentTableTest, AFingerprintReadsAsRowsAndUnknownKeysAreNotHidden) {
  std::string machine = kRunEnvironment;
  machine.insert(machine.size() - 1, R"(,"container":"podman 4.3")");
  std::vector<EnvironmentRow> table = EnvironmentTable({machine});
  std::vector<std::pair<std::string, std::string>> rows;
  for (const EnvironmentRow& row : table) rows.emplace_back(row.name, row.values.at(0));
  EXPECT_EQ(rows, (std::vector<std::pair<std::string, std::string>>{
                      {"OS", "Debian GNU/Linux 12 (bookworm)"},
                      {"Kernel", "Linux 6.1 x86_64"},
                      {"CPU", "Xeon, 2 cores"},
                      {"Memory", "1 B"},
                      {"GPU", "none"},
                      {"Interpreter /usr/bin/python3", "3.11.2"},
                      {"BLAS/LAPACK (/usr/bin/python3)", "libopenblas.so.0"},
                      {"Packages (/usr/bin/python3)", "numpy 1.24.2, torch 2.1.0"},
                      {"repro", "0.1.0"},
                      {"container", "podman 4.3"},
                  }));
}

TEST(EnvironmentTableTest, TwoEnvironmentsShareRowsAndTextThatIsNoObjectIsOneRow) {
  std::string other = kRunEnvironment;
  other.replace(other.find("1.24.2"), 6, "1.26.0");
  std::vector<EnvironmentRow> table = EnvironmentTable({kRunEnvironment, other, "not json"});
  ASSERT_FALSE(table.empty());
  for (const EnvironmentRow& row : table) {
    ASSERT_EQ(row.values.size(), 3u);
    if (row.name == "Packages (/usr/bin/python3)") {
      EXPECT_EQ(row.values[0], "numpy 1.24.2, torch 2.1.0");
      EXPECT_EQ(row.values[1], "numpy 1.26.0, torch 2.1.0");
    }
  }
  EXPECT_EQ(table.back().name, "Fingerprint");
  EXPECT_EQ(table.back().values[2], "not json");
}

}  // namespace
}  // namespace repro
