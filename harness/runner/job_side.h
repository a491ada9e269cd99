// Slurm's side of an attempt. The submitting repro writes one task file per job array;
// each array task runs `repro attempt TASKFILE --task N`, which supervises its attempts
// exactly as the local executor does (same preparation, limits, logs and metric
// extraction) and leaves result.json and series.tsv in each attempt's folder. It never
// opens the database: only the submitting repro writes that, when it ingests the record.
// An array task runs one attempt, or a pack of short ones one after another.
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
  std::vector<Task> tasks;  // every attempt of the array
  // The attempts each array task runs, in order, by index into "tasks"; empty: array task i
  // runs tasks[i] alone.
  std::vector<std::vector<int>> packs;

  int ArrayTaskCount() const { return static_cast<int>(packs.empty() ? tasks.size() : packs.size()); }
};

inline constexpr const char* kTaskFile = "tasks.json";

Status WriteArrayTasks(const std::filesystem::path& path, const ArrayTasks& tasks);
Result<ArrayTasks> ReadArrayTasks(const std::filesystem::path& path);

// The folder of a task's attempt after "restart" requeues.
std::filesystem::path TaskAttemptDir(const ArrayTasks::Task& task, int restart);

// Runs array task "index" of "task_file": each of its attempts, writing each one's result
// record. Returns the records written (each attempt's status says how it ended), or why a
// record could not be written (the submitting repro then goes by Slurm's state). After
// Slurm's warning signal or an interruption, the attempts not yet begun are left without a
// record: they end as Slurm ends the task, or run after its requeue. A requeued pack does not
// run again an attempt that ended on its own before the requeue (its record says anything
// but interrupted): the submitting repro may have ingested it already. Prints nothing: the
// CLI says what happened and chooses the exit code.
Result<std::vector<JobResult>> RunJobSideTask(const std::filesystem::path& task_file, int index);

}  // namespace repro
