// The batch script of one job array: one sbatch per experiment and resource shape, each
// task running repro's job-side supervisor for one attempt. Pure text, for the executor of
// issue #7 to submit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace repro::slurm {

struct ArrayJob {
  std::string name;            // --job-name
  int tasks = 1;               // --array=0-(tasks-1)
  int max_running = 0;         // %N throttle; 0: none
  int cpus = 1;                // --cpus-per-task
  int64_t memory_bytes = 0;    // --mem, rounded up to MiB; 0: the partition's default
  int gpus = 0;                // --gres=gpu:N when > 0
  double timeout_seconds = 0;  // the attempt's own timeout; --time adds the warning and a minute
  int warning_seconds = 90;    // --signal=B:USR2@N: the supervisor stops the attempt cleanly first
  std::string partition, account, qos;
  std::vector<std::string> extra;    // more #SBATCH options from a profile, as written
  std::filesystem::path log_dir;     // Slurm's own output of each task: <log_dir>/slurm-%A_%a.out
  std::vector<std::string> command;  // each task's command; "${SLURM_ARRAY_TASK_ID}" is left for the shell
};

// "1-02:03:00": days-hours:minutes:seconds, whole minutes rounded up (Slurm's granularity).
std::string SlurmDuration(double seconds);

std::string RenderBatchScript(const ArrayJob& job);

}  // namespace repro::slurm
