#include "harness/exec/executor.h"

namespace repro {

struct LocalExecutor::Running {
  AttemptRequest request;
  MetricCollector collector;
  explicit Running(AttemptRequest r) : request(std::move(r)), collector(request.metrics, request.series) {}
};

LocalExecutor::LocalExecutor(int jobs) : jobs_(std::max(1, jobs)) {}
LocalExecutor::~LocalExecutor() = default;

bool LocalExecutor::HasCapacity() const { return static_cast<int>(running_.size()) < jobs_; }

void LocalExecutor::Start(AttemptRequest request) {
  auto running = std::make_unique<Running>(std::move(request));
  MetricCollector* collector = &running->collector;
  int handle = processes_.Start(running->request.process,
                                [collector](StreamId stream, std::string_view line) { collector->OnLine(stream, line); });
  running_[handle] = std::move(running);
}

std::optional<AttemptOutcome> LocalExecutor::WaitForOne() {
  std::optional<std::pair<int, ProcessResult>> done = processes_.WaitAny();
  if (!done) return std::nullopt;
  auto it = running_.find(done->first);
  std::unique_ptr<Running> running = std::move(it->second);
  running_.erase(it);
  AttemptOutcome outcome;
  outcome.attempt_id = running->request.attempt_id;
  outcome.process = std::move(done->second);
  outcome.metrics = running->collector.Finish(running->request.metric_file);
  return outcome;
}

void LocalExecutor::InterruptAll() { processes_.InterruptAll(); }

}  // namespace repro
