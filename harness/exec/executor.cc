#include "harness/exec/executor.h"

#include <fmt/format.h>

#include <algorithm>

namespace repro {

struct LocalExecutor::Running {
  AttemptRequest request;
  MetricCollector collector;
  std::vector<std::string> gpus;
  explicit Running(AttemptRequest r) : request(std::move(r)), collector(request.metrics, request.series) {}
};

LocalExecutor::LocalExecutor(int jobs, Capacity capacity) : jobs_(std::max(1, jobs)), pool_(std::move(capacity)) {}
LocalExecutor::~LocalExecutor() = default;

bool LocalExecutor::CanStart(const ResourceRequest& resources) const {
  if (static_cast<int>(running_.size()) >= jobs_) return false;
  if (!pool_.Fits(resources).ok()) return true;  // refused at Start, with the reason
  // Try, then give back: the pool has no separate "would fit" query to keep in sync.
  std::optional<std::vector<std::string>> gpus = pool_.TryAcquire(resources);
  if (!gpus) return false;
  pool_.Release(resources, *gpus);
  return true;
}

namespace {

void SetVariable(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  std::string prefix = name + "=";
  env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; }),
            env.end());
  env.push_back(prefix + value);
}

}  // namespace

void LocalExecutor::Start(AttemptRequest request) {
  if (Status fits = pool_.Fits(request.resources); !fits) {
    AttemptOutcome outcome;
    outcome.attempt_id = request.attempt_id;
    outcome.process.end = ProcessEnd::kStartFailed;
    outcome.process.message = fits.error();
    refused_.push_back(std::move(outcome));
    return;
  }
  std::vector<std::string> gpus = pool_.TryAcquire(request.resources).value_or(std::vector<std::string>{});
  if (!pool_.capacity().gpu_ids.empty() || request.resources.gpus > 0) {
    // Declared GPUs only: an attempt that asked for none must not grab one.
    std::string list;
    for (const std::string& id : gpus) list += (list.empty() ? "" : ",") + id;
    SetVariable(request.process.env, "CUDA_VISIBLE_DEVICES", list);
  }
  auto running = std::make_unique<Running>(std::move(request));
  running->gpus = std::move(gpus);
  MetricCollector* collector = &running->collector;
  int handle = processes_.Start(running->request.process, [collector](StreamId stream, std::string_view chunk) {
    collector->OnOutput(stream, chunk);
  });
  running_[handle] = std::move(running);
}

std::optional<AttemptOutcome> LocalExecutor::WaitForOne() {
  if (!refused_.empty()) {
    AttemptOutcome outcome = std::move(refused_.back());
    refused_.pop_back();
    return outcome;
  }
  std::optional<std::pair<int, ProcessResult>> done = processes_.WaitAny();
  if (!done) return std::nullopt;
  auto it = running_.find(done->first);
  std::unique_ptr<Running> running = std::move(it->second);
  running_.erase(it);
  pool_.Release(running->request.resources, running->gpus);
  AttemptOutcome outcome;
  outcome.attempt_id = running->request.attempt_id;
  outcome.process = std::move(done->second);
  outcome.metrics = running->collector.Finish(running->request.metric_file, running->request.metric_root,
                                              running->request.files_before);
  for (const std::string& note : running->collector.AttemptNotes()) {
    std::string& message = outcome.process.message;
    message += (message.empty() ? "" : "; ") + note;
  }
  return outcome;
}

void LocalExecutor::InterruptAll() { processes_.InterruptAll(); }

}  // namespace repro
