#include "harness/store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "harness/store/series_chunk.h"
#include "harness/store/sqlite_util.h"
#include "harness/util/process_identity.h"
#include "harness/util/time.h"

namespace repro {
namespace {

using store_internal::BindName;
using store_internal::ColumnDouble;
using store_internal::ColumnFlag;
using store_internal::ColumnInt;
using store_internal::ColumnStatus;
using store_internal::DamageHint;
using store_internal::DbError;
using store_internal::StatementLease;

// Version 2: each attempt names the environment it ran in (fingerprint/fingerprint.h).
constexpr const char* kMigrationToV2 = R"sql(
CREATE TABLE environments(
  sha256 TEXT PRIMARY KEY,
  json TEXT NOT NULL,
  first_seen TEXT NOT NULL);
ALTER TABLE attempts ADD COLUMN environment TEXT REFERENCES environments(sha256);
)sql";

// Version 3: an attempt run as a Slurm job names it ("4242_7"); such an attempt is followed
// through Slurm, never judged dead by its runner's process.
constexpr const char* kMigrationToV3 = R"sql(
ALTER TABLE attempts ADD COLUMN job TEXT;
)sql";

// Version 4: each setup step as it ran (command, end, durations, logs), every execution
// kept: reports show the steps and count their compute. A JSON file beside the setup logs
// would do too, but the store is what reports read and what a bundle's database carries.
constexpr const char* kMigrationToV4 = R"sql(
CREATE TABLE setup_steps(
  setup_key TEXT NOT NULL,
  execution INTEGER NOT NULL,
  step INTEGER NOT NULL,
  argv_json TEXT NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER,
  signal INTEGER,
  wall_seconds REAL NOT NULL,
  cpu_seconds REAL NOT NULL,
  peak_rss_kib INTEGER NOT NULL,
  stdout_path TEXT NOT NULL,
  stderr_path TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY(setup_key, execution, step));
-- How many values a metric's printed value and spread summarise (a regex's group n):
-- with it, one run's own "mean +/- std" is a sample the verdict can test.
ALTER TABLE metric_values ADD COLUMN count INTEGER;
)sql";

// Version 5: the files of each local folder's code that runs were made from, with their
// sha256, so that compare can say which files changed since (source/tree.h) rather than
// show every claim pending.
constexpr const char* kMigrationToV5 = R"sql(
CREATE TABLE source_trees(
  identity TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  files TEXT NOT NULL,
  recorded_at TEXT NOT NULL);
)sql";

// Version 6: series as chunks of many points (series_chunk.h), not one row per point: one
// row per point made storing a long series cost four times the run's own time (issue #20).
// WITHOUT ROWID on the primary key keeps an attempt's chunks of one metric together and in
// order, so a read is one range of the table and no second index is maintained while
// storing. MoveSeriesIntoChunks converts the rows of metric_series before it is dropped;
// the rowid range columns that found those rows go with it.
constexpr const char* kMigrationToV6 = R"sql(
CREATE TABLE series_chunks(
  attempt_id INTEGER NOT NULL REFERENCES attempts(id),
  name TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  points INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY(attempt_id, name, first_seq)) WITHOUT ROWID;
)sql";
constexpr const char* kDropSeriesRows = R"sql(
DROP TABLE metric_series;
ALTER TABLE attempts DROP COLUMN series_first;
ALTER TABLE attempts DROP COLUMN series_last;
)sql";

constexpr const char* kInsertChunkSql =
    "INSERT INTO series_chunks(attempt_id, name, first_seq, points, data) VALUES(?,?,?,?,?)";

// Version 1 as it was; later versions change it through the migrations above (version 6
// replaced metric_series and the rowid range columns).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE manifests(
  sha256 TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  text TEXT NOT NULL,
  first_seen TEXT NOT NULL);
CREATE TABLE runs(
  key TEXT PRIMARY KEY,
  experiment TEXT NOT NULL,
  label TEXT NOT NULL,
  params_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE attempts(
  id INTEGER PRIMARY KEY,
  run_key TEXT NOT NULL REFERENCES runs(key),
  number INTEGER NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER,
  signal INTEGER,
  wall_seconds REAL,
  cpu_seconds REAL,
  peak_rss_kib INTEGER,
  dir TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  runner TEXT NOT NULL,            -- host:pid:start of the repro process running it
  started_at TEXT NOT NULL,
  finished_at TEXT,
  series_first INTEGER,             -- rowid range of this attempt's metric_series rows
  series_last INTEGER,
  UNIQUE(run_key, number));
CREATE TABLE metric_values(
  attempt_id INTEGER NOT NULL REFERENCES attempts(id),
  name TEXT NOT NULL,
  value REAL,
  std REAL,
  flag TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '',
  points INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(attempt_id, name));
CREATE TABLE metric_series(
  attempt_id INTEGER NOT NULL REFERENCES attempts(id),
  name TEXT NOT NULL,
  seq INTEGER NOT NULL,
  step INTEGER,
  value REAL,
  std REAL,
  flag TEXT NOT NULL);
-- No index on metric_series: maintaining one during ingest more than halves its speed.
-- An attempt's rows are found through its rowid range (attempts.series_first/last).
CREATE TABLE setups(
  key TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  log_dir TEXT NOT NULL,
  finished_at TEXT NOT NULL);
CREATE TABLE verdicts(
  manifest_sha256 TEXT NOT NULL,
  claim_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  n INTEGER NOT NULL,
  mean REAL, std REAL, ci_low REAL, ci_high REAL, delta REAL,
  reason TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY(manifest_sha256, claim_id));
)sql";

// SQLite turns NaN into NULL silently, so only finite values are ever bound as numbers.
void BindOptional(SQLite::Statement& statement, int index, const std::optional<double>& value) {
  if (value)
    statement.bind(index, *value);
  else
    statement.bind(index);
}
void BindOptional(SQLite::Statement& statement, int index, const std::optional<int>& value) {
  if (value)
    statement.bind(index, *value);
  else
    statement.bind(index);
}
void BindOptional(SQLite::Statement& statement, int index, const std::optional<int64_t>& value) {
  if (value)
    statement.bind(index, static_cast<int64_t>(*value));
  else
    statement.bind(index);
}

}  // namespace

Store::Store(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
// Statements must be finalized before the database is closed.
Store::~Store() { prepared_.clear(); }

template <typename Body>
Status Store::Write(std::string_view what, Body&& body) {
  try {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (Status status = body(); !status) return status;  // the destructor rolls back
    transaction.commit();
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return DbError(what, e);
  }
}

SQLite::Statement& Store::Prepared(const char* sql) {
  std::unique_ptr<SQLite::Statement>& statement = prepared_[sql];
  if (!statement) {
    statement = std::make_unique<SQLite::Statement>(*db_, sql);
  } else {
    statement->reset();
    statement->clearBindings();
  }
  return *statement;
}

// SQLite's page cache, 32 MiB at most (the default is 2 MiB): reading every run of a lab's
// store (10,000 runs, 1 M points in 40 MB) otherwise reads the same pages again and again.
constexpr const char* kCacheSizePragma = "PRAGMA cache_size=-32768";

// SQLite's own checks of each page as it is read, its advice for files that may be damaged or
// forged (a bundle's database is a stranger's): cheap, where PRAGMA quick_check reads the
// whole file at every open (0.17 s of a lab's 40 MB store, more than `compare` needs).
constexpr const char* kCellSizeCheckPragma = "PRAGMA cell_size_check=ON";

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& path) {
  try {
    auto db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->setBusyTimeout(10000);
    // A file that is not a database fails here, before any write; damage inside one fails the
    // read or write that meets it (store_internal::DbError), checked page by page.
    db->exec(kCellSizeCheckPragma);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=NORMAL");
    db->exec("PRAGMA foreign_keys=ON");
    db->exec(kCacheSizePragma);
    std::unique_ptr<Store> store(new Store(std::move(db)));
    if (Status migrated = store->Migrate(); !migrated) return Error{migrated.error()};
    return store;
  } catch (const SQLite::Exception& e) {
    return Error{fmt::format("cannot open database {}: {}{}", path.string(), e.what(), DamageHint(e))};
  }
}

Result<std::unique_ptr<Store>> Store::OpenReadOnly(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error{
        fmt::format("no database at {}: nothing has been run with these results. Run 'repro run MANIFEST' first, "
                    "or point --results (or --db) at the folder of an earlier run",
                    path.string())};
  }
  try {
    // A database in WAL mode needs its -shm file even to read; where that cannot be made (a
    // read-only folder or medium), SQLite reads it as immutable instead.
    std::unique_ptr<SQLite::Database> db;
    try {
      db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READONLY);
      db->execAndGet("PRAGMA user_version");
    } catch (const SQLite::Exception&) {
      std::string uri = "file:" + std::filesystem::absolute(path).string() + "?immutable=1";
      db = std::make_unique<SQLite::Database>(uri, SQLite::OPEN_READONLY | SQLite::OPEN_URI);
    }
    db->setBusyTimeout(10000);
    db->exec(kCellSizeCheckPragma);
    db->exec(kCacheSizePragma);
    std::unique_ptr<Store> store(new Store(std::move(db)));
    int version = store->SchemaVersion();
    if (version == 0)
      return Error{
          fmt::format("{} is empty or not one of repro's databases: nothing has been run with it", path.string())};
    if (version > kSchemaVersion) {
      return Error{fmt::format("{} has schema version {}, newer than this repro understands ({}); upgrade repro",
                               path.string(), version, kSchemaVersion)};
    }
    if (version < kSchemaVersion) {
      return Error{fmt::format("{} was written by an older repro (schema {}); run 'repro run' on it once to upgrade it",
                               path.string(), version)};
    }
    return store;
  } catch (const SQLite::Exception& e) {
    return Error{fmt::format("cannot open database {}: {}{}", path.string(), e.what(), DamageHint(e))};
  }
}

int Store::SchemaVersion() { return db_->execAndGet("PRAGMA user_version").getInt(); }

Status Store::Migrate() {
  return Write("creating the schema", [&]() -> Status {
    int version = SchemaVersion();
    if (version > kSchemaVersion) {
      return Error{fmt::format("{} has schema version {}, newer than this repro understands ({}); upgrade repro",
                               db_->getFilename(), version, kSchemaVersion)};
    }
    if (version == 0) {
      SQLite::Statement tables(*db_, "SELECT count(*) FROM sqlite_master");
      tables.executeStep();
      if (tables.getColumn(0).getInt() != 0) {
        return Error{
            fmt::format("{} is an SQLite database, but not one of repro's; use another --db path", db_->getFilename())};
      }
      db_->exec(kSchemaV1);
      version = 1;
    }
    // Each step in this one transaction: a migration killed halfway leaves the old schema.
    if (version == 1) db_->exec(kMigrationToV2);
    if (version <= 2) db_->exec(kMigrationToV3);
    if (version <= 3) db_->exec(kMigrationToV4);
    if (version <= 4) db_->exec(kMigrationToV5);
    if (version <= 5) {
      db_->exec(kMigrationToV6);
      MoveSeriesIntoChunks();
      db_->exec(kDropSeriesRows);
    }
    db_->exec(fmt::format("PRAGMA user_version={}", kSchemaVersion));
    return Status::Ok();
  });
}

Status Store::RecordEnvironment(const std::string& sha256, const std::string& json) {
  return Write("recording the environment", [&]() -> Status {
    SQLite::Statement insert(*db_, "INSERT OR IGNORE INTO environments(sha256, json, first_seen) VALUES(?,?,?)");
    insert.bind(1, sha256);
    insert.bind(2, json);
    insert.bind(3, NowUtcIso8601());
    insert.exec();
    return Status::Ok();
  });
}

Status Store::RecordManifest(const std::string& sha256, const std::string& path, const std::string& text) {
  return Write("recording the manifest", [&]() -> Status {
    SQLite::Statement insert(*db_, "INSERT OR IGNORE INTO manifests(sha256, path, text, first_seen) VALUES(?,?,?,?)");
    insert.bind(1, sha256);
    insert.bind(2, path);
    insert.bind(3, text);
    insert.bind(4, NowUtcIso8601());
    insert.exec();
    return Status::Ok();
  });
}

Status Store::RecordRun(const RunRecord& run) { return RecordRuns({run}); }

Status Store::RecordRuns(const std::vector<RunRecord>& runs) {
  return Write("recording the runs", [&]() -> Status {
    static constexpr const char* kInsertSql =
        "INSERT OR IGNORE INTO runs(key, experiment, label, params_json, seed, created_at) "
        "VALUES(?,?,?,?,?,?)";
    StatementLease insert_lease(Prepared(kInsertSql));
    SQLite::Statement& insert = insert_lease.statement;
    std::string now = NowUtcIso8601();
    for (const RunRecord& run : runs) {
      insert.reset();
      insert.bind(1, run.key);
      insert.bind(2, run.experiment);
      insert.bind(3, run.label);
      insert.bind(4, run.params_json);
      insert.bind(5, static_cast<int64_t>(run.seed));
      insert.bind(6, now);
      insert.exec();
    }
    return Status::Ok();
  });
}

Result<AttemptRecord> Store::BeginAttempt(const std::string& run_key, const std::string& run_dir) {
  Result<std::optional<AttemptRecord>> attempt = ClaimAttempt(run_key, run_dir, /*rerun_completed=*/true);
  if (!attempt) return Error{attempt.error()};
  if (!*attempt) return Error{fmt::format("run {} is being run by another runner", run_key.substr(0, 12))};
  return **attempt;
}

Result<std::optional<AttemptRecord>> Store::ClaimAttempt(const std::string& run_key, const std::string& run_dir,
                                                         bool rerun_completed) {
  try {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    static constexpr const char* kLatestSql =
        "SELECT id, status, runner, number, job FROM attempts WHERE run_key = ? ORDER BY number DESC LIMIT 1";
    StatementLease latest_lease(Prepared(kLatestSql));
    SQLite::Statement& latest = latest_lease.statement;
    latest.bind(1, run_key);
    int number = 1;
    if (latest.executeStep()) {
      AttemptStatus status = ColumnStatus(latest.getColumn(1));
      number = latest.getColumn(3).getInt() + 1;
      if (status == AttemptStatus::kCompleted && !rerun_completed) return std::optional<AttemptRecord>();
      if (status == AttemptStatus::kRunning) {
        // A Slurm job's attempt is alive until Slurm says otherwise, whoever submitted it.
        if (!latest.getColumn(4).isNull()) return std::optional<AttemptRecord>();
        if (ProcessLiveness(latest.getColumn(2).getString()) != Liveness::kDead) return std::optional<AttemptRecord>();
        static constexpr const char* kAbandonSql =
            "UPDATE attempts SET status='interrupted', message='the runner stopped before this "
            "attempt finished', finished_at=? WHERE id=?";
        StatementLease abandon_lease(Prepared(kAbandonSql));
        SQLite::Statement& abandon = abandon_lease.statement;
        abandon.bind(1, NowUtcIso8601());
        abandon.bind(2, latest.getColumn(0).getInt64());
        abandon.exec();
      }
    }
    AttemptRecord attempt;
    attempt.run_key = run_key;
    attempt.number = number;
    attempt.status = AttemptStatus::kRunning;
    attempt.dir = fmt::format("{}/attempt-{}", run_dir, attempt.number);
    attempt.started_at = NowUtcIso8601();
    static constexpr const char* kInsertSql =
        "INSERT INTO attempts(run_key, number, status, dir, runner, started_at) "
        "VALUES(?,?,?,?,?,?)";
    StatementLease insert_lease(Prepared(kInsertSql));
    SQLite::Statement& insert = insert_lease.statement;
    insert.bind(1, run_key);
    insert.bind(2, attempt.number);
    BindName(insert, 3, attempt.status);
    insert.bind(4, attempt.dir);
    insert.bind(5, ThisProcessIdentity());
    insert.bind(6, attempt.started_at);
    insert.exec();
    attempt.id = db_->getLastInsertRowid();
    transaction.commit();
    return std::optional<AttemptRecord>(std::move(attempt));
  } catch (const SQLite::Exception& e) {
    return DbError("starting an attempt", e);
  }
}

Status Store::FinishAttempt(const AttemptRecord& attempt) {
  return Write("recording a finished attempt", [&]() { return FinishAttemptRows(attempt); });
}

Status Store::FinishAttemptRows(const AttemptRecord& attempt) {
  static constexpr const char* kUpdateSql =
      "UPDATE attempts SET status=?, exit_code=?, signal=?, wall_seconds=?, message=?, "
      "finished_at=?, cpu_seconds=?, peak_rss_kib=?, environment=NULLIF(?, '') WHERE id=?";
  StatementLease update_lease(Prepared(kUpdateSql));
  SQLite::Statement& update = update_lease.statement;
  BindName(update, 1, attempt.status);
  BindOptional(update, 2, attempt.exit_code);
  BindOptional(update, 3, attempt.signal);
  update.bind(4, attempt.wall_seconds);
  update.bind(5, attempt.message);
  update.bind(
      6, attempt.finished_at.empty() ? NowUtcIso8601() : attempt.finished_at);  // the caller's, so attempt.json agrees
  update.bind(7, attempt.cpu_seconds);
  update.bind(8, static_cast<int64_t>(attempt.peak_rss_kib));
  update.bind(9, attempt.environment);
  update.bind(10, static_cast<int64_t>(attempt.id));
  if (update.exec() != 1) return Error{fmt::format("attempt {} does not exist in the database", attempt.id)};
  static constexpr const char* kValueSql =
      "INSERT OR REPLACE INTO metric_values(attempt_id, name, value, std, flag, message, unit, points, count) "
      "VALUES(?,?,?,?,?,?,?,?,?)";
  StatementLease value_lease(Prepared(kValueSql));
  SQLite::Statement& value = value_lease.statement;
  for (const MetricRecord& metric : attempt.metrics) {
    value.bind(1, static_cast<int64_t>(attempt.id));
    value.bind(2, metric.name);
    BindOptional(value, 3, metric.value);
    BindOptional(value, 4, metric.std);
    BindName(value, 5, metric.flag);
    value.bind(6, metric.message);
    value.bind(7, metric.unit);
    value.bind(8, metric.points);
    BindOptional(value, 9, metric.count);
    value.exec();
    value.reset();
  }
  return Status::Ok();
}

Status Store::SetAttemptJobs(const std::vector<std::pair<int64_t, std::string>>& jobs) {
  return Write("recording Slurm job ids", [&]() -> Status {
    SQLite::Statement update(*db_, "UPDATE attempts SET job = ? WHERE id = ?");
    for (const auto& [attempt_id, job] : jobs) {
      update.bind(1, job);
      update.bind(2, attempt_id);
      update.exec();
      update.reset();
    }
    return Status::Ok();
  });
}

Result<AttemptRecord> Store::ContinueAttempt(const AttemptRecord& previous, const std::string& dir) {
  // One transaction: the run is never left without a running attempt while its job lives.
  AttemptRecord attempt;
  attempt.run_key = previous.run_key;
  attempt.number = previous.number + 1;
  attempt.status = AttemptStatus::kRunning;
  attempt.dir = dir;
  attempt.job = previous.job;
  attempt.started_at = NowUtcIso8601();
  Status written = Write("recording a requeued attempt", [&]() -> Status {
    if (Status finished = FinishAttemptRows(previous); !finished) return finished;
    SQLite::Statement insert(
        *db_, "INSERT INTO attempts(run_key, number, status, dir, runner, started_at, job) VALUES(?,?,?,?,?,?,?)");
    insert.bind(1, attempt.run_key);
    insert.bind(2, attempt.number);
    BindName(insert, 3, attempt.status);
    insert.bind(4, attempt.dir);
    insert.bind(5, ThisProcessIdentity());
    insert.bind(6, attempt.started_at);
    insert.bind(7, attempt.job);
    insert.exec();
    attempt.id = db_->getLastInsertRowid();
    return Status::Ok();
  });
  if (!written) return Error{written.error()};
  return attempt;
}

void Store::MoveSeriesIntoChunks() {
  // The rows readers saw (the attempt's rowid range), in order, a batch at a time: a series of
  // millions of points is never held whole.
  SQLite::Statement rows(*db_,
                         "SELECT s.attempt_id, s.name, s.seq, s.step, s.value, s.std, s.flag FROM metric_series s "
                         "JOIN attempts a ON a.id = s.attempt_id AND s.rowid BETWEEN a.series_first AND a.series_last "
                         "ORDER BY s.attempt_id, s.name, s.seq");
  std::vector<SeriesPoint> batch;
  int64_t batch_attempt = 0;
  auto flush = [&]() {
    if (Status stored = InsertSeriesChunks(batch_attempt, batch); !stored) throw SQLite::Exception(stored.error());
    batch.clear();
  };
  while (rows.executeStep()) {
    int64_t attempt_id = rows.getColumn(0).getInt64();
    if (!batch.empty() &&
        (attempt_id != batch_attempt || batch.size() >= static_cast<size_t>(series_chunk::kMaxPoints)))
      flush();
    batch_attempt = attempt_id;
    SeriesPoint& point = batch.emplace_back();
    point.metric = rows.getColumn(1).getString();
    point.seq = rows.getColumn(2).getInt64();
    if (!rows.getColumn(3).isNull()) point.step = rows.getColumn(3).getInt64();
    point.value = ColumnDouble(rows.getColumn(4));
    point.std = ColumnDouble(rows.getColumn(5));
    point.flag = ColumnFlag(rows.getColumn(6));
  }
  if (!batch.empty()) flush();
}

Status Store::DiscardSeries(int64_t attempt_id) {
  return Write("discarding a partial series", [&]() -> Status {
    SQLite::Statement remove(*db_, "DELETE FROM series_chunks WHERE attempt_id = ?");
    remove.bind(1, attempt_id);
    remove.exec();
    return Status::Ok();
  });
}

Status Store::AppendSeries(int64_t attempt_id, std::span<const SeriesPoint> points) {
  if (points.empty()) return Status::Ok();
  Status stored = Write("storing metric series", [&]() { return InsertSeriesChunks(attempt_id, points); });
  // A series is written once and not read back while the run goes on: without this its pages
  // filled the 32 MiB page cache, and a run's memory grew with its log up to that cap.
  sqlite3_db_release_memory(db_->getHandle());
  return stored;
}

Status Store::InsertSeriesChunks(int64_t attempt_id, std::span<const SeriesPoint> points) {
  Result<std::vector<series_chunk::EncodedChunk>> chunks = series_chunk::EncodeBatch(points);
  if (!chunks) return Error{fmt::format("attempt {}: {}", attempt_id, chunks.error())};
  StatementLease insert_lease(Prepared(kInsertChunkSql));
  SQLite::Statement& insert = insert_lease.statement;
  for (const series_chunk::EncodedChunk& chunk : *chunks) {
    insert.bind(1, attempt_id);
    insert.bind(2, std::string(chunk.metric));
    insert.bind(3, chunk.first_seq);
    insert.bind(4, chunk.points);
    insert.bindNoCopy(5, chunk.data.data(), static_cast<int>(chunk.data.size()));  // outlives exec()
    insert.exec();
    insert.reset();
  }
  return Status::Ok();
}

Result<int> Store::RecoverAbandonedAttempts(std::vector<std::string>* runners) {
  try {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement running(*db_, "SELECT id, runner FROM attempts WHERE status = 'running' AND job IS NULL");
    std::vector<int64_t> abandoned;
    while (running.executeStep()) {
      // An attempt recorded on another host is left alone: its runner may well be alive.
      std::string runner = running.getColumn(1).getString();
      if (ProcessLiveness(runner) == Liveness::kDead) {
        abandoned.push_back(running.getColumn(0).getInt64());
        if (runners != nullptr) runners->push_back(runner);
      }
    }
    SQLite::Statement mark(*db_,
                           "UPDATE attempts SET status='interrupted', message='the runner stopped before this "
                           "attempt finished', finished_at=? WHERE id=?");
    for (int64_t id : abandoned) {
      mark.bind(1, NowUtcIso8601());
      mark.bind(2, id);
      mark.exec();
      mark.reset();
    }
    transaction.commit();
    return static_cast<int>(abandoned.size());
  } catch (const SQLite::Exception& e) {
    return DbError("recovering abandoned attempts", e);
  }
}

Status Store::RecordSetup(const std::string& setup_key, AttemptStatus status, const std::string& log_dir) {
  return Write("recording setup", [&]() -> Status {
    SQLite::Statement upsert(*db_, "INSERT OR REPLACE INTO setups(key, status, log_dir, finished_at) VALUES(?,?,?,?)");
    upsert.bind(1, setup_key);
    BindName(upsert, 2, status);
    upsert.bind(3, log_dir);
    upsert.bind(4, NowUtcIso8601());
    upsert.exec();
    return Status::Ok();
  });
}

Status Store::RecordSourceTree(const SourceTreeRecord& tree) {
  return Write("recording the source's files", [&]() -> Status {
    SQLite::Statement upsert(
        *db_, "INSERT OR REPLACE INTO source_trees(identity, source, files, recorded_at) VALUES(?,?,?,?)");
    upsert.bind(1, tree.identity);
    upsert.bind(2, tree.source);
    upsert.bind(3, tree.files);
    upsert.bind(4, NowUtcIso8601());
    upsert.exec();
    return Status::Ok();
  });
}

Result<int> Store::NextSetupExecution(const std::string& setup_key) {
  try {
    SQLite::Statement query(*db_, "SELECT COALESCE(MAX(execution), 0) + 1 FROM setup_steps WHERE setup_key = ?");
    query.bind(1, setup_key);
    query.executeStep();
    return query.getColumn(0).getInt();
  } catch (const SQLite::Exception& e) {
    return DbError("reading setup steps", e);
  }
}

Status Store::RecordSetupStep(const SetupStepRecord& step) {
  return Write("recording a setup step", [&]() -> Status {
    SQLite::Statement insert(
        *db_,
        "INSERT OR REPLACE INTO setup_steps(setup_key, execution, step, argv_json, status, exit_code, "
        "signal, wall_seconds, cpu_seconds, peak_rss_kib, stdout_path, stderr_path, finished_at) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    insert.bind(1, step.setup_key);
    insert.bind(2, step.execution);
    insert.bind(3, step.step);
    insert.bind(4, nlohmann::json(step.argv).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    BindName(insert, 5, step.status);
    BindOptional(insert, 6, step.exit_code);
    BindOptional(insert, 7, step.signal);
    insert.bind(8, step.wall_seconds);
    insert.bind(9, step.cpu_seconds);
    insert.bind(10, static_cast<int64_t>(step.peak_rss_kib));
    insert.bind(11, step.stdout_path);
    insert.bind(12, step.stderr_path);
    insert.bind(13, NowUtcIso8601());
    insert.exec();
    return Status::Ok();
  });
}

Status Store::SaveVerdicts(const std::string& manifest_sha256, const std::vector<VerdictRecord>& verdicts) {
  return Write("saving verdicts", [&]() -> Status {
    SQLite::Statement upsert(
        *db_,
        "INSERT OR REPLACE INTO verdicts(manifest_sha256, claim_id, verdict, n, mean, std, ci_low, "
        "ci_high, delta, reason, detail_json, computed_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const VerdictRecord& v : verdicts) {
      upsert.bind(1, manifest_sha256);
      upsert.bind(2, v.claim_id);
      upsert.bind(3, v.verdict);
      upsert.bind(4, v.n);
      BindOptional(upsert, 5, v.mean);
      BindOptional(upsert, 6, v.std);
      BindOptional(upsert, 7, v.ci_low);
      BindOptional(upsert, 8, v.ci_high);
      BindOptional(upsert, 9, v.delta);
      upsert.bind(10, v.reason);
      upsert.bind(11, v.detail_json);
      upsert.bind(12, NowUtcIso8601());
      upsert.exec();
      upsert.reset();
    }
    return Status::Ok();
  });
}

}  // namespace repro
