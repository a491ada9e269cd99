#include "harness/slurm/batch.h"

#include <gtest/gtest.h>

namespace repro::slurm {
namespace {

TEST(SlurmBatchTest, DurationsRoundUpToWholeMinutes) {
  EXPECT_EQ(SlurmDuration(1), "0-00:01:00");
  EXPECT_EQ(SlurmDuration(60), "0-00:01:00");
  EXPECT_EQ(SlurmDuration(61), "0-00:02:00");
  EXPECT_EQ(SlurmDuration(24 * 3600 + 2 * 3600 + 3 * 60), "1-02:03:00");
}

TEST(SlurmBatchTest, ResourcesMapToOptionsAndTheTaskCommandIsQuoted) {
  ArrayJob job;
  job.name = "repro-mnist1d-cnn";
  job.tasks = 6;
  job.max_running = 2;
  job.cpus = 4;
  job.memory_bytes = (int64_t{3} << 30) + 1;  // rounds up to the next MiB
  job.gpus = 1;
  job.timeout_seconds = 3600;
  job.partition = "gpu";
  job.extra = {"--constraint=a100"};
  job.log_dir = "/shared/results/slurm";
  job.command = {"/opt/repro/bin/repro", "attempt", "--spec", "/shared/run dir/task-${SLURM_ARRAY_TASK_ID}.json",
                 "it's"};
  EXPECT_EQ(RenderBatchScript(job),
            "#!/bin/sh\n"
            "#SBATCH --job-name=repro-mnist1d-cnn\n"
            "#SBATCH --array=0-5%2\n"
            "#SBATCH --cpus-per-task=4\n"
            "#SBATCH --mem=3073M\n"
            "#SBATCH --gres=gpu:1\n"
            "#SBATCH --time=0-01:03:00\n"
            "#SBATCH --signal=B:USR2@90\n"
            "#SBATCH --partition=gpu\n"
            "#SBATCH --constraint=a100\n"
            "#SBATCH --output=/shared/results/slurm/slurm-%A_%a.out\n"
            "#SBATCH --requeue\n"
            "exec '/opt/repro/bin/repro' 'attempt' '--spec' '/shared/run dir/task-'\"${SLURM_ARRAY_TASK_ID}\"'.json' "
            "'it'\\''s'\n");
}

TEST(SlurmBatchTest, NothingDeclaredLeavesThePartitionDefaults) {
  ArrayJob job;
  job.name = "j";
  job.command = {"true"};
  job.log_dir = "/tmp";
  std::string script = RenderBatchScript(job);
  EXPECT_EQ(script.find("--mem"), std::string::npos);
  EXPECT_EQ(script.find("--gres"), std::string::npos);
  EXPECT_EQ(script.find("--time"), std::string::npos);
  EXPECT_NE(script.find("#SBATCH --array=0-0\n"), std::string::npos);
}

}  // namespace
}  // namespace repro::slurm
