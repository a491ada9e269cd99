#include "harness/exec/resources.h"

#include <gtest/gtest.h>

#include "harness/exec/environment.h"
#include "harness/exec/executor.h"
#include "tests/test_util.h"

namespace repro {
namespace {

TEST(ResourcePoolTest, NeverOversubscribesCpusOrMemory) {
  ResourcePool pool(Capacity{4, int64_t{8} << 30, {}});
  ResourceRequest two{2, int64_t{2} << 30, 0};
  ASSERT_TRUE(pool.TryAcquire(two));
  ASSERT_TRUE(pool.TryAcquire(two));
  EXPECT_FALSE(pool.TryAcquire({1, 0, 0})) << "4 of 4 CPUs in use";
  pool.Release(two, {});
  EXPECT_FALSE(pool.TryAcquire({1, int64_t{7} << 30, 0})) << "memory: 2 of 8 GiB used, 7 more asked";
  EXPECT_TRUE(pool.TryAcquire({1, int64_t{6} << 30, 0}));
}

TEST(ResourcePoolTest, ALargeRequestRunsAloneRatherThanStarve) {
  ResourcePool pool(Capacity{2, 0, {}});
  ASSERT_TRUE(pool.TryAcquire({1, 0, 0}));
  EXPECT_FALSE(pool.TryAcquire({8, 0, 0}));
  pool.Release({1, 0, 0}, {});
  EXPECT_TRUE(pool.TryAcquire({8, 0, 0})) << "nothing else runs: it goes alone";
}

TEST(ResourcePoolTest, HandsOutDistinctGpusAndTakesThemBack) {
  ResourcePool pool(Capacity{8, 0, {"0", "1", "2"}});
  std::vector<std::string> first = *pool.TryAcquire({1, 0, 2});
  EXPECT_EQ(first, (std::vector<std::string>{"0", "1"}));
  EXPECT_FALSE(pool.TryAcquire({1, 0, 2})) << "one GPU left";
  EXPECT_EQ(*pool.TryAcquire({1, 0, 1}), (std::vector<std::string>{"2"}));
  pool.Release({1, 0, 2}, first);
  EXPECT_EQ(*pool.TryAcquire({1, 0, 2}), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(pool.Fits({1, 0, 4}).error(), "needs 4 GPU(s); this machine offers 3 (CUDA_VISIBLE_DEVICES or nvidia-smi)");
}

class LocalExecutorTest : public ::testing::Test {
 protected:
  AttemptRequest Shell(int64_t id, const std::string& script, ResourceRequest resources) {
    AttemptRequest request;
    request.attempt_id = id;
    request.resources = resources;
    request.process.argv = {"/bin/sh", "-c", script};
    request.process.cwd = dir_.path();
    request.process.env = BuildChildEnvironment({{"CUDA_VISIBLE_DEVICES", "0,1"}}, {});
    request.process.stdout_path = dir_ / (std::to_string(id) + ".out");
    request.process.stderr_path = dir_ / (std::to_string(id) + ".err");
    request.process.timeout_seconds = 20;
    request.metric_file = [](const MetricSpec&) { return std::filesystem::path(); };
    return request;
  }
  testing::ScopedTempDir dir_;
};

TEST_F(LocalExecutorTest, StartsOnlyWhatFitsAndHandsOutDeclaredGpus) {
  LocalExecutor executor(/*jobs=*/8, Capacity{2, 0, {"0", "1"}});
  ASSERT_TRUE(executor.CanStart({2, 0, 1}));
  executor.Start(Shell(1, "echo \"gpus=$CUDA_VISIBLE_DEVICES\"; sleep 0.3", {2, 0, 1}));
  EXPECT_FALSE(executor.CanStart({1, 0, 0})) << "both CPUs are taken";
  ASSERT_TRUE(executor.WaitForOne().has_value());
  EXPECT_TRUE(executor.CanStart({1, 0, 0}));
  executor.Start(Shell(2, "echo \"gpus=$CUDA_VISIBLE_DEVICES\"", {1, 0, 0}));
  executor.WaitForOne();
  EXPECT_EQ(testing::ReadText(dir_ / "1.out"), "gpus=0\n");
  EXPECT_EQ(testing::ReadText(dir_ / "2.out"), "gpus=\n") << "an attempt that declared no GPU sees none";

  executor.Start(Shell(3, "true", {1, 0, 5}));
  std::optional<AttemptOutcome> refused = executor.WaitForOne();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->process.end, ProcessEnd::kStartFailed);
  EXPECT_EQ(refused->process.message, "needs 5 GPU(s); this machine offers 2 (CUDA_VISIBLE_DEVICES or nvidia-smi)");
}

}  // namespace
}  // namespace repro
