#include "harness/store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

std::unique_ptr<Store> OpenOrDie(const std::filesystem::path& path) {
  Result<std::unique_ptr<Store>> store = Store::Open(path);
  EXPECT_TRUE(store.ok()) << store.error();
  return std::move(store).value();
}

MetricRecord Metric(const std::string& name, std::optional<double> value, ValueFlag flag) {
  return MetricRecord{name, value, std::nullopt, flag, "", "%", 1};
}

TEST(StoreTest, FreshDatabaseHasTheCurrentSchema) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  EXPECT_EQ(store->SchemaVersion(), Store::kSchemaVersion);
}

TEST(StoreTest, KeepsTheFilesOfEachLocalCodeNewestFirst) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->RecordSourceTree({"tree:a", "/code", "1 a.py\n", ""}).ok());
  ASSERT_TRUE(store->RecordSourceTree({"tree:b", "/code", "2 a.py\n", ""}).ok());
  ASSERT_TRUE(store->RecordSourceTree({"tree:c", "/other", "3 b.py\n", ""}).ok());
  std::vector<SourceTreeRecord> trees = *store->SourceTrees("/code");
  ASSERT_EQ(trees.size(), 2u);
  EXPECT_EQ(trees[0].identity, "tree:b");
  EXPECT_EQ(trees[1].files, "1 a.py\n");
  EXPECT_FALSE(trees[0].recorded_at.empty());
}

TEST(StoreTest, AVersionOneDatabaseIsMigratedKeepingItsAttempts) {
  testing::ScopedTempDir dir;
  std::string path = (dir / "old.db").string();
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_TRUE(store->RecordRun({"k1", "mlp", "mlp seed=0", "{}", 0}).ok());
    AttemptRecord attempt = *store->BeginAttempt("k1", "results/x/run");
    attempt.status = AttemptStatus::kCompleted;
    ASSERT_TRUE(store->FinishAttempt(attempt).ok());
  }
  {  // what version 1 looked like
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(
        "ALTER TABLE attempts DROP COLUMN environment; ALTER TABLE attempts DROP COLUMN job; DROP TABLE environments; "
        "DROP TABLE setup_steps; DROP TABLE source_trees; ALTER TABLE metric_values DROP COLUMN count; PRAGMA "
        "user_version=1");
  }
  std::unique_ptr<Store> store = OpenOrDie(path);
  EXPECT_EQ(store->SchemaVersion(), Store::kSchemaVersion);
  AttemptRecord kept = **store->LatestAttempt("k1");
  EXPECT_EQ(kept.status, AttemptStatus::kCompleted);
  EXPECT_EQ(kept.environment, "");
  ASSERT_TRUE(store->RecordEnvironment("e1", "{\"os\": \"x\"}").ok());
  kept.environment = "e1";
  ASSERT_TRUE(store->FinishAttempt(kept).ok());
  EXPECT_EQ((*store->LatestAttempt("k1"))->environment, "e1");
  EXPECT_EQ(*store->EnvironmentJson("e1"), "{\"os\": \"x\"}");
}

TEST(StoreTest, AStatusOrFlagThisRepoDoesNotKnowIsAnErrorNotAGuess) {
  testing::ScopedTempDir dir;
  std::string path = (dir / "edited.db").string();
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_TRUE(store->RecordRun({"k1", "mlp", "mlp seed=0", "{}", 0}).ok());
    AttemptRecord attempt = *store->BeginAttempt("k1", "results/x/run");
    attempt.status = AttemptStatus::kCompleted;
    attempt.metrics = {Metric("acc", 0.9, ValueFlag::kOk)};
    ASSERT_TRUE(store->FinishAttempt(attempt).ok());
  }
  {  // a newer repro's word, or an edit
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE metric_values SET flag = 'approximate'");
  }
  std::unique_ptr<Store> store = OpenOrDie(path);
  Result<std::optional<AttemptRecord>> read = store->LatestAttempt("k1");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().find("the value flag 'approximate' is not one this repro knows"), std::string::npos)
      << read.error();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE metric_values SET flag = 'ok'; UPDATE attempts SET status = 'paused'");
  }
  read = store->LatestAttempt("k1");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().find("the status 'paused' is not one this repro knows"), std::string::npos) << read.error();
}

TEST(StoreTest, AnAttemptOnSlurmIsNeitherAbandonedNorClaimedByAnotherRunner) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->RecordRun({"k1", "mlp", "mlp seed=0", "{}", 0}).ok());
  AttemptRecord first = *store->BeginAttempt("k1", "results/x/run");
  ASSERT_TRUE(store->SetAttemptJobs({{first.id, "4242_3"}}).ok());
  EXPECT_EQ((*store->LatestAttempt("k1"))->job, "4242_3");
  EXPECT_EQ(*store->RecoverAbandonedAttempts(), 0);
  EXPECT_FALSE(store->ClaimAttempt("k1", "results/x/run", /*rerun_completed=*/true)->has_value());

  // Slurm requeued the task: the same job continues as attempt 2.
  AttemptRecord second = *store->ContinueAttempt(**store->LatestAttempt("k1"), "results/x/run/attempt-2");
  EXPECT_EQ(second.number, 2);
  EXPECT_EQ(second.job, "4242_3");
  EXPECT_EQ((*store->LatestAttempt("k1"))->dir, "results/x/run/attempt-2");
}

TEST(StoreTest, AttemptsAreNumberedAndCarryTheirMetrics) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->RecordRun({"k1", "mlp", "mlp seed=0", "{}", 0}).ok());
  EXPECT_FALSE(store->LatestAttempt("k1").value().has_value());

  AttemptRecord first = *store->BeginAttempt("k1", "results/x/run");
  EXPECT_EQ(first.number, 1);
  EXPECT_EQ(first.dir, "results/x/run/attempt-1");
  EXPECT_EQ((*store->LatestAttempt("k1"))->status, AttemptStatus::kRunning);
  first.status = AttemptStatus::kFailed;
  first.exit_code = 3;
  ASSERT_TRUE(store->FinishAttempt(first).ok());

  AttemptRecord second = *store->BeginAttempt("k1", "results/x/run");
  EXPECT_EQ(second.number, 2);
  second.status = AttemptStatus::kCompleted;
  second.exit_code = 0;
  second.metrics = {Metric("acc", 0.9, ValueFlag::kOk), Metric("loss", std::nullopt, ValueFlag::kNonFinite)};
  ASSERT_TRUE(store->FinishAttempt(second).ok());

  AttemptRecord latest = **store->LatestAttempt("k1");
  EXPECT_EQ(latest.number, 2);
  EXPECT_EQ(latest.status, AttemptStatus::kCompleted);
  EXPECT_EQ(latest.exit_code, 0);
  EXPECT_FALSE(latest.signal.has_value());
  ASSERT_EQ(latest.metrics.size(), 2u);
  EXPECT_EQ(latest.metrics[0].value, 0.9);
  EXPECT_EQ(latest.metrics[0].unit, "%");
  EXPECT_EQ(latest.metrics[0].points, 1);
  EXPECT_EQ(latest.metrics[1].flag, ValueFlag::kNonFinite);
  EXPECT_FALSE(latest.metrics[1].value.has_value());
}

TEST(StoreTest, SeriesArriveInBatchesAndReadBackInOrder) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->RecordRun({"k1", "e", "e", "{}", 0}).ok());
  AttemptRecord attempt = *store->BeginAttempt("k1", "run");
  std::vector<SeriesPoint> batch;
  for (int i = 0; i < 3; ++i) batch.push_back({"loss", i, i * 10, 1.0 / (i + 1), std::nullopt, ValueFlag::kOk});
  batch.push_back({"loss", 3, 30, std::nullopt, std::nullopt, ValueFlag::kNonFinite});
  ASSERT_TRUE(store->AppendSeries(attempt.id, {batch.begin(), batch.begin() + 2}).ok());
  ASSERT_TRUE(store->AppendSeries(attempt.id, {batch.begin() + 2, batch.end()}).ok());
  std::vector<SeriesPoint> read = *store->Series(attempt.id, "loss");
  ASSERT_EQ(read.size(), 4u);
  EXPECT_EQ(read[2].step, 20);
  EXPECT_EQ(read[3].flag, ValueFlag::kNonFinite);
  EXPECT_FALSE(read[3].value.has_value()) << "NaN is never stored as a number";
  EXPECT_TRUE(store->Series(attempt.id, "acc")->empty());
}

TEST(StoreTest, AThinnedSeriesKeepsEveryKthPointAndTheLast) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->RecordRun({"k1", "e", "e", "{}", 0}).ok());
  AttemptRecord attempt = *store->BeginAttempt("k1", "run");
  std::vector<SeriesPoint> points;
  for (int i = 0; i < 1001; ++i) points.push_back({"acc", i, i, i * 0.001, std::nullopt, ValueFlag::kOk});
  ASSERT_TRUE(store->AppendSeries(attempt.id, points).ok());
  std::vector<SeriesPoint> thinned = *store->Series(attempt.id, "acc", 100);
  ASSERT_EQ(thinned.size(), 92u) << "stride 11: seq 0, 11, ..., 990 (91 points), and the last";
  EXPECT_EQ(thinned[1].seq, 11);
  EXPECT_EQ(thinned.back().seq, 1000);
  EXPECT_EQ(store->Series(attempt.id, "acc", 2000)->size(), 1001u) << "fewer than the limit: all of them";
}

TEST(StoreTest, RunsAreFoundByKeyPrefix) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->RecordRun({"abcd1111", "e", "e seed=0", "{}", 0}).ok());
  ASSERT_TRUE(store->RecordRun({"abcd2222", "e", "e seed=1", "{}", 1}).ok());
  EXPECT_EQ(store->FindRuns("abcd")->size(), 2u);
  EXPECT_EQ(store->FindRuns("abcd2")->front().label, "e seed=1");
  EXPECT_TRUE(store->FindRuns("ffff")->empty());
  EXPECT_FALSE(store->FindRuns("ab").ok()) << "too short to be meant";
}

TEST(StoreTest, AttemptOfAKilledRunnerIsMarkedInterrupted) {
  ScopedTempDir dir;
  std::filesystem::path db = dir / "repro.db";
  ASSERT_TRUE(OpenOrDie(db)->RecordRun({"k1", "e", "e seed=0", "{}", 0}).ok());
  pid_t child = ::fork();
  if (child == 0) {
    // A runner that starts an attempt and dies without a word, like kill -9.
    Result<std::unique_ptr<Store>> store = Store::Open(db);
    if (store.ok()) (void)(*store)->BeginAttempt("k1", "run");
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  std::unique_ptr<Store> store = OpenOrDie(db);
  EXPECT_EQ((*store->LatestAttempt("k1"))->status, AttemptStatus::kRunning);
  EXPECT_EQ(*store->RecoverAbandonedAttempts(), 1);
  EXPECT_EQ((*store->LatestAttempt("k1"))->status, AttemptStatus::kInterrupted);
  EXPECT_EQ(*store->RecoverAbandonedAttempts(), 0);
  EXPECT_EQ(store->BeginAttempt("k1", "run")->number, 2);
}

TEST(StoreTest, LiveRunnersAttemptsAreLeftAlone) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->RecordRun({"k1", "e", "e", "{}", 0}).ok());
  ASSERT_TRUE(store->BeginAttempt("k1", "run").ok());
  EXPECT_EQ(*store->RecoverAbandonedAttempts(), 0);  // this process is alive
}

TEST(StoreTest, RefusesFilesThatAreNotItsDatabase) {
  ScopedTempDir dir;
  testing::WriteText(dir / "garbage.db", std::string(8192, 'x'));
  Result<std::unique_ptr<Store>> garbage = Store::Open(dir / "garbage.db");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().find("garbage.db"), std::string::npos) << garbage.error();
  EXPECT_EQ(testing::ReadText(dir / "garbage.db"), std::string(8192, 'x')) << "never overwritten";

  {
    SQLite::Database other((dir / "other.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE notes(x)");
  }
  Result<std::unique_ptr<Store>> other = Store::Open(dir / "other.db");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().find("not one of repro's; use another --db path"), std::string::npos) << other.error();

  OpenOrDie(dir / "newer.db");
  {
    SQLite::Database newer((dir / "newer.db").string(), SQLite::OPEN_READWRITE);
    newer.exec("PRAGMA user_version=99");
  }
  Result<std::unique_ptr<Store>> newer = Store::Open(dir / "newer.db");
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.error().find("schema version 99, newer than this repro understands (5); upgrade repro"),
            std::string::npos)
      << newer.error();
}

TEST(StoreTest, VerdictsAndSetupsAreKept) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  VerdictRecord v{"c1", "reproduced", 3, 0.9, 0.01, 0.88, 0.92, 0.0, "fine", "{}"};
  ASSERT_TRUE(store->SaveVerdicts("sha", {v}).ok());
  ASSERT_TRUE(store->SaveVerdicts("sha", {v}).ok()) << "saving again replaces";
  EXPECT_FALSE(*store->SetupCompleted("s1"));
  ASSERT_TRUE(store->RecordSetup("s1", AttemptStatus::kCompleted, "logs").ok());
  EXPECT_TRUE(*store->SetupCompleted("s1"));
}

}  // namespace
}  // namespace repro
