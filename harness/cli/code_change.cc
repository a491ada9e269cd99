// Why claims are pending when runs exist: the code in a local folder changed since they
// were made (a file edited, or one written into the folder after the run), so its identity
// and every run key changed with it. Said in words, instead of a table of `pending`.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>

#include "harness/cli/loading.h"
#include "harness/source/source.h"
#include "harness/source/tree.h"
#include "harness/util/text.h"

namespace repro::cli {
namespace {

// How many of "runs" have a completed attempt in the store (none when it cannot be read).
int CompletedRuns(const std::vector<RunSpec>& runs, Store& store) {
  Result<std::vector<std::optional<AttemptRecord>>> newest = store.LatestAttempts(RunKeys(runs));
  if (!newest) return 0;
  return static_cast<int>(std::count_if(newest->begin(), newest->end(), [](const std::optional<AttemptRecord>& a) {
    return a && a->status == AttemptStatus::kCompleted;
  }));
}

}  // namespace

std::vector<std::filesystem::path> ReproOutputs(const CommonOptions& common) {
  std::filesystem::path db = std::filesystem::absolute(common.DbPath());
  std::vector<std::filesystem::path> outputs = {std::filesystem::absolute(common.results_dir), db};
  for (const char* suffix : {"-wal", "-shm", "-journal"}) outputs.push_back(db.string() + suffix);
  outputs.push_back(std::filesystem::absolute(common.cache ? *common.cache : DefaultCacheDir()));
  // `repro compare repro.yaml > out.txt`: the shell made out.txt before repro started, and
  // what repro is about to print into it is not the code either.
  for (int fd : {1, 2}) {
    struct stat status {};
    std::error_code ec;
    std::filesystem::path target = std::filesystem::read_symlink(fmt::format("/proc/self/fd/{}", fd), ec);
    if (!ec && ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && target.is_absolute()) outputs.push_back(target);
  }
  return outputs;
}

std::optional<std::string> ExplainOtherCode(const Loaded& loaded, const Evaluation& evaluation, Store& store,
                                            int64_t max_runs) {
  const Source& source = loaded.manifest.source;
  if (source.is_git() || evaluation.runs_never_run == 0) return std::nullopt;
  Result<std::vector<SourceTreeRecord>> trees = store.SourceTrees(source.path.string());
  if (!trees) return std::nullopt;
  for (const SourceTreeRecord& then : *trees) {
    if (then.identity == loaded.source_identity) continue;
    Result<std::vector<RunSpec>> runs = PlanRuns(loaded.manifest, then.identity, max_runs);
    int completed = runs ? CompletedRuns(*runs, store) : 0;
    if (completed == 0) continue;
    Result<SourceTree> now = ReadSourceTree(source.path, source.outputs);
    std::string change = now ? DescribeTreeChange(ParseTreeFiles(then.files), now->files) : now.error();
    if (change.empty()) change = "the added files, patches or inputs changed since the runs";
    return fmt::format(
        "{} ({}); {} of {} run(s) are stored for the code as it was then (recorded {}). Run again to measure "
        "the code as it is now, restore those files, or leave them out with {}",
        change, source.path.string(), completed, runs->size(), then.recorded_at, kReproIgnoreFile);
  }
  return std::nullopt;
}

bool SayIfCodeChanged(const Console& console, const Loaded& loaded, const Evaluation& evaluation, Store& store,
                      int64_t max_runs) {
  std::optional<std::string> change = ExplainOtherCode(loaded, evaluation, store, max_runs);
  if (change) console.notes() << "repro: the code changed since the runs: " << VisibleText(*change) << "\n";
  return change.has_value();
}

void PointPendingAtOtherCode(Evaluation& evaluation) {
  for (ClaimEvaluation& claim : evaluation.claims) {
    if (claim.verdict.kind != VerdictKind::kPending) continue;
    size_t not_run = 0, running = 0;
    for (const RunEvidence& run : claim.runs) {
      not_run += run.state == RunEvidence::State::kNotRun;
      running += run.state == RunEvidence::State::kRunning;
    }
    if (not_run == 0 || running > 0) continue;
    claim.verdict.reason = fmt::format(
        "{} of {} runs not run on the code as it is now; runs stored for other code of this folder; see above", not_run,
        claim.runs.size());
  }
}

}  // namespace repro::cli
