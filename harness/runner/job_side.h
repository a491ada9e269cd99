// Slurm's side of an attempt. The submitting repro writes one task file per job array;
// each array task runs `repro attempt TASKFILE --task N`, which supervises its attempt
// exactly as the local executor does (same preparation, limits, logs and metric
// extraction) and leaves result.json and series.tsv in the attempt's folder. It never
// opens the database: only the submitting repro writes that, when it ingests the record.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/runner/attempt.h"

namespace repro {

struct ArrayTasks {
  std::filesystem::path manifest_path;  // relative paths in the manifest resolve against its folder
  std::string manifest_text;            // as submitted: an edit while jobs wait changes nothing
  std::string source_identity;
  AttemptSettings settings;
  struct Task {
    std::string run_key;
    std::filesystem::path run_dir;
    int first_attempt = 1;  // a requeued task continues as first_attempt + SLURM_RESTART_COUNT
  };
  std::vector<Task> tasks;
};

inline constexpr const char* kTaskFile = "tasks.json";

Status WriteArrayTasks(const std::filesystem::path& path, const ArrayTasks& tasks);
Result<ArrayTasks> ReadArrayTasks(const std::filesystem::path& path);

// The folder of a task's attempt after "restart" requeues.
std::filesystem::path TaskAttemptDir(const ArrayTasks::Task& task, int restart);

// Runs task "index" of the array in "task_file" and writes its result record. Returns the
// record written (its attempt's status says how the attempt ended), or why no record could
// be written (the submitting repro then goes by Slurm's state). Prints nothing: the CLI says
// what happened and chooses the exit code.
Result<JobResult> RunJobSideAttempt(const std::filesystem::path& task_file, int index);

}  // namespace repro
