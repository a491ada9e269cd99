// The files a Slurm task leaves for the submitting repro: result.json, series.tsv and the
// array's tasks.json. Each must come back exactly as written, and a damaged one must be
// refused with its path, never half-read.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness/runner/attempt.h"
#include "harness/runner/job_side.h"
#include "tests/test_util.h"
#include "tests/unit/runner/toy_run.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

TEST(JobRecordTest, AResultRecordReadsBackAsWritten) {
  ScopedTempDir dir;
  JobResult result;
  result.attempt.run_key = "k1";
  result.attempt.number = 3;
  result.attempt.status = AttemptStatus::kFailed;
  result.attempt.exit_code = 2;
  result.attempt.wall_seconds = 1.25;
  result.attempt.cpu_seconds = 0.5;
  result.attempt.peak_rss_kib = 2048;
  result.attempt.started_at = "2026-11-24T10:00:00Z";
  result.attempt.finished_at = "2026-11-24T10:00:01Z";
  result.attempt.message = "a \"quoted\" note";
  result.attempt.environment = "abc";
  result.attempt.metrics = {{"acc", 0.1 + 0.2, std::nullopt, ValueFlag::kOk, "", "%", 7},
                            {"loss", std::nullopt, 0.5, ValueFlag::kNonFinite, "nan", "", 1}};
  result.job = "42_3";
  result.node = "node7";
  result.restart = 2;
  result.argv = {"python", "it's.py"};
  result.environment_json = "{\"os\": \"x\"}";
  result.series_points = 8;
  ASSERT_TRUE(WriteJobResult(dir.path(), result).ok());

  Result<JobResult> read = ReadJobResult(dir.path());
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read->attempt.status, AttemptStatus::kFailed);
  EXPECT_EQ(read->attempt.exit_code, 2);
  EXPECT_FALSE(read->attempt.signal.has_value());
  EXPECT_EQ(read->attempt.number, 3);
  EXPECT_EQ(read->attempt.message, result.attempt.message);
  EXPECT_EQ(read->attempt.metrics.size(), 2u);
  EXPECT_EQ(read->attempt.metrics[0].value, 0.1 + 0.2);  // bit for bit
  EXPECT_EQ(read->attempt.metrics[0].points, 7);
  EXPECT_EQ(read->attempt.metrics[1].std, 0.5);
  EXPECT_EQ(read->attempt.metrics[1].flag, ValueFlag::kNonFinite);
  EXPECT_EQ(read->job, "42_3");
  EXPECT_EQ(read->restart, 2);
  EXPECT_EQ(read->argv, result.argv);
  EXPECT_EQ(read->environment_json, result.environment_json);  // its text, so its sha256 holds
  EXPECT_EQ(read->series_points, 8);
}

TEST(JobRecordTest, ADamagedRecordIsRefusedWithItsPath) {
  ScopedTempDir dir;
  EXPECT_FALSE(ReadJobResult(dir.path()).ok());  // none yet
  testing::WriteText(dir / kJobResultFile, "{\"schema\": 1, \"status\": \"compl");
  Result<JobResult> read = ReadJobResult(dir.path());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().find((dir / kJobResultFile).string()), std::string::npos) << read.error();
}

TEST(JobRecordTest, SeriesLinesReadBackExactlyInBatches) {
  ScopedTempDir dir;
  std::string text;
  const int n = static_cast<int>(SeriesBuffer::kBatch) + 5;
  for (int i = 0; i < n; ++i) {
    Observation o;
    o.step = i % 3 == 0 ? std::optional<int64_t>() : std::optional<int64_t>(i * 10);
    o.value = 1.0 / (i + 3);
    if (i % 7 == 0) o.std = 0.1;
    if (i == 4) o.flag = ValueFlag::kNonFinite;
    text += SeriesLine("val/acc", i, o);
  }
  testing::WriteText(dir / kJobSeriesFile, text);
  std::vector<SeriesPoint> points;
  int batches = 0;
  Status read = ReadSeriesFile(dir / kJobSeriesFile, [&](std::vector<SeriesPoint>& batch) {
    ++batches;
    points.insert(points.end(), batch.begin(), batch.end());
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(batches, 2);
  ASSERT_EQ(points.size(), static_cast<size_t>(n));
  EXPECT_EQ(points[1].value, 1.0 / 4);
  EXPECT_EQ(points[1].step, 10);
  EXPECT_FALSE(points[0].step.has_value());
  EXPECT_EQ(points[0].std, 0.1);
  EXPECT_FALSE(points[4].value.has_value());
  EXPECT_EQ(points[4].flag, ValueFlag::kNonFinite);
  EXPECT_EQ(points[n - 1].seq, n - 1);
  EXPECT_EQ(points[n - 1].metric, "val/acc");
}

TEST(JobRecordTest, ATruncatedSeriesLineIsAnErrorNamingTheLine) {
  ScopedTempDir dir;
  testing::WriteText(dir / kJobSeriesFile, "acc\t0\t\t0.5\t\tok\nacc\t1\t");
  Status read = ReadSeriesFile(dir / kJobSeriesFile, [](std::vector<SeriesPoint>&) { return Status::Ok(); });
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().find(kJobSeriesFile + std::string(":2")), std::string::npos) << read.error();
}

TEST(JobRecordTest, ATaskFileKeepsTheManifestAsSubmitted) {
  ScopedTempDir dir;
  ArrayTasks tasks;
  tasks.manifest_path = "/papers/p.yaml";
  tasks.manifest_text = "paper: {title: \"x\"}\n";
  tasks.source_identity = "git:abc";
  tasks.settings = {"/cache/src", true, 2.5, 1 << 20};
  tasks.tasks = {{"k1", "/r/run-a", 1}, {"k2", "/r/run-b", 4}};
  tasks.packs = {{1, 0}};
  ASSERT_TRUE(WriteArrayTasks(dir / kTaskFile, tasks).ok());
  Result<ArrayTasks> read = ReadArrayTasks(dir / kTaskFile);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read->manifest_text, tasks.manifest_text);
  EXPECT_TRUE(read->settings.sandbox);
  EXPECT_EQ(read->settings.log_cap_bytes, 1 << 20);
  ASSERT_EQ(read->tasks.size(), 2u);
  EXPECT_EQ(TaskAttemptDir(read->tasks[1], 0), "/r/run-b/attempt-4");
  EXPECT_EQ(TaskAttemptDir(read->tasks[1], 2), "/r/run-b/attempt-6");  // requeued twice
  EXPECT_EQ(read->packs, (std::vector<std::vector<int>>{{1, 0}}));
  EXPECT_EQ(read->ArrayTaskCount(), 1) << "one array task runs the pack of two";

  tasks.packs = {{0, 2}};
  ASSERT_TRUE(WriteArrayTasks(dir / kTaskFile, tasks).ok());
  Result<ArrayTasks> bad = ReadArrayTasks(dir / kTaskFile);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("a pack names task 2 of 2"), std::string::npos) << bad.error();
}

// A pack of short attempts run as one Slurm array task would run it (without Slurm): each
// attempt in turn, each with its own folder and record; after a requeue, only the attempts
// that left no record run again.
class PackedTaskTest : public testing::ToyRunTest<> {
 protected:
  void TearDown() override { ::unsetenv("SLURM_RESTART_COUNT"); }

  std::filesystem::path WriteTasks() {
    ArrayTasks tasks;
    tasks.manifest_path = dir_ / "m.yaml";
    tasks.manifest_text = manifest_.text;
    tasks.source_identity = "tree:abc";
    tasks.settings.source_dir = dir_ / "code";
    for (const RunSpec& run : runs_) tasks.tasks.push_back({run.key, dir_ / "results" / run.key.substr(0, 12), 1});
    tasks.packs = {{2, 0, 1}};
    EXPECT_TRUE(WriteArrayTasks(dir_ / kTaskFile, tasks).ok());
    task_dirs_.clear();
    for (const ArrayTasks::Task& task : tasks.tasks) task_dirs_.push_back(task.run_dir);
    return dir_ / kTaskFile;
  }
  std::vector<std::filesystem::path> task_dirs_;
};

TEST_F(PackedTaskTest, EachAttemptOfAPackHasItsOwnRecordAndARequeueRunsOnlyWhatLeftNone) {
  Load(testing::ToyManifest(R"([/bin/sh, -c, "echo acc=0.{seed}"])"));
  std::filesystem::path file = WriteTasks();
  Result<std::vector<JobResult>> first = RunJobSideTask(file, 0);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->size(), 3u);
  for (const JobResult& result : *first) EXPECT_EQ(result.attempt.status, AttemptStatus::kCompleted);
  EXPECT_EQ((*first)[0].attempt.run_key, runs_[2].key) << "in the pack's order";
  for (const std::filesystem::path& run_dir : task_dirs_) {
    EXPECT_TRUE(std::filesystem::exists(run_dir / "attempt-1" / kJobResultFile)) << run_dir;
  }
  EXPECT_FALSE(RunJobSideTask(file, 1).ok()) << "one array task, not two";

  // Requeued after the pack's second attempt: the third left no record and runs again.
  std::filesystem::remove(task_dirs_[1] / "attempt-1" / kJobResultFile);
  ::setenv("SLURM_RESTART_COUNT", "1", 1);
  Result<std::vector<JobResult>> again = RunJobSideTask(file, 0);
  ASSERT_TRUE(again.ok()) << again.error();
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempt.run_key, runs_[1].key);
  EXPECT_EQ((*again)[0].attempt.number, 2);
  EXPECT_TRUE(std::filesystem::exists(task_dirs_[1] / "attempt-2" / kJobResultFile));
  EXPECT_FALSE(std::filesystem::exists(task_dirs_[0] / "attempt-2")) << "an attempt that ended is not run again";
}

TEST(JobRecordTest, AJobSideAttemptOfAnUnknownTaskWritesNothingAndSaysWhy) {
  ScopedTempDir dir;
  Result<std::vector<JobResult>> result = RunJobSideTask(dir / "missing.json", 0);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("cannot read " + (dir / "missing.json").string()), std::string::npos) << result.error();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace repro
