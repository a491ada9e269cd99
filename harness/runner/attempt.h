// One attempt, as both executors see it: how it is prepared (its folders, working copy,
// command, environment and limits), how its end is told, the attempt.json left beside its
// logs, and the result record a Slurm task writes for the submitting repro to ingest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/exec/executor.h"
#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/store/store.h"
#include "harness/util/result.h"
#include "harness/util/shell_quote.h"

namespace repro {

// What preparing an attempt needs beside the manifest and the run.
struct AttemptSettings {
  std::filesystem::path source_dir;  // the prepared code; copied into the attempt's work/
  bool sandbox = false;
  double kill_grace_seconds = 5;
  int64_t log_cap_bytes = 0;
};

// Makes <dir>/out and a fresh working copy <dir>/work, and returns the request that runs
// the attempt there (without its id and series sink, which the caller owns).
Result<AttemptRequest> PrepareAttempt(const Manifest& manifest, const RunSpec& run, const std::filesystem::path& dir,
                                      int attempt_number, const AttemptSettings& settings);

// Fills how an attempt ended (status, exit, timings, message, metrics) from its process.
void TakeOutcome(const AttemptOutcome& outcome, AttemptRecord& attempt);

std::string ParamsJson(const RunSpec& run);
std::vector<MetricRecord> ToRecords(const std::vector<MetricValue>& values);

// What a person needs when an attempt fails: the command, how it ended, its last words.
std::string DescribeFailure(const AttemptRecord& attempt, const std::vector<std::string>& argv);
// "acc=0.97, loss non-finite"
std::string DescribeMetrics(const std::vector<MetricRecord>& metrics);

// Writes <attempt.dir>/attempt.json: everything about a finished attempt beside its logs,
// for people and tools that do not read the database.
void WriteAttemptRecord(const AttemptRecord& attempt, const RunSpec& run, const std::vector<std::string>& argv,
                        bool sandboxed);

// Collects an attempt's series points as they are extracted and writes them to the store
// in batches, so a long log never holds its whole series in memory.
class SeriesBuffer {
 public:
  static constexpr size_t kBatch = 10000;
  SeriesBuffer(Store& store, int64_t attempt_id) : store_(store), attempt_id_(attempt_id) {}
  void Add(const std::string& metric, const Observation& o);
  void Add(SeriesPoint point);
  // Writes what is pending; the first failure is kept and returned from then on.
  Status Flush();

 private:
  Store& store_;
  int64_t attempt_id_;
  std::vector<SeriesPoint> pending_;
  std::map<std::string, int64_t> next_seq_;
  Status failure_;
};

// What a Slurm task's supervisor leaves in its attempt folder when the attempt ends:
// result.json, written atomically and durably after series.tsv is complete, so the
// submitting repro finds either the whole record or none.
struct JobResult {
  AttemptRecord attempt;  // status, exit, timings, message, metrics
  std::string job;        // "4242_7"
  std::string node;
  int restart = 0;               // SLURM_RESTART_COUNT
  std::string environment_json;  // the fingerprint taken on the node
  std::vector<std::string> argv;
  int64_t series_points = 0;  // lines in series.tsv
};

inline constexpr const char* kJobResultFile = "result.json";
inline constexpr const char* kJobSeriesFile = "series.tsv";

Status WriteJobResult(const std::filesystem::path& dir, const JobResult& result);
Result<JobResult> ReadJobResult(const std::filesystem::path& dir);

// series.tsv: one point per line, "metric<TAB>seq<TAB>step<TAB>value<TAB>std<TAB>flag",
// empty fields for absent values; numbers print round-trip exact.
std::string SeriesLine(const std::string& metric, int64_t seq, const Observation& o);
// Reads series.tsv in batches of SeriesBuffer::kBatch, handing each to "sink".
Status ReadSeriesFile(const std::filesystem::path& path, const std::function<Status(std::vector<SeriesPoint>&)>& sink);

}  // namespace repro
