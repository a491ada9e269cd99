// The Store's reads: runs, attempts, series, environments, durations, and the export of a
// manifest's runs into a database of their own. The schema and the writes are in store.cc.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "harness/store/series_chunk.h"
#include "harness/store/sqlite_util.h"
#include "harness/store/store.h"

namespace repro {

using store_internal::BindName;
using store_internal::ColumnDouble;
using store_internal::ColumnFlag;
using store_internal::ColumnInt;
using store_internal::ColumnStatus;
using store_internal::DbError;
using store_internal::StatementLease;

Status Store::ExportRuns(const std::vector<std::string>& run_keys, const std::string& manifest_sha256,
                         const std::filesystem::path& to, const std::string& setup_key) {
  Result<std::unique_ptr<Store>> target = Open(to);
  if (!target) return Error{target.error()};
  SQLite::Database& out = *(*target)->db_;
  try {
    out.exec("PRAGMA foreign_keys=OFF");  // rows arrive table by table
    SQLite::Statement attach(out, "ATTACH DATABASE ? AS source");
    attach.bind(1, db_->getFilename());
    attach.exec();
    SQLite::Transaction transaction(out, SQLite::TransactionBehavior::IMMEDIATE);
    out.exec("CREATE TEMP TABLE chosen(key TEXT PRIMARY KEY)");
    SQLite::Statement choose(out, "INSERT OR IGNORE INTO chosen VALUES(?)");
    for (const std::string& key : run_keys) {
      choose.bind(1, key);
      choose.exec();
      choose.reset();
    }
    SQLite::Statement manifest(out, "INSERT INTO main.manifests SELECT * FROM source.manifests WHERE sha256 = ?");
    manifest.bind(1, manifest_sha256);
    manifest.exec();
    out.exec("INSERT INTO main.runs SELECT * FROM source.runs WHERE key IN (SELECT key FROM chosen)");
    out.exec("INSERT INTO main.attempts SELECT * FROM source.attempts WHERE run_key IN (SELECT key FROM chosen)");
    out.exec(
        "INSERT INTO main.metric_values SELECT * FROM source.metric_values WHERE attempt_id IN (SELECT id FROM "
        "main.attempts)");
    // Chunks are copied as stored, not decoded: a damaged one is reported where it is read.
    out.exec(
        "INSERT INTO main.series_chunks(attempt_id, name, first_seq, points, data) "
        "SELECT attempt_id, name, first_seq, points, data FROM source.series_chunks "
        "WHERE attempt_id IN (SELECT id FROM main.attempts)");
    out.exec(
        "INSERT INTO main.environments SELECT * FROM source.environments "
        "WHERE sha256 IN (SELECT environment FROM main.attempts)");
    SQLite::Statement setups(out, "INSERT INTO main.setups SELECT * FROM source.setups WHERE key = ?");
    setups.bind(1, setup_key);
    setups.exec();
    SQLite::Statement steps(out, "INSERT INTO main.setup_steps SELECT * FROM source.setup_steps WHERE setup_key = ?");
    steps.bind(1, setup_key);
    steps.exec();
    transaction.commit();
    out.exec("DETACH DATABASE source");
    out.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return DbError("exporting runs", e);
  }
}

Result<std::string> Store::EnvironmentJson(const std::string& sha256) {
  try {
    SQLite::Statement query(*db_, "SELECT json FROM environments WHERE sha256 = ?");
    query.bind(1, sha256);
    if (!query.executeStep()) return Error{fmt::format("no environment {} in the database", sha256)};
    return query.getColumn(0).getString();
  } catch (const SQLite::Exception& e) {
    return DbError("reading an environment", e);
  }
}

Result<std::vector<RunRecord>> Store::FindRuns(const std::string& prefix) {
  if (prefix.size() < 4) return Error{"give at least 4 characters of the run key (repro plan shows them)"};
  try {
    SQLite::Statement query(*db_,
                            "SELECT key, experiment, label, params_json, seed FROM runs WHERE key >= ? AND key < ? "
                            "ORDER BY created_at DESC");
    query.bind(1, prefix);
    query.bind(2, prefix + "\xff");
    std::vector<RunRecord> runs;
    while (query.executeStep()) {
      runs.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                      query.getColumn(3).getString(), query.getColumn(4).getInt64()});
    }
    return runs;
  } catch (const SQLite::Exception& e) {
    return DbError("finding runs", e);
  }
}

Result<std::vector<AttemptRecord>> Store::Attempts(const std::string& run_key) {
  try {
    SQLite::Statement query(*db_, "SELECT number FROM attempts WHERE run_key = ? ORDER BY number");
    query.bind(1, run_key);
    std::vector<int> numbers;
    while (query.executeStep()) numbers.push_back(query.getColumn(0).getInt());
    std::vector<AttemptRecord> attempts;
    for (int number : numbers) {
      Result<std::optional<AttemptRecord>> attempt = ReadAttempt(run_key, number);
      if (!attempt) return Error{attempt.error()};
      attempts.push_back(**attempt);
    }
    return attempts;
  } catch (const SQLite::Exception& e) {
    return DbError("reading attempts", e);
  }
}

Error Store::DamagedChunk(int64_t attempt_id, const std::string& metric, int64_t first_seq,
                          const std::string& problem) {
  return Error{
      fmt::format("{} is damaged: series chunk of attempt {} metric {} at position {}: {}; restore it or re-run",
                  db_->getFilename(), attempt_id, metric, first_seq, problem)};
}

Result<std::vector<SeriesPoint>> Store::Series(int64_t attempt_id, const std::string& metric, int64_t max_points) {
  // Reads only the chunks' counts, not their data.
  static constexpr const char* kExtentSql =
      "SELECT coalesce(sum(points), 0), max(first_seq) FROM series_chunks WHERE attempt_id = ?1 AND name = ?2";
  // The chunks holding a wanted point: all of them with stride (?3) 1; else the last one (?4)
  // and those with a position that is a multiple of the stride. The test reads first_seq and
  // points only, so the data of a chunk left out is never read; a chunk with no points is
  // read, to be reported as damaged.
  static constexpr const char* kChunksSql =
      "SELECT first_seq, points, data FROM series_chunks WHERE attempt_id = ?1 AND name = ?2 "
      "AND (?3 = 1 OR first_seq = ?4 OR points < 1 OR (first_seq + ?3 - 1) / ?3 * ?3 < first_seq + points) "
      "ORDER BY first_seq";
  try {
    series_chunk::Selection selection;
    int64_t last_chunk = -1;
    if (max_points > 0) {
      StatementLease extent_lease(Prepared(kExtentSql));
      SQLite::Statement& extent = extent_lease.statement;
      extent.bind(1, attempt_id);
      extent.bind(2, metric);
      extent.executeStep();
      int64_t count = extent.getColumn(0).getInt64();
      if (extent.getColumn(1).isNull()) return std::vector<SeriesPoint>();
      last_chunk = extent.getColumn(1).getInt64();
      // Every stride-th point, and the last: a curve's shape without the whole series in memory.
      selection.stride = std::max<int64_t>(1, count / max_points + (count % max_points != 0 ? 1 : 0));
    }
    StatementLease chunks_lease(Prepared(kChunksSql));
    SQLite::Statement& chunks = chunks_lease.statement;
    chunks.bind(1, attempt_id);
    chunks.bind(2, metric);
    chunks.bind(3, selection.stride);
    chunks.bind(4, last_chunk);
    std::vector<SeriesPoint> points;
    while (chunks.executeStep()) {
      series_chunk::StoredChunk chunk;
      chunk.first_seq = chunks.getColumn(0).getInt64();
      chunk.points = chunks.getColumn(1).getInt64();
      SQLite::Column data = chunks.getColumn(2);
      const void* bytes = data.getBlob();  // before getBytes(), as SQLite asks
      chunk.data = std::string_view(static_cast<const char*>(bytes), static_cast<size_t>(data.getBytes()));
      selection.keep_last = chunk.first_seq == last_chunk;
      if (Status decoded = series_chunk::DecodeChunk(chunk, metric, selection, points); !decoded)
        return DamagedChunk(attempt_id, metric, chunk.first_seq, decoded.error());
    }
    return points;
  } catch (const SQLite::Exception& e) {
    return DbError("reading a series", e);
  }
}

Status Store::ReadTogether(const std::function<Status()>& body) {
  if (sqlite3_get_autocommit(db_->getHandle()) == 0) return body();
  try {
    SQLite::Transaction snapshot(*db_, SQLite::TransactionBehavior::DEFERRED);
    Status status = body();
    snapshot.commit();
    // What was read is the caller's now: the pages cached for it (up to kCacheSizePragma's
    // 32 MiB) go back to the heap before the caller renders a report with it.
    sqlite3_db_release_memory(db_->getHandle());
    return status;
  } catch (const SQLite::Exception& e) {
    return DbError("read", e);
  }
}

Result<std::optional<AttemptRecord>> Store::LatestAttempt(const std::string& run_key) {
  return ReadAttempt(run_key, 0);
}

namespace {

// The columns an attempt is read from, in the order AttemptFromRow reads them.
constexpr const char* kAttemptColumns =
    "a.id, a.number, a.status, a.exit_code, a.signal, COALESCE(a.wall_seconds, 0), a.dir, a.message, "
    "a.started_at, COALESCE(a.finished_at, ''), COALESCE(a.cpu_seconds, 0), COALESCE(a.peak_rss_kib, 0), "
    "COALESCE(a.environment, ''), COALESCE(a.job, '')";

AttemptRecord AttemptFromRow(SQLite::Statement& query, std::string run_key) {
  AttemptRecord attempt;
  attempt.id = query.getColumn(0).getInt64();
  attempt.run_key = std::move(run_key);
  attempt.number = query.getColumn(1).getInt();
  attempt.status = ColumnStatus(query.getColumn(2));
  attempt.exit_code = ColumnInt(query.getColumn(3));
  attempt.signal = ColumnInt(query.getColumn(4));
  attempt.wall_seconds = query.getColumn(5).getDouble();
  attempt.dir = query.getColumn(6).getString();
  attempt.message = query.getColumn(7).getString();
  attempt.started_at = query.getColumn(8).getString();
  attempt.finished_at = query.getColumn(9).getString();
  attempt.cpu_seconds = query.getColumn(10).getDouble();
  attempt.peak_rss_kib = static_cast<long>(query.getColumn(11).getInt64());
  attempt.environment = query.getColumn(12).getString();
  attempt.job = query.getColumn(13).getString();
  return attempt;
}

// The columns a metric is read from, after its attempt's id, in the order MetricFromRow reads them.
constexpr const char* kMetricColumns = "attempt_id, name, value, std, flag, message, unit, points, count";

MetricRecord MetricFromRow(SQLite::Statement& metrics) {
  MetricRecord metric;
  metric.name = metrics.getColumn(1).getString();
  metric.value = ColumnDouble(metrics.getColumn(2));
  metric.std = ColumnDouble(metrics.getColumn(3));
  metric.flag = ColumnFlag(metrics.getColumn(4));
  metric.message = metrics.getColumn(5).getString();
  metric.unit = metrics.getColumn(6).getString();
  metric.points = metrics.getColumn(7).getInt64();
  if (!metrics.getColumn(8).isNull()) metric.count = metrics.getColumn(8).getInt64();
  return metric;
}

}  // namespace

Result<std::optional<AttemptRecord>> Store::ReadAttempt(const std::string& run_key, int number) {
  try {
    static const std::string kQuerySql = fmt::format(
        "SELECT {} FROM attempts a WHERE a.run_key = ? AND (? = 0 OR a.number = ?) ORDER BY a.number DESC LIMIT 1",
        kAttemptColumns);
    StatementLease query_lease(Prepared(kQuerySql.c_str()));
    SQLite::Statement& query = query_lease.statement;
    query.bind(1, run_key);
    query.bind(2, number);
    query.bind(3, number);
    if (!query.executeStep()) return std::optional<AttemptRecord>();
    AttemptRecord attempt = AttemptFromRow(query, run_key);
    static const std::string kMetricsSql =
        fmt::format("SELECT {} FROM metric_values WHERE attempt_id = ? ORDER BY name", kMetricColumns);
    StatementLease metrics_lease(Prepared(kMetricsSql.c_str()));
    SQLite::Statement& metrics = metrics_lease.statement;
    metrics.bind(1, static_cast<int64_t>(attempt.id));
    while (metrics.executeStep()) attempt.metrics.push_back(MetricFromRow(metrics));
    return std::optional<AttemptRecord>(std::move(attempt));
  } catch (const SQLite::Exception& e) {
    return DbError("reading attempts", e);
  }
}

Result<std::vector<std::optional<AttemptRecord>>> Store::LatestAttempts(const std::vector<std::string>& run_keys) {
  try {
    // Two statements for all the runs, not two per run: the keys travel as one JSON array
    // (json_each), and each is still found through the (run_key, number) index.
    std::unordered_map<std::string, size_t> position;
    for (size_t i = 0; i < run_keys.size(); ++i) position.emplace(run_keys[i], i);
    std::vector<std::optional<AttemptRecord>> latest(run_keys.size());
    static const std::string kQuerySql = fmt::format(
        "SELECT {}, k.value FROM json_each(?) k JOIN attempts a ON a.run_key = k.value "
        "AND a.number = (SELECT max(number) FROM attempts WHERE run_key = k.value)",
        kAttemptColumns);
    StatementLease query_lease(Prepared(kQuerySql.c_str()));
    SQLite::Statement& query = query_lease.statement;
    query.bind(1, nlohmann::json(run_keys).dump());
    std::unordered_map<int64_t, AttemptRecord*> by_id;
    while (query.executeStep()) {
      std::string key = query.getColumn(14).getString();
      auto found = position.find(key);
      if (found == position.end()) continue;
      latest[found->second] = AttemptFromRow(query, key);
      by_id[latest[found->second]->id] = &*latest[found->second];
    }
    std::vector<int64_t> ids;
    for (const auto& [id, attempt] : by_id) ids.push_back(id);
    static const std::string kMetricsSql = fmt::format(
        "SELECT {} FROM metric_values WHERE attempt_id IN (SELECT value FROM json_each(?)) ORDER BY attempt_id, name",
        kMetricColumns);
    StatementLease metrics_lease(Prepared(kMetricsSql.c_str()));
    SQLite::Statement& metrics = metrics_lease.statement;
    metrics.bind(1, nlohmann::json(ids).dump());
    while (metrics.executeStep()) {
      auto attempt = by_id.find(metrics.getColumn(0).getInt64());
      if (attempt != by_id.end()) attempt->second->metrics.push_back(MetricFromRow(metrics));
    }
    // Experiments that differ only in name share their runs' keys, and so their attempts.
    for (size_t i = 0; i < run_keys.size(); ++i) {
      size_t first = position.at(run_keys[i]);
      if (first != i) latest[i] = latest[first];
    }
    return latest;
  } catch (const SQLite::Exception& e) {
    return DbError("reading attempts", e);
  }
}

Result<std::optional<double>> Store::MeanCompletedSeconds(const std::string& experiment) {
  try {
    SQLite::Statement query(*db_,
                            "SELECT AVG(a.wall_seconds) FROM attempts a JOIN runs r ON r.key = a.run_key "
                            "WHERE r.experiment = ? AND a.status = 'completed'");
    query.bind(1, experiment);
    if (!query.executeStep() || query.getColumn(0).isNull()) return std::optional<double>();
    return std::optional<double>(query.getColumn(0).getDouble());
  } catch (const SQLite::Exception& e) {
    return DbError("reading durations", e);
  }
}

Result<std::vector<SetupStepRecord>> Store::SetupSteps(const std::string& setup_key) {
  try {
    SQLite::Statement query(*db_,
                            "SELECT execution, step, argv_json, status, exit_code, signal, wall_seconds, cpu_seconds, "
                            "peak_rss_kib, stdout_path, stderr_path, finished_at FROM setup_steps WHERE setup_key = ? "
                            "ORDER BY execution, step");
    query.bind(1, setup_key);
    std::vector<SetupStepRecord> steps;
    while (query.executeStep()) {
      SetupStepRecord step;
      step.setup_key = setup_key;
      step.execution = query.getColumn(0).getInt();
      step.step = query.getColumn(1).getInt();
      nlohmann::json argv = nlohmann::json::parse(query.getColumn(2).getString(), nullptr, /*allow_exceptions=*/false);
      if (argv.is_array()) {
        for (const nlohmann::json& arg : argv)
          step.argv.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
      }
      step.status = ColumnStatus(query.getColumn(3));
      step.exit_code = ColumnInt(query.getColumn(4));
      step.signal = ColumnInt(query.getColumn(5));
      step.wall_seconds = query.getColumn(6).getDouble();
      step.cpu_seconds = query.getColumn(7).getDouble();
      step.peak_rss_kib = static_cast<long>(query.getColumn(8).getInt64());
      step.stdout_path = query.getColumn(9).getString();
      step.stderr_path = query.getColumn(10).getString();
      step.finished_at = query.getColumn(11).getString();
      steps.push_back(std::move(step));
    }
    return steps;
  } catch (const SQLite::Exception& e) {
    return DbError("reading setup steps", e);
  }
}

Result<bool> Store::SetupCompleted(const std::string& setup_key) {
  try {
    SQLite::Statement query(*db_, "SELECT 1 FROM setups WHERE key = ? AND status = 'completed'");
    query.bind(1, setup_key);
    return query.executeStep();
  } catch (const SQLite::Exception& e) {
    return DbError("reading setups", e);
  }
}

Result<std::vector<SourceTreeRecord>> Store::SourceTrees(const std::string& source) {
  try {
    SQLite::Statement query(*db_,
                            "SELECT identity, source, files, recorded_at FROM source_trees WHERE source = ? "
                            "ORDER BY recorded_at DESC, rowid DESC");
    query.bind(1, source);
    std::vector<SourceTreeRecord> trees;
    while (query.executeStep()) {
      trees.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                       query.getColumn(3).getString()});
    }
    return trees;
  } catch (const SQLite::Exception& e) {
    return DbError("reading source_trees", e);
  }
}

}  // namespace repro
