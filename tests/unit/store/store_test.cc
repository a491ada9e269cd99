#include "harness/store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <limits>

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
        "DROP TABLE setup_steps; DROP TABLE source_trees; ALTER TABLE metric_values DROP COLUMN count; "
        "DROP TABLE series_chunks; ALTER TABLE attempts ADD COLUMN series_first INTEGER; "
        "ALTER TABLE attempts ADD COLUMN series_last INTEGER; CREATE TABLE metric_series(attempt_id INTEGER NOT NULL, "
        "name TEXT NOT NULL, seq INTEGER NOT NULL, step INTEGER, value REAL, std REAL, flag TEXT NOT NULL); "
        "PRAGMA user_version=1");
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

// A store with one attempt of run "k1", for the series tests.
struct SeriesStore {
  std::unique_ptr<Store> store;
  int64_t attempt = 0;
};
SeriesStore OpenSeriesStore(const std::filesystem::path& path = ":memory:") {
  SeriesStore s{OpenOrDie(path)};
  EXPECT_TRUE(s.store->RecordRun({"k1", "e", "e", "{}", 0}).ok());
  s.attempt = s.store->BeginAttempt("k1", "run")->id;
  return s;
}

std::vector<SeriesPoint> Counting(const std::string& metric, int64_t from, int64_t n) {
  std::vector<SeriesPoint> points;
  for (int64_t i = from; i < from + n; ++i) points.push_back({metric, i, i * 2, i * 0.5, std::nullopt, ValueFlag::kOk});
  return points;
}

std::vector<int64_t> Seqs(const std::vector<SeriesPoint>& points) {
  std::vector<int64_t> seqs;
  for (const SeriesPoint& p : points) seqs.push_back(p.seq);
  return seqs;
}

TEST(StoreTest, SeriesPointsReadBackExactlyWithEveryFlagAndAbsentField) {
  SeriesStore s = OpenSeriesStore();
  std::vector<SeriesPoint> written = {
      {"m", 0, std::nullopt, 0.1, 0.01, ValueFlag::kOk},
      {"m", 1, -7, std::nullopt, std::nullopt, ValueFlag::kNonFinite},
      {"m", 2, int64_t{1} << 62, std::nullopt, 2.5, ValueFlag::kUnparseable},
      {"m", 3, 0, std::nullopt, std::nullopt, ValueFlag::kMissing},
      {"m", 4, 9, -0.0, 5e-324, ValueFlag::kOk},
      {"m", 5, 10, 1.0 / 3.0, std::numeric_limits<double>::max(), ValueFlag::kOk},
  };
  ASSERT_TRUE(s.store->AppendSeries(s.attempt, written).ok());
  std::vector<SeriesPoint> read = *s.store->Series(s.attempt, "m");
  ASSERT_EQ(read.size(), written.size());
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].metric, "m");
    EXPECT_EQ(read[i].seq, written[i].seq);
    EXPECT_EQ(read[i].step, written[i].step) << i;
    EXPECT_EQ(read[i].flag, written[i].flag) << i;
    ASSERT_EQ(read[i].value.has_value(), written[i].value.has_value()) << i;
    ASSERT_EQ(read[i].std.has_value(), written[i].std.has_value()) << i;
    if (read[i].value) {
      EXPECT_EQ(std::bit_cast<uint64_t>(*read[i].value), std::bit_cast<uint64_t>(*written[i].value)) << i;
    }
    if (read[i].std) {
      EXPECT_EQ(std::bit_cast<uint64_t>(*read[i].std), std::bit_cast<uint64_t>(*written[i].std)) << i;
    }
  }
}

TEST(StoreTest, SeveralMetricsInterleavedInOneBatchAreStoredAsOneChunkEach) {
  testing::ScopedTempDir dir;
  SeriesStore s = OpenSeriesStore(dir / "s.db");
  std::vector<SeriesPoint> batch;
  for (int64_t i = 0; i < 100; ++i) {
    batch.push_back({"loss", i, i, 1.0 / (i + 1), std::nullopt, ValueFlag::kOk});
    if (i % 2 == 0) batch.push_back({"acc", i / 2, i, i * 0.01, std::nullopt, ValueFlag::kOk});
  }
  ASSERT_TRUE(s.store->AppendSeries(s.attempt, batch).ok());
  std::vector<SeriesPoint> loss = *s.store->Series(s.attempt, "loss"), acc = *s.store->Series(s.attempt, "acc");
  ASSERT_EQ(loss.size(), 100u);
  ASSERT_EQ(acc.size(), 50u);
  EXPECT_EQ(loss[99].value, 0.01);
  EXPECT_EQ(acc[49].seq, 49);
  EXPECT_EQ(acc[49].step, 98);
  EXPECT_EQ(acc[49].metric, "acc");
  SQLite::Database db((dir / "s.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT group_concat(name || ':' || first_seq || '+' || points, ' ') FROM series_chunks")
                .getString(),
            "acc:0+50 loss:0+100");
}

TEST(StoreTest, ManyBatchesOfOneMetricReadBackInOrderAndThinAcrossChunks) {
  testing::ScopedTempDir dir;
  SeriesStore s = OpenSeriesStore(dir / "s.db");
  for (int64_t from = 0; from < 25000; from += 10000)
    ASSERT_TRUE(s.store->AppendSeries(s.attempt, Counting("acc", from, std::min<int64_t>(10000, 25000 - from))).ok());
  std::vector<SeriesPoint> all = *s.store->Series(s.attempt, "acc");
  ASSERT_EQ(all.size(), 25000u);
  for (int64_t i = 0; i < 25000; ++i) ASSERT_EQ(all[i].seq, i);
  EXPECT_EQ(all[12345].step, 24690);
  std::vector<SeriesPoint> thinned = *s.store->Series(s.attempt, "acc", 10);
  EXPECT_EQ(Seqs(thinned),
            (std::vector<int64_t>{0, 2500, 5000, 7500, 10000, 12500, 15000, 17500, 20000, 22500, 24999}));
  EXPECT_EQ(thinned[1].value, 1250);
  SQLite::Database db((dir / "s.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT group_concat(points, ' ') FROM series_chunks").getString(),
            "4096 4096 1808 4096 4096 1808 4096 904")
      << "no chunk beyond 4,096 points, none across a batch";
}

TEST(StoreTest, PointsOfAMetricWithAGapInTheirPositionsKeepThem) {
  SeriesStore s = OpenSeriesStore();
  std::vector<SeriesPoint> batch = Counting("m", 0, 3);
  std::vector<SeriesPoint> later = Counting("m", 10, 2);
  batch.insert(batch.end(), later.begin(), later.end());
  ASSERT_TRUE(s.store->AppendSeries(s.attempt, batch).ok());
  EXPECT_EQ(Seqs(*s.store->Series(s.attempt, "m")), (std::vector<int64_t>{0, 1, 2, 10, 11}));
  std::vector<SeriesPoint> negative = {{"m", -1, std::nullopt, 1.0, std::nullopt, ValueFlag::kOk}};
  Status refused = s.store->AppendSeries(s.attempt, negative);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("point -1 of metric m has a negative position"), std::string::npos) << refused.error();
}

TEST(StoreTest, DiscardedSeriesIsGoneAndCanBeStoredAgain) {
  SeriesStore s = OpenSeriesStore();
  ASSERT_TRUE(s.store->RecordRun({"k2", "e", "e", "{}", 1}).ok());
  int64_t other = s.store->BeginAttempt("k2", "run2")->id;
  ASSERT_TRUE(s.store->AppendSeries(s.attempt, Counting("m", 0, 5000)).ok());
  ASSERT_TRUE(s.store->AppendSeries(other, Counting("m", 0, 7)).ok());
  ASSERT_TRUE(s.store->DiscardSeries(s.attempt).ok());
  EXPECT_TRUE(s.store->Series(s.attempt, "m")->empty());
  EXPECT_EQ(s.store->Series(other, "m")->size(), 7u) << "another attempt's series is kept";
  ASSERT_TRUE(s.store->AppendSeries(s.attempt, Counting("m", 0, 5000)).ok()) << "stored again, once";
  EXPECT_EQ(s.store->Series(s.attempt, "m")->size(), 5000u);
}

TEST(StoreTest, AVersionFiveDatabaseHasItsSeriesRowsMovedIntoChunks) {
  testing::ScopedTempDir dir;
  std::filesystem::path path = dir / "v5.db";
  int64_t attempt = OpenSeriesStore(path).attempt;
  {  // version 5's series: one row per point, found through the attempt's rowid range
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "DROP TABLE series_chunks; ALTER TABLE attempts ADD COLUMN series_first INTEGER; "
        "ALTER TABLE attempts ADD COLUMN series_last INTEGER; "
        "CREATE TABLE metric_series(attempt_id INTEGER NOT NULL REFERENCES attempts(id), name TEXT NOT NULL, "
        "seq INTEGER NOT NULL, step INTEGER, value REAL, std REAL, flag TEXT NOT NULL); PRAGMA user_version=5");
    SQLite::Statement insert(db, "INSERT INTO metric_series VALUES(?, ?, ?, ?, ?, ?, ?)");
    for (int64_t i = 0; i < 5000; ++i) {  // two metrics interleaved, as they were stored
      for (const char* name : {"loss", "acc"}) {
        if (name[0] == 'a' && i >= 3) continue;
        insert.bind(1, attempt);
        insert.bind(2, name);
        insert.bind(3, i);
        if (i % 2 == 0) insert.bind(4, i * 10);
        if (i != 1) insert.bind(5, i * 0.25);
        if (i == 2) insert.bind(6, 0.5);
        insert.bind(7, i == 1 ? "non-finite" : "ok");
        insert.exec();
        insert.reset();
        insert.clearBindings();
      }
    }
    db.exec("UPDATE attempts SET series_first = 1, series_last = (SELECT max(rowid) FROM metric_series)");
  }
  SeriesStore migrated{OpenOrDie(path), attempt};
  EXPECT_EQ(migrated.store->SchemaVersion(), 6);
  std::vector<SeriesPoint> loss = *migrated.store->Series(attempt, "loss");
  ASSERT_EQ(loss.size(), 5000u);
  EXPECT_EQ(loss[4999].seq, 4999);
  EXPECT_EQ(loss[4999].value, 4999 * 0.25);
  EXPECT_EQ(loss[4999].step, std::nullopt);
  EXPECT_EQ(loss[4998].step, 49980);
  EXPECT_EQ(loss[1].flag, ValueFlag::kNonFinite);
  EXPECT_EQ(loss[1].value, std::nullopt);
  EXPECT_EQ(loss[2].std, 0.5);
  EXPECT_EQ(Seqs(*migrated.store->Series(attempt, "acc")), (std::vector<int64_t>{0, 1, 2}));
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'metric_series'").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM pragma_table_info('attempts') WHERE name LIKE 'series_%'").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT sum(points) FROM series_chunks").getInt(), 5003);
}

TEST(StoreTest, AFailedMigrationLeavesTheVersionFiveSeriesAsTheyWere) {
  testing::ScopedTempDir dir;
  std::filesystem::path path = dir / "v5.db";
  int64_t attempt = OpenSeriesStore(path).attempt;
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(
        "DROP TABLE series_chunks; ALTER TABLE attempts ADD COLUMN series_first INTEGER; "
        "ALTER TABLE attempts ADD COLUMN series_last INTEGER; "
        "CREATE TABLE metric_series(attempt_id INTEGER NOT NULL, name TEXT NOT NULL, "
        "seq INTEGER NOT NULL, step INTEGER, value REAL, std REAL, flag TEXT NOT NULL); PRAGMA user_version=5");
    db.exec(
        fmt::format("INSERT INTO metric_series VALUES({0}, 'm', 0, 0, 1.0, NULL, 'ok'), "
                    "({0}, 'm', 1, 1, NULL, NULL, 'approximate')",
                    attempt));
    db.exec("UPDATE attempts SET series_first = 1, series_last = 2");
  }
  Result<std::unique_ptr<Store>> refused = Store::Open(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("the value flag 'approximate' is not one this repro knows"), std::string::npos)
      << refused.error();
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), 5);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM metric_series").getInt(), 2);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'series_chunks'").getInt(), 0);
}

TEST(StoreTest, ExportedRunsCarryTheirSeriesChunks) {
  testing::ScopedTempDir dir;
  SeriesStore s = OpenSeriesStore(dir / "all.db");
  ASSERT_TRUE(s.store->RecordManifest("sha", "m.yaml", "paper: {}").ok());
  ASSERT_TRUE(s.store->RecordRun({"k2", "e", "e", "{}", 1}).ok());
  int64_t left_out = s.store->BeginAttempt("k2", "run2")->id;
  ASSERT_TRUE(s.store->AppendSeries(s.attempt, Counting("m", 0, 6000)).ok());
  ASSERT_TRUE(s.store->AppendSeries(left_out, Counting("m", 0, 3)).ok());
  ASSERT_TRUE(s.store->ExportRuns({"k1"}, "sha", dir / "bundle.db").ok());
  std::unique_ptr<Store> bundle = OpenOrDie(dir / "bundle.db");
  std::vector<SeriesPoint> carried = *bundle->Series(s.attempt, "m");
  ASSERT_EQ(carried.size(), 6000u);
  EXPECT_EQ(carried[5999].value, 5999 * 0.5);
  EXPECT_TRUE(bundle->Series(left_out, "m")->empty());
}

// A chunk of "data" claiming "points" points from position 0, written past the store.
Result<std::vector<SeriesPoint>> ReadEditedChunk(const std::filesystem::path& dir, int64_t points,
                                                 const std::string& edit) {
  SeriesStore s = OpenSeriesStore(dir / "edited.db");
  EXPECT_TRUE(s.store->AppendSeries(s.attempt, Counting("m", 0, 3)).ok());
  {
    SQLite::Database db((dir / "edited.db").string(), SQLite::OPEN_READWRITE);
    db.exec(fmt::format("UPDATE series_chunks SET points = {}, {}", points, edit));
  }
  return s.store->Series(s.attempt, "m");
}

TEST(StoreTest, ADamagedSeriesChunkIsAnErrorThatSaysSo) {
  testing::ScopedTempDir dir;
  std::string prefix = (dir / "edited.db").string() + " is damaged: series chunk of attempt 1 metric m at position ";
  struct Damage {
    int64_t points;
    std::string edit, says;
  } damages[] = {
      {4, "data = data", "0: it claims 4 points in 78 bytes (26 each)"},
      {3, "data = substr(data, 1, 77)", "0: it claims 3 points in 77 bytes (26 each)"},
      {0, "data = x''", "0: it claims 0 points"},
      {-5, "data = data", "0: it claims -5 points"},
      {9223372036854775807, "data = data", "0: it claims 9223372036854775807 points in 78 bytes (26 each)"},
      {3, "first_seq = -3", "-3: it starts at position -3"},
      {3, "first_seq = 9223372036854775806",
       "9223372036854775806: its 3 points from position 9223372036854775806 overflow"},
      {1, "data = x'07" + std::string(50, '0') + "'", "0: point 0 has the unknown flag byte 7"},
      {1, "data = x'0008" + std::string(48, '0') + "'", "0: point 0 has the unknown field bits 0x08"},
      {3, "data = 'text, not a blob: 26 bytes'", "0: it claims 3 points in 26 bytes (26 each)"},
  };
  for (const Damage& damage : damages) {
    std::filesystem::remove_all(dir.path());
    std::filesystem::create_directories(dir.path());
    Result<std::vector<SeriesPoint>> read = ReadEditedChunk(dir.path(), damage.points, damage.edit);
    ASSERT_FALSE(read.ok()) << damage.edit;
    EXPECT_EQ(read.error(), prefix + damage.says + "; restore it or re-run") << damage.edit;
  }
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
  EXPECT_NE(newer.error().find("schema version 99, newer than this repro understands (6); upgrade repro"),
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
