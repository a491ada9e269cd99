#include "harness/slurm/batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/util/shell_quote.h"

namespace repro::slurm {
namespace {

// Single-quoted for sh, except a "${SLURM_ARRAY_TASK_ID}" the task must expand.
std::string Quote(const std::string& arg) {
  static const std::string kTask = "${SLURM_ARRAY_TASK_ID}";
  std::string out;
  size_t start = 0;
  for (size_t at = arg.find(kTask);; at = arg.find(kTask, start)) {
    std::string part = arg.substr(start, at == std::string::npos ? std::string::npos : at - start);
    if (!part.empty()) {
      out += ShellQuote(part);
    }
    if (at == std::string::npos) break;
    out += "\"" + kTask + "\"";
    start = at + kTask.size();
  }
  return out.empty() ? "''" : out;
}

}  // namespace

std::string SlurmDuration(double seconds) {
  int64_t minutes = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(seconds / 60)));
  return fmt::format("{}-{:02}:{:02}:00", minutes / 1440, (minutes % 1440) / 60, minutes % 60);
}

std::string RenderBatchScript(const ArrayJob& job) {
  std::string out = "#!/bin/sh\n";
  auto option = [&out](const std::string& text) { out += "#SBATCH " + text + "\n"; };
  option("--job-name=" + job.name);
  option(fmt::format("--array=0-{}{}", job.tasks - 1, job.max_running > 0 ? fmt::format("%{}", job.max_running) : ""));
  option(fmt::format("--cpus-per-task={}", job.cpus));
  if (job.memory_bytes > 0) option(fmt::format("--mem={}M", (job.memory_bytes + (1 << 20) - 1) >> 20));
  if (job.gpus > 0) option(fmt::format("--gres=gpu:{}", job.gpus));
  if (job.timeout_seconds > 0) option("--time=" + SlurmDuration(job.timeout_seconds + job.warning_seconds + 60));
  option(fmt::format("--signal=B:USR2@{}", job.warning_seconds));
  if (!job.partition.empty()) option("--partition=" + job.partition);
  if (!job.account.empty()) option("--account=" + job.account);
  if (!job.qos.empty()) option("--qos=" + job.qos);
  for (const std::string& extra : job.extra) option(extra);
  option("--output=" + (job.log_dir / "slurm-%A_%a.out").string());
  option("--requeue");
  out += "exec";
  for (const std::string& arg : job.command) out += " " + Quote(arg);
  return out + "\n";
}

}  // namespace repro::slurm
