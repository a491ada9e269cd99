// The SQLite store: the single source of truth after a run. Every write is one
// BEGIN IMMEDIATE transaction, so a crash or kill -9 leaves either the whole change or none:
// an attempt is never "completed" without all its metrics. SQLiteCpp lives here only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace SQLite {
class Database;
}

namespace repro {

// How an attempt ended. "running" is only ever seen for an attempt in progress, or one
// whose runner died; the next runner marks those "interrupted".
inline constexpr const char* kStatusRunning = "running";
inline constexpr const char* kStatusCompleted = "completed";
inline constexpr const char* kStatusFailed = "failed";          // exited non-zero
inline constexpr const char* kStatusKilled = "killed";          // ended by a signal
inline constexpr const char* kStatusTimeout = "timeout";
inline constexpr const char* kStatusInterrupted = "interrupted";
inline constexpr const char* kStatusStartFailed = "start-failed";
inline constexpr const char* kStatusSetupFailed = "setup-failed";

struct RunRecord {
  std::string key;
  std::string experiment;
  std::string label;
  std::string params_json;
  int64_t seed = 0;
};

struct MetricRecord {
  std::string name;
  std::optional<double> value;  // reduced value; nullopt unless flag is "ok"
  std::string flag;             // ok, non-finite, unparseable, missing
  std::string message;
  struct Point {
    std::optional<int64_t> step;
    std::optional<double> value;
    std::string flag;
  };
  std::vector<Point> series;
};

struct AttemptRecord {
  int64_t id = 0;
  std::string run_key;
  int number = 0;
  std::string status;
  std::optional<int> exit_code;
  std::optional<int> signal;
  double wall_seconds = 0;
  std::string dir;
  std::string message;
  std::string started_at, finished_at;
  std::vector<MetricRecord> metrics;  // filled by LatestAttempt
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
  ~Store();

  static constexpr int kSchemaVersion = 1;

  Status RecordManifest(const std::string& sha256, const std::string& path, const std::string& text);
  Status RecordRun(const RunRecord& run);

  // Starts attempt number max+1 of "run_key" with status "running" in the folder
  // "run_dir"/attempt-N, recording this process's identity (host, pid, start time) so a
  // later runner can tell a dead attempt from a live one, even after pid reuse.
  Result<AttemptRecord> BeginAttempt(const std::string& run_key, const std::string& run_dir);

  // Records how the attempt ended and all its metrics, in one transaction.
  Status FinishAttempt(const AttemptRecord& attempt);

  // Marks "running" attempts whose runner process on this host is gone as interrupted;
  // returns how many.
  Result<int> RecoverAbandonedAttempts();

  // The newest attempt of the run with its metrics, or nullopt if it never ran.
  Result<std::optional<AttemptRecord>> LatestAttempt(const std::string& run_key);

  Result<bool> SetupCompleted(const std::string& setup_key);
  Status RecordSetup(const std::string& setup_key, const std::string& status, const std::string& log_dir);

  Status SaveVerdicts(const std::string& manifest_sha256, const std::vector<VerdictRecord>& verdicts);

  int SchemaVersion();

 private:
  explicit Store(std::unique_ptr<SQLite::Database> db);
  Status Migrate();
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace repro
