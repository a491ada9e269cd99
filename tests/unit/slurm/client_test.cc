// The client against stand-in squeue/sacct scripts on PATH: the answers a cluster without
// accounting gives. (The real commands are exercised in tests/e2e/slurm_test.cc.)
#include "harness/slurm/client.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/test_util.h"

namespace repro::slurm {
namespace {

using testing::ScopedTempDir;

class ScopedPath {
 public:
  explicit ScopedPath(const std::filesystem::path& first) : saved_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", (first.string() + ":" + saved_).c_str(), 1);
  }
  ~ScopedPath() { ::setenv("PATH", saved_.c_str(), 1); }

 private:
  std::string saved_;
};

TEST(SlurmClientTest, WithoutAccountingSqueueAloneIsAskedAfterSacctSaysSo) {
  ScopedTempDir dir;
  std::filesystem::create_directories(dir / "bin");
  // squeue knows task 0 only; sacct answers as on a cluster without slurmdbd, and counts.
  testing::WriteText(dir / "bin/squeue", "#!/bin/sh\necho '5_0|RUNNING'\n", /*executable=*/true);
  testing::WriteText(dir / "bin/sacct",
                     "#!/bin/sh\necho x >> \"$(dirname \"$0\")/sacct.calls\"\n"
                     "echo 'Slurm accounting storage is disabled' >&2\nexit 1\n",
                     /*executable=*/true);
  ScopedPath path(dir / "bin");
  Client client(dir / "log");
  Result<std::vector<JobRow>> rows = client.Query({"5_0", "5_1"});
  ASSERT_TRUE(rows.ok()) << rows.error();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().state, State::kRunning);
  EXPECT_FALSE(client.accounting());
  rows = client.Query({"5_0", "5_1"});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(client.counts().squeue, 2);
  EXPECT_EQ(client.counts().sacct, 1) << "sacct is not asked again once it said accounting is off";
  EXPECT_EQ(testing::ReadText(dir / "bin/sacct.calls"), "x\n");
}

TEST(SlurmClientTest, SqueueKnowingNoneOfTheJobsIsAnAnswerAndAFailureIsAnError) {
  ScopedTempDir dir;
  std::filesystem::create_directories(dir / "bin");
  testing::WriteText(dir / "bin/squeue",
                     "#!/bin/sh\necho 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1\n", true);
  testing::WriteText(dir / "bin/sacct", "#!/bin/sh\necho '5_0|COMPLETED|0:0'\necho '5_0.batch|COMPLETED|0:0'\n", true);
  ScopedPath path(dir / "bin");
  Client client(dir / "log");
  Result<std::vector<JobRow>> rows = client.Query({"5_0"});
  ASSERT_TRUE(rows.ok()) << rows.error();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().state, State::kCompleted);

  testing::WriteText(dir / "bin/squeue", "#!/bin/sh\necho 'Unable to contact slurm controller' >&2\nexit 1\n", true);
  rows = client.Query({"5_0"});
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().find("Unable to contact slurm controller"), std::string::npos) << rows.error();
}

TEST(SlurmClientTest, SbatchMustAnswerWithAJobId) {
  ScopedTempDir dir;
  std::filesystem::create_directories(dir / "bin");
  testing::WriteText(dir / "bin/sbatch", "#!/bin/sh\necho '4242;cluster'\n", true);
  ScopedPath path(dir / "bin");
  Client client(dir / "log");
  EXPECT_EQ(*client.SubmitHeld(dir / "job.sh"), "4242");
  testing::WriteText(dir / "bin/sbatch", "#!/bin/sh\necho 'Submitted batch job'\n", true);
  Result<std::string> id = client.SubmitHeld(dir / "job.sh");
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().find("not a job id"), std::string::npos) << id.error();
}

}  // namespace
}  // namespace repro::slurm
