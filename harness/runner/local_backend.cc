#include "harness/runner/local_backend.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "harness/exec/sandbox.h"
#include "harness/fingerprint/fingerprint.h"

namespace repro {
namespace {

// An attempt's folder is made here, never reused: when it exists already, the database does
// not know attempts that ran (it was deleted, emptied or replaced), and running on would
// overwrite their logs and read their stale {out} files as new results.
Status MakeFreshFolder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir.parent_path(), ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", dir.parent_path().string(), ec.message())};
  if (::mkdir(dir.c_str(), 0755) == 0) return Status::Ok();
  if (errno != EEXIST) return Error{fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno))};
  std::filesystem::path results = dir.parent_path().parent_path().parent_path();
  return Error{
      fmt::format("{} already exists, but the database has no record of that attempt: the database was deleted, "
                  "emptied or replaced "
                  "after runs were made into this results folder. Restore the database that goes with it, or move the "
                  "results folder "
                  "aside (e.g. mv {} {}.old) to start afresh; repro never reuses an attempt's folder",
                  dir.string(), results.string(), results.string())};
}

}  // namespace

Result<Backend::Adopted> LocalBackend::Adopt(EarlierAttempts earlier, std::deque<const RunSpec*>&) {
  for (const auto& [run, attempt] : earlier) {
    events_.Say(fmt::format(
        "{}: queued or running on Slurm as job {}; skipped (follow it with --executor slurm, or repro cancel)",
        run->label, attempt.job));
  }
  return Adopted{0, static_cast<int>(earlier.size())};
}

Status LocalBackend::Prepare() {
  if (!sandboxed_) return Status::Ok();
  if (Status sandbox = CheckSandbox(); !sandbox) return sandbox;
  events_.Say("isolation: sandbox (bubblewrap: own PID namespace, no network, only the attempt's folder writable)");
  return Status::Ok();
}

Result<std::string> LocalBackend::RecordEnvironment(const std::filesystem::path& code_dir) {
  Fingerprint fingerprint = TakeFingerprint(&manifest_, code_dir);
  if (Status s = store_.RecordEnvironment(fingerprint.sha256, fingerprint.json); !s) return Error{s.error()};
  environment_ = fingerprint.sha256;
  return environment_;
}

bool LocalBackend::CanStart(const RunSpec& run) const {
  const Resources& r = run.experiment->resources;
  return executor_.CanStart(ResourceRequest{r.cpus, r.memory_bytes, r.gpus});
}

Status LocalBackend::Start(const RunSpec& run, AttemptRecord attempt, const AttemptSettings& settings) {
  std::filesystem::path dir = std::filesystem::absolute(attempt.dir);
  // Never run into another attempt's folder: its logs and {out} files would pass as this one's.
  if (Status fresh = MakeFreshFolder(dir); !fresh) return fresh;
  Result<AttemptRequest> request = PrepareAttempt(manifest_, run, dir, attempt.number, settings);
  if (!request) {
    // Told like any other end: a reason kept only in the database is lost on the user.
    attempt.status = AttemptStatus::kStartFailed;
    attempt.message = request.error();
    attempt.environment = environment_;
    ended_.push_back({&run, std::move(attempt), {}, false});
    return Status::Ok();
  }
  request->attempt_id = attempt.id;
  auto series = std::make_shared<SeriesBuffer>(store_, attempt.id);
  request->series = [series](const std::string& metric, const Observation& o) { series->Add(metric, o); };
  std::string command = ShellCommandLine(request->command);
  in_flight_[attempt.id] = InFlight{&run, attempt, request->command, series};
  executor_.Start(std::move(*request));
  events_.Started(run, command);
  return Status::Ok();
}

Result<std::vector<EndedAttempt>> LocalBackend::WaitForEnds() {
  std::vector<EndedAttempt> ended = std::move(ended_);
  ended_.clear();
  if (!ended.empty()) return ended;
  std::optional<AttemptOutcome> outcome = executor_.WaitForOne();
  if (!outcome) {
    if (in_flight_.empty()) return ended;
    return Error{fmt::format("the executor lost {} attempt(s) it was running", in_flight_.size())};
  }
  auto it = in_flight_.find(outcome->attempt_id);
  if (it == in_flight_.end()) return Error{fmt::format("executor reported unknown attempt {}", outcome->attempt_id)};
  InFlight flight = std::move(it->second);
  in_flight_.erase(it);
  if (Status stored = flight.series->Flush(); !stored) return Error{stored.error()};
  TakeOutcome(*outcome, flight.attempt);
  flight.attempt.environment = environment_;
  ended.push_back({flight.run, std::move(flight.attempt), std::move(flight.argv), false});
  return ended;
}

int LocalBackend::Interrupt() {
  executor_.InterruptAll();
  return 0;
}

}  // namespace repro
