// The Slurm commands repro runs: sbatch, squeue, sacct, scontrol and scancel, each call
// counted (the benchmark prints the counts). One Query covers every job followed: one
// squeue call, then one sacct call only for tasks squeue no longer knows.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/slurm/states.h"
#include "harness/util/result.h"

namespace repro::slurm {

struct CallCounts {
  int sbatch = 0, squeue = 0, sacct = 0, scontrol = 0, scancel = 0;
};

class Client {
 public:
  // "log_dir" keeps each command's output, for when something goes wrong.
  explicit Client(std::filesystem::path log_dir);
  virtual ~Client() = default;

  // Submits a batch script held (so its id is recorded before any task can run); returns
  // the job id.
  virtual Result<std::string> SubmitHeld(const std::filesystem::path& script);
  virtual Status Release(const std::vector<std::string>& job_ids);
  // Jobs whose name is "name", as squeue sees them (to find a submission whose id was
  // never recorded).
  virtual Result<std::vector<JobRow>> FindByName(const std::string& name);
  // What Slurm knows of these tasks ("4242_3"): one squeue call for all, then one sacct
  // call (with accounting) when squeue no longer knows some of them.
  virtual Result<std::vector<JobRow>> Query(const std::vector<std::string>& tasks);
  virtual Status Cancel(const std::vector<std::string>& job_ids);

  const CallCounts& counts() const { return counts_; }
  bool accounting() const { return accounting_; }

 private:
  // Runs "argv" to its end; its standard output, or an error with its standard error.
  Result<std::string> Call(const std::vector<std::string>& argv, int& counter);
  std::filesystem::path log_dir_;
  CallCounts counts_;
  bool accounting_ = true;  // false once sacct says accounting is off: then squeue alone
};

}  // namespace repro::slurm
