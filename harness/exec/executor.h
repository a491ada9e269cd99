// The seam between deciding what to run and running it. The runner hands an Executor
// attempts; the Executor reports each one's end with its metrics. LocalExecutor runs them
// as processes on this machine; tests use a fake; Slurm comes later behind the same seam.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "harness/exec/process.h"
#include "harness/metrics/extract.h"
#include "harness/metrics/spec.h"

namespace repro {

struct AttemptRequest {
  int64_t attempt_id = 0;
  ProcessSpec process;
  std::vector<MetricSpec> metrics;
  // Where a file metric's file is, once its path template is bound for this attempt.
  std::function<std::filesystem::path(const MetricSpec&)> metric_file;
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
  // Whether one more attempt may start now.
  virtual bool HasCapacity() const = 0;
  virtual void Start(AttemptRequest request) = 0;
  // Blocks until an attempt ends; nullopt when none is running.
  virtual std::optional<AttemptOutcome> WaitForOne() = 0;
  // Ends every running attempt; they are reported as interrupted.
  virtual void InterruptAll() = 0;
};

// Runs up to "jobs" attempts at once as supervised processes on this machine.
class LocalExecutor : public Executor {
 public:
  explicit LocalExecutor(int jobs);
  ~LocalExecutor() override;

  bool HasCapacity() const override;
  void Start(AttemptRequest request) override;
  std::optional<AttemptOutcome> WaitForOne() override;
  void InterruptAll() override;

 private:
  struct Running;
  int jobs_;
  ProcessSet processes_;
  std::map<int, std::unique_ptr<Running>> running_;
};

}  // namespace repro
