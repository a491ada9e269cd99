#include "harness/slurm/client.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "harness/exec/command.h"
#include "harness/exec/environment.h"
#include "harness/util/text.h"

namespace repro::slurm {
namespace {

constexpr double kCommandTimeoutSeconds = 120;  // slurmctld busy: a poll is retried later

std::string JobOf(const std::string& task) { return task.substr(0, task.find('_')); }

// The code of a failed client command, from what it said: squeue knows none of the jobs asked
// for (an answer, "none"), or sacct has no accounting storage to ask (slurmdbd not running).
// The one place Slurm's words are read; callers test IsNotFound() and IsUnavailable().
ErrorCode CodeOf(const std::string& stderr_text) {
  if (stderr_text.find("Invalid job id") != std::string::npos) return ErrorCode::kNotFound;
  if (stderr_text.find("accounting storage is disabled") != std::string::npos) return ErrorCode::kUnavailable;
  return ErrorCode::kFailed;
}

std::string TaskName(const JobRow& row) { return row.task ? fmt::format("{}_{}", row.job_id, *row.task) : row.job_id; }

}  // namespace

Client::Client(std::filesystem::path log_dir) : log_dir_(std::move(log_dir)) {}

Result<std::string> Client::Call(const std::vector<std::string>& argv, int& counter) {
  ++counter;
  std::error_code ec;
  std::filesystem::create_directories(log_dir_, ec);
  Command command;
  command.argv = argv;
  command.cwd = log_dir_;
  EnvPairs slurm;
  // The client commands find the cluster through SLURM_CONF; sbatch hands PATH and it on
  // to the job, where repro runs again.
  for (const char* name : {"SLURM_CONF", "REPRO_CACHE"}) {
    if (const char* value = std::getenv(name)) slurm.emplace_back(name, value);
  }
  command.env = BuildChildEnvironment(slurm, {});
  // Per process: `repro status` may ask while `repro run` follows the same jobs.
  command.log_dir = log_dir_;
  command.log_name = fmt::format("{}.{}", argv.front(), ::getpid());
  command.keep_logs = Command::KeepLogs::kOnFailure;  // to be read
  command.timeout_seconds = kCommandTimeoutSeconds;
  CommandResult result = RunCommand(command);
  if (result.succeeded()) return std::move(result.out);
  Error failure = result.Failure(Join(argv, " "));
  failure.code = CodeOf(result.err);
  return failure;
}

Result<std::string> Client::SubmitHeld(const std::filesystem::path& script) {
  Result<std::string> out = Call({"sbatch", "--parsable", "--hold", script.string()}, counts_.sbatch);
  if (!out) return out;
  // "4242" or "4242;cluster"
  std::string id = out->substr(0, out->find_first_of(";\n"));
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
    return Error{fmt::format("sbatch printed '{}', not a job id", *out)};
  }
  return id;
}

Status Client::Release(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return Status::Ok();
  Result<std::string> out = Call({"scontrol", "release", Join(job_ids, ",")}, counts_.scontrol);
  if (!out) return Error{out.error()};
  return Status::Ok();
}

Result<std::vector<JobRow>> Client::FindByName(const std::string& name) {
  Result<std::string> out =
      Call({"squeue", "--noheader", "--states=all", "--name=" + name, "--format=%i|%T"}, counts_.squeue);
  if (!out) return Error{out.error()};
  return ParseSqueue(*out);
}

Result<std::vector<JobRow>> Client::Query(const std::vector<std::string>& tasks) {
  std::set<std::string> jobs;
  for (const std::string& task : tasks) jobs.insert(JobOf(task));
  std::string list = Join(std::vector<std::string>(jobs.begin(), jobs.end()), ",");
  std::vector<JobRow> rows;
  // squeue knows ended jobs for MinJobAge; when it knows none of them it exits 1, which is
  // an answer ("none"), not a failure.
  Result<std::string> queue =
      Call({"squeue", "--noheader", "--states=all", "--jobs=" + list, "--format=%i|%T"}, counts_.squeue);
  if (queue) {
    rows = ParseSqueue(*queue);
  } else if (!queue.IsNotFound()) {
    return queue.failure();
  }
  std::set<std::string> seen;
  for (const JobRow& row : rows) seen.insert(TaskName(row));
  bool missing = false;
  for (const std::string& task : tasks) missing = missing || !seen.count(task);
  if (!missing || !accounting_) return rows;
  Result<std::string> accounted =
      Call({"sacct", "--noheader", "--parsable2", "--jobs=" + list, "--format=JobID,State,ExitCode"}, counts_.sacct);
  if (!accounted) {
    // Without slurmdbd, sacct cannot answer; from then on squeue alone is asked.
    if (accounted.IsUnavailable()) {
      accounting_ = false;
      return rows;
    }
    return Error{accounted.error()};
  }
  for (JobRow& row : ParseSacct(*accounted)) {
    if (!seen.count(TaskName(row))) rows.push_back(std::move(row));
  }
  return rows;
}

Status Client::Cancel(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return Status::Ok();
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), job_ids.begin(), job_ids.end());
  Result<std::string> out = Call(argv, counts_.scancel);
  if (!out) return Error{out.error()};
  return Status::Ok();
}

}  // namespace repro::slurm
