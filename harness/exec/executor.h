// The seam between deciding what to run and running it. The runner hands an Executor
// attempts; the Executor reports each one's end with its metrics. LocalExecutor runs them
// as processes on this machine; tests use a fake. Slurm is the runner's other backend
// (runner/backend.h), which hands attempts to the cluster instead of to an Executor.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "harness/exec/process.h"
#include "harness/exec/resources.h"
#include "harness/metrics/extract.h"
#include "harness/metrics/spec.h"

namespace repro {

struct AttemptRequest {
  int64_t attempt_id = 0;
  ResourceRequest resources;
  ProcessSpec process;
  std::vector<std::string> command;  // as the manifest expands it, before any sandbox wrapper
  std::vector<MetricSpec> metrics;
  // Where a file metric's file is, once its path template is bound for this attempt.
  std::function<std::filesystem::path(const MetricSpec&)> metric_file;
  // The folder metric files must lie beneath (the attempt's own): nothing outside is read.
  std::filesystem::path metric_root;
  // What the text metric files held in the prepared working copy before the run: not read
  // as this run's results.
  FilesBefore files_before;
  // Receives every series point as it is extracted.
  SeriesSink series;
};

struct AttemptOutcome {
  int64_t attempt_id = 0;
  ProcessResult process;
  std::vector<MetricValue> metrics;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Whether an attempt needing "resources" may start now.
  virtual bool CanStart(const ResourceRequest& resources) const = 0;
  virtual void Start(AttemptRequest request) = 0;
  // Blocks until an attempt ends; nullopt when none is running.
  virtual std::optional<AttemptOutcome> WaitForOne() = 0;
  // Ends every running attempt; they are reported as interrupted.
  virtual void InterruptAll() = 0;
};

// Runs attempts as supervised processes on this machine: at most "jobs" at once, and never
// more than the machine's CPUs, memory and GPUs hold. GPUs are handed out through
// CUDA_VISIBLE_DEVICES; an attempt that declares none sees none.
class LocalExecutor : public Executor {
 public:
  LocalExecutor(int jobs, Capacity capacity);
  ~LocalExecutor() override;

  bool CanStart(const ResourceRequest& resources) const override;
  void Start(AttemptRequest request) override;
  std::optional<AttemptOutcome> WaitForOne() override;
  void InterruptAll() override;

 private:
  struct Running;
  int jobs_;
  mutable ResourcePool pool_;
  ProcessSet processes_;
  std::map<int, std::unique_ptr<Running>> running_;
  std::vector<AttemptOutcome> refused_;  // attempts that can never fit here, reported at once
};

}  // namespace repro
