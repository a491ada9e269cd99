// The SQLite store: the single source of truth after a run. Every write is one
// BEGIN IMMEDIATE transaction, so a crash or kill -9 leaves either the whole change or none:
// an attempt is never "completed" without all its metrics. SQLiteCpp lives here only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/outcome.h"
#include "harness/util/result.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace repro {

struct RunRecord {
  std::string key;
  std::string experiment;
  std::string label;
  std::string params_json;
  int64_t seed = 0;
};

struct MetricRecord {
  std::string name;
  std::optional<double> value;  // reduced value; nullopt unless flag is kOk
  std::optional<double> std;    // the printed "± x" of the observation the value came from
  ValueFlag flag = ValueFlag::kMissing;
  std::string message;
  std::string unit;
  int64_t points = 0;            // observations in the series
  std::optional<int64_t> count;  // how many values "value" and "std" summarise, when printed (group n)
};

// One observation of a metric's series, as streamed while the attempt runs.
struct SeriesPoint {
  std::string metric;
  int64_t seq = 0;  // position in the metric's series
  std::optional<int64_t> step;
  std::optional<double> value;  // nullopt unless flag is kOk
  std::optional<double> std;
  ValueFlag flag = ValueFlag::kOk;
};

// How a process ended, as recorded: an attempt's, or a setup step's.
struct ProcessEndRecord {
  AttemptStatus status = AttemptStatus::kRunning;
  std::optional<int> exit_code;
  std::optional<int> signal;
  double wall_seconds = 0;
  double cpu_seconds = 0;
  long peak_rss_kib = 0;
  std::string finished_at;
};

// How an attempt ended: one struct, carried whole from its process (or a Slurm task's
// record) to the database, attempt.json and result.json.
struct AttemptEnd : ProcessEndRecord {
  std::string message;
  std::vector<MetricRecord> metrics;  // filled by LatestAttempt
};

struct AttemptRecord : AttemptEnd {
  int64_t id = 0;
  std::string run_key;
  int number = 0;
  std::string dir;
  std::string started_at;
  std::string environment;  // sha256 of its environments row; empty when unknown
  std::string job;          // the Slurm job running it ("4242_7"); empty when local

  AttemptEnd& end() { return *this; }
  const AttemptEnd& end() const { return *this; }
};

// One step of a setup as it ran: setup steps build packages and fetch data, and a report
// must show what they did and what they cost, not only that setup completed.
struct SetupStepRecord : ProcessEndRecord {
  std::string setup_key;
  int execution = 0;  // 1 for the first time this setup ran, 2 after a failure, ...
  int step = 0;       // 1-based position in the manifest's setup list
  std::vector<std::string> argv;
  std::string stdout_path, stderr_path;
};

// The files of a local folder's code as runs saw them (schema 5): "files" is
// source/tree.h's text, one "sha256 path" line each.
struct SourceTreeRecord {
  std::string identity;  // the runs' source identity
  std::string source;    // the folder
  std::string files;
  std::string recorded_at;
};

struct VerdictRecord {
  std::string claim_id;
  std::string verdict;
  int n = 0;
  std::optional<double> mean, std, ci_low, ci_high, delta;
  std::string reason;
  std::string detail_json;
};

class Store {
 public:
  // Opens (creating if needed) the database at "path", or an in-memory one for ":memory:".
  // A file that is not a repro database, or from a newer repro, is refused, never changed.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& path);
  // Opens an existing database for reading only: nothing is created, migrated or written,
  // so it works on a read-only file or medium. A missing file is an error that says so.
  static Result<std::unique_ptr<Store>> OpenReadOnly(const std::filesystem::path& path);
  ~Store();

  static constexpr int kSchemaVersion = 6;

  Status RecordManifest(const std::string& sha256, const std::string& path, const std::string& text);
  Status RecordRun(const RunRecord& run);
  Status RecordRuns(const std::vector<RunRecord>& runs);  // in one transaction

  // Starts attempt number max+1 of "run_key" with status "running" in the folder
  // "run_dir"/attempt-N, recording this process's identity (host, pid, start time) so a
  // later runner can tell a dead attempt from a live one, even after pid reuse.
  Result<AttemptRecord> BeginAttempt(const std::string& run_key, const std::string& run_dir);

  // Like BeginAttempt, but claims the run first, in the same transaction: nullopt when
  // another live runner is running it, or when it completed and "rerun_completed" is false.
  // Two runners on one database therefore never execute a run twice.
  Result<std::optional<AttemptRecord>> ClaimAttempt(const std::string& run_key, const std::string& run_dir,
                                                    bool rerun_completed);

  // Records how the attempt ended and its reduced metrics, in one transaction. Series
  // points arrive before, in batches (AppendSeries); they are complete exactly when the
  // attempt is "completed".
  Status FinishAttempt(const AttemptRecord& attempt);

  // Names the Slurm job of each attempt (attempt id, "4242_7"), in one transaction. From
  // then on those attempts are followed through Slurm: no runner's death marks them
  // interrupted, and no other runner claims their runs.
  Status SetAttemptJobs(const std::vector<std::pair<int64_t, std::string>>& jobs);
  // Records how "previous" ended and starts attempt number previous+1 of the same run and
  // job in "dir", in one transaction: Slurm requeued the job, and the task continues as a
  // new attempt.
  Result<AttemptRecord> ContinueAttempt(const AttemptRecord& previous, const std::string& dir);

  // Removes what an ingest that was cut short stored of a running attempt's series, so that
  // ingesting its series file again stores each point once.
  Status DiscardSeries(int64_t attempt_id);

  // Appends series points of a running attempt, in one transaction.
  Status AppendSeries(int64_t attempt_id, std::span<const SeriesPoint> points);

  // Runs whose key starts with "prefix" (at least 4 characters), newest first.
  Result<std::vector<RunRecord>> FindRuns(const std::string& prefix);
  // Every attempt of a run, oldest first, each with its metrics.
  Result<std::vector<AttemptRecord>> Attempts(const std::string& run_key);
  // The series of one metric of one attempt, in order; with "max_points", every k-th point
  // (and the last) so that at most about that many are read.
  Result<std::vector<SeriesPoint>> Series(int64_t attempt_id, const std::string& metric, int64_t max_points = 0);

  // Marks "running" attempts whose runner process on this host is gone as interrupted;
  // returns how many, and adds the identities of their runners to "runners" when given.
  Result<int> RecoverAbandonedAttempts(std::vector<std::string>* runners = nullptr);

  // The newest attempt of the run with its metrics, or nullopt if it never ran.
  Result<std::optional<AttemptRecord>> LatestAttempt(const std::string& run_key);
  // LatestAttempt of each of "run_keys", in their order, read together: a lab's 10,000 runs
  // in two statements rather than 20,000.
  Result<std::vector<std::optional<AttemptRecord>>> LatestAttempts(const std::vector<std::string>& run_keys);
  // Runs "body" (reads only) in one read transaction: every read sees one snapshot, and
  // SQLite takes its file locks once rather than per statement (for 10,000 runs, 100,000
  // fcntl calls fewer). Inside a transaction already, "body" just runs.
  Status ReadTogether(const std::function<Status()>& body);

  // Mean wall time of completed attempts of "experiment", if there are any (for ETAs).
  Result<std::optional<double>> MeanCompletedSeconds(const std::string& experiment);

  Result<bool> SetupCompleted(const std::string& setup_key);
  // An environment fingerprint, kept once however many attempts ran in it.
  Status RecordEnvironment(const std::string& sha256, const std::string& json);
  Result<std::string> EnvironmentJson(const std::string& sha256);
  Status RecordSetup(const std::string& setup_key, AttemptStatus status, const std::string& log_dir);
  // The number the next execution of this setup gets (1 + the largest recorded).
  Result<int> NextSetupExecution(const std::string& setup_key);
  // One step as it ended (schema 4), appended: every execution is kept, for compute used.
  Status RecordSetupStep(const SetupStepRecord& step);
  // Every recorded step of "setup_key", by execution and step.
  Result<std::vector<SetupStepRecord>> SetupSteps(const std::string& setup_key);

  // Keeps the files of the code runs are made from; once per identity.
  Status RecordSourceTree(const SourceTreeRecord& tree);
  // Every recorded listing of the folder "source", newest first.
  Result<std::vector<SourceTreeRecord>> SourceTrees(const std::string& source);
  Status SaveVerdicts(const std::string& manifest_sha256, const std::vector<VerdictRecord>& verdicts);

  // Writes a new database at "to" holding only these runs, with their attempts, metrics,
  // series and environments, the manifest "manifest_sha256" and the setup "setup_key" (none
  // when empty): what a bundle carries.
  Status ExportRuns(const std::vector<std::string>& run_keys, const std::string& manifest_sha256,
                    const std::filesystem::path& to, const std::string& setup_key = "");

  int SchemaVersion();

 private:
  explicit Store(std::unique_ptr<SQLite::Database> db);
  Status Migrate();
  // Version 6's conversion of metric_series rows into series chunks, inside Migrate's transaction.
  void MoveSeriesIntoChunks();
  // Stores "points" as chunks of the attempt's series, inside the caller's transaction.
  Status InsertSeriesChunks(int64_t attempt_id, std::span<const SeriesPoint> points);
  // "<db> is damaged: series chunk ...": a chunk that does not decode.
  Error DamagedChunk(int64_t attempt_id, const std::string& metric, int64_t first_seq, const std::string& problem);
  // FinishAttempt's writes, inside the caller's transaction.
  Status FinishAttemptRows(const AttemptRecord& attempt);
  // Attempt "number" of the run (0: the newest) with its metrics.
  Result<std::optional<AttemptRecord>> ReadAttempt(const std::string& run_key, int number);
  // The prepared statement for "sql", reset and unbound: statements on the per-attempt
  // path are prepared once per Store, not once per attempt.
  SQLite::Statement& Prepared(const char* sql);
  // Runs "body" (returning Status) in one BEGIN IMMEDIATE transaction: all or nothing.
  template <typename Body>
  Status Write(std::string_view what, Body&& body);
  std::unique_ptr<SQLite::Database> db_;
  std::map<const char*, std::unique_ptr<SQLite::Statement>> prepared_;
};

}  // namespace repro
