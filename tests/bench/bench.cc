// repro's benchmarks: each result is a ratio against a baseline measured in the same run,
// on the same machine, moments apart (medians of several repetitions). Run by scripts/bench.
//
//   extraction  repro's supervisor path (pipes, log file, line splitting, PCRE2, series
//               sink) reading a child's output, against a raw posix_spawn + read() loop
//               that discards the same child's output.        target: >= 0.80
//   ingest      Store::AppendSeries of the series points, against a raw prepared
//               INSERT in 10k-row transactions of the same rows. target: >= 0.50
//   memory      peak RSS of `repro run` on a 1 GB log over that on a 100 MB log.
//                                                                target: <= 1.10
//   launch      `repro run` of 500 attempts of /bin/true (-j 1), against a raw
//               posix_spawn + waitpid loop of the same 500 launches.
//                                          target: <= 1.25 x wall, <= 150 us harness CPU each
//   manifest    validation (ParseManifest) of a stranger's manifest at size N and at 10N:
//               a million seeds, many claims, a table naming every claim, megabytes
//               of '['. Linear is a ratio of about 10.            target: <= 15
//               `repro_bench --manifest` runs these alone (no repro binary needed).
//   peers       300 trivial Python attempts, 2 at a time, through repro, xargs -P2, GNU
//               parallel -j2 and Snakemake -j2; then all done, repro against Snakemake
//               (peers.cc).          goals: <= 1 x GNU parallel, <= 0.5 x Snakemake
//   scale       `repro run` with nothing to do, compare and the reports over 10,000 runs x
//               100 points, beside a plain SELECT of the same rows (scale.cc).
//                                    goals: 0.1 s, 0.2 s, 0.5 s and < 100 MB each report
//   makespan    eight 0.5 s attempts and one 3 s attempt listed last, -j 2: the manifest's
//               order, then longest first, against the ideal packing (makespan.cc).
//                                    goal: longest first <= 1.05 x ideal
//               `repro_bench --peers|--scale|--makespan REPRO_BINARY WORK_DIR` runs one alone.
//
// The exit status is 1 when an extraction, ingest, memory or manifest target is missed; the
// launch, peers and scale goals are printed, met or MISSED, and do not change it (issue #20
// is about meeting them: a bench that failed until then would say nothing new).
#include "tests/bench/bench.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "harness/exec/environment.h"
#include "harness/exec/executor.h"
#include "harness/manifest/parser.h"
#include "harness/runner/runner.h"
#include "harness/store/store.h"
#include "harness/util/time.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using repro_bench::Median;
constexpr const char* kPattern = R"(acc=(?<value>[0-9.]+))";

// A training log: accuracy lines (about half of all lines), losses, INFO and WARNING noise,
// and tqdm progress bars drawn with carriage returns.
void WriteSyntheticLog(const fs::path& path, size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> unit(0, 1);
  std::string buffer;
  size_t written = 0;
  for (int64_t i = 0; written < bytes; ++i) {
    buffer.clear();
    switch (i % 8) {
      case 0:
      case 2:
      case 4:
        buffer = fmt::format("epoch {} step {} acc={:.4f} loss={:.4f}\n", i / 1000, i, unit(rng), unit(rng) * 3);
        break;
      case 1:
        buffer = fmt::format("INFO 2026-11-24 12:00:{:02} data loader worker {} ready\n", i % 60, i % 8);
        break;
      case 3:
        buffer = fmt::format(" {}%|#####     | {}/1000 [00:10<00:12, 44.1it/s]\r {}%|######    | done\n", i % 100,
                             i % 1000, i % 100);
        break;
      case 5:
        buffer = fmt::format("val_acc={:.4f} val_loss={:.4f}\n", unit(rng), unit(rng));
        break;
      case 6:
        buffer = "WARNING: the learning rate scheduler was stepped before the optimizer\n";
        break;
      case 7:
        buffer = fmt::format("acc=nan at step {}\n", i);
        break;
    }
    out << buffer;
    written += buffer.size();
  }
}

// Seconds to drain "cat path" through a pipe, discarding: the baseline.
double RawPipeSeconds(const fs::path& path) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  ::fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  std::string file = path.string();
  char* argv[] = {const_cast<char*>("cat"), file.data(), nullptr};
  double start = repro::MonotonicSeconds();
  pid_t pid = -1;
  posix_spawnp(&pid, "cat", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  std::vector<char> buffer(256 * 1024);
  while (::read(fds[0], buffer.data(), buffer.size()) > 0) {
  }
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return repro::MonotonicSeconds() - start;
}

// Seconds for repro's executor to run "cat path": logs written, lines split, regex applied,
// every observation handed to a sink.
// With "extract" false, no metric is declared: what supervision and the log alone cost.
double ReproPipeSeconds(const fs::path& path, const fs::path& dir, int64_t* points, bool extract = true) {
  repro::LocalExecutor executor(1, repro::DetectCapacity());
  repro::AttemptRequest request;
  request.attempt_id = 1;
  request.process.argv = {"cat", path.string()};
  request.process.cwd = dir;
  request.process.env = repro::BuildChildEnvironment({}, {});
  request.process.stdout_path = dir / "stdout.log";
  request.process.stderr_path = dir / "stderr.log";
  request.process.log_cap_bytes = repro::kDefaultLogCapBytes;  // as `repro run` does by default
  repro::MetricSpec acc;
  acc.name = "acc";
  acc.pattern = kPattern;
  if (extract) request.metrics = {acc};
  int64_t count = 0;
  request.series = [&count](const std::string&, const repro::Observation&) { ++count; };
  request.metric_file = [](const repro::MetricSpec&) { return fs::path(); };
  double start = repro::MonotonicSeconds();
  executor.Start(request);
  executor.WaitForOne();
  double seconds = repro::MonotonicSeconds() - start;
  if (points != nullptr) *points = count;
  return seconds;
}

std::vector<repro::SeriesPoint> MakePoints(int64_t n) {
  std::vector<repro::SeriesPoint> points;
  points.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    points.push_back({"acc", i, i, 0.5 + (i % 1000) * 1e-4, std::nullopt, repro::ValueFlag::kOk});
  return points;
}

double RawIngestSeconds(const std::vector<repro::SeriesPoint>& points, const fs::path& db_path) {
  fs::remove(db_path);
  SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec(
      "CREATE TABLE metric_series(attempt_id INTEGER NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL, step INTEGER, "
      "value REAL, std REAL, flag TEXT NOT NULL)");
  double start = repro::MonotonicSeconds();
  SQLite::Statement insert(db, "INSERT INTO metric_series VALUES(?,?,?,?,?,?,?)");
  for (size_t begin = 0; begin < points.size(); begin += 10000) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    for (size_t i = begin; i < std::min(points.size(), begin + 10000); ++i) {
      const repro::SeriesPoint& p = points[i];
      insert.bind(1, int64_t{1});
      insert.bind(2, p.metric);
      insert.bind(3, p.seq);
      insert.bind(4, *p.step);
      insert.bind(5, *p.value);
      insert.bind(6);
      insert.bind(7, "ok");
      insert.exec();
      insert.reset();
    }
    transaction.commit();
  }
  return repro::MonotonicSeconds() - start;
}

double StoreIngestSeconds(const std::vector<repro::SeriesPoint>& points, const fs::path& db_path) {
  fs::remove(db_path);
  std::unique_ptr<repro::Store> store = std::move(repro::Store::Open(db_path)).value();
  (void)store->RecordRun({"k", "e", "e", "{}", 0});
  repro::AttemptRecord attempt = *store->BeginAttempt("k", "run");
  double start = repro::MonotonicSeconds();
  for (size_t begin = 0; begin < points.size(); begin += 10000) {
    std::span<const repro::SeriesPoint> batch(points.data() + begin, std::min<size_t>(10000, points.size() - begin));
    if (!store->AppendSeries(attempt.id, batch).ok()) return -1;
  }
  return repro::MonotonicSeconds() - start;
}

// Runs repro with "args", output discarded, and returns its resource usage (its children's
// included). fork, not posix_spawn: a CLONE_VM child would carry this process's peak RSS.
struct rusage RunRepro(const fs::path& repro, std::vector<std::string> args) {
  repro_bench::ReleaseFreeMemory();
  std::string binary = repro.string();
  std::vector<char*> argv = {binary.data()};
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
    std::fprintf(stderr, "repro %s failed: status %d\n", args[1].c_str(), status);
  return usage;
}

// Peak resident set of `repro run` on a manifest that cats "log", in KiB.
long ReproRunPeakKiB(const fs::path& repro, const fs::path& log, const fs::path& dir) {
  fs::path work = dir / ("run-" + log.stem().string());
  fs::remove_all(work);
  fs::create_directories(work / "code");
  std::ofstream(work / "m.yaml") << fmt::format(
      "paper: {{title: bench}}\nsource: {{path: code}}\nexperiments:\n  - id: cat\n    command: [cat, \"{}\"]\n"
      "    metrics: {{acc: {{stdout: '{}'}}}}\nclaims:\n  - {{id: c, experiment: cat, metric: acc, reported: "
      "\"0.5\"}}\n",
      log.string(), kPattern);
  struct rusage usage = RunRepro(repro, {"run", (work / "m.yaml").string(), "--results", (work / "results").string()});
  fs::remove_all(work / "results");
  return usage.ru_maxrss;
}

// Wall seconds of a shell command; an exit code over 1 (repro's "not reproduced") is reported.
double ShellSeconds(const std::string& command) {
  double start = repro::MonotonicSeconds();
  int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
    std::fprintf(stderr, "failed (%d): %s\n", status, command.c_str());
  return repro::MonotonicSeconds() - start;
}

// The whole of `repro run` on a child printing "log" (one regex metric, every point stored),
// against the child writing to a file and `cat file | cat`: what a user waits for.
void DrainBench(const fs::path& repro, const fs::path& dir) {
  fs::path work = dir / "drain";
  fs::remove_all(work);
  fs::create_directories(work / "code");
  fs::path log = work / "drain.log";
  WriteSyntheticLog(log, 300 * 1000 * 1000);
  std::ofstream(work / "m.yaml") << fmt::format(
      "paper: {{title: bench}}\nsource: {{path: code}}\nexperiments:\n  - id: cat\n    command: [cat, \"{}\"]\n"
      "    metrics: {{acc: {{stdout: '{}'}}}}\nclaims:\n  - {{id: c, experiment: cat, metric: acc, reported: "
      "\"0.5\"}}\n",
      log.string(), kPattern);
  double to_file = ShellSeconds(fmt::format("cat '{}' > '{}'", log.string(), (work / "copy").string()));
  fs::remove(work / "copy");
  double piped = ShellSeconds(fmt::format("cat '{}' | cat > /dev/null", log.string()));
  double run = ShellSeconds(fmt::format("'{}' run -q '{}' --results '{}' > /dev/null", repro.string(),
                                        (work / "m.yaml").string(), (work / "results").string()));
  std::printf(
      "drain       a child printing %.0f MB, one regex metric: repro run %.1f s; the child writing to a file %.1f s "
      "(ratio %.2f, goal 2); cat | cat %.1f s (ratio %.2f)\n",
      static_cast<double>(fs::file_size(log)) / 1e6, run, to_file, run / to_file, piped, run / piped);
  fs::remove_all(work);
}

// Seconds for "count" sequential posix_spawn + waitpid of /bin/true; CPU of those children.
double RawLaunchSeconds(int count, double* child_cpu) {
  struct rusage before {
  }, after{};
  ::getrusage(RUSAGE_CHILDREN, &before);
  char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
  double start = repro::MonotonicSeconds();
  for (int i = 0; i < count; ++i) {
    pid_t pid = -1;
    posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ);
    ::waitpid(pid, nullptr, 0);
  }
  double seconds = repro::MonotonicSeconds() - start;
  ::getrusage(RUSAGE_CHILDREN, &after);
  auto cpu = [](const struct rusage& r) {
    return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  };
  *child_cpu = cpu(after) - cpu(before);
  return seconds;
}

// Seconds for `repro run` of "count" attempts of /bin/true, one at a time, and the CPU
// of repro with its children.
double ReproLaunchSeconds(const fs::path& repro, const fs::path& dir, int count, double* total_cpu) {
  fs::path work = dir / "launch";
  fs::remove_all(work);
  fs::create_directories(work / "code");
  std::string seeds;
  for (int i = 0; i < count; ++i) seeds += (i ? ", " : "") + std::to_string(i);
  std::ofstream(work / "m.yaml") << fmt::format(
      "paper: {{title: bench}}\nsource: {{path: code}}\nexperiments:\n  - id: t\n    command: [/bin/true]\n"
      "    seeds: [{}]\n    metrics: {{x: {{stdout: '(?<value>\\d+)'}}}}\nclaims:\n  - {{id: c, experiment: t, metric: "
      "x, reported: \"1\"}}\n",
      seeds);
  double start = repro::MonotonicSeconds();
  struct rusage usage =
      RunRepro(repro, {"run", (work / "m.yaml").string(), "-j", "1", "--results", (work / "results").string()});
  double seconds = repro::MonotonicSeconds() - start;
  *total_cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  fs::remove_all(work / "results");
  return seconds;
}

// Standard output and error of a shell command line.
std::string CaptureOutput(const std::string& command) {
  std::string out;
  if (std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

// "slurm: N sbatch, M squeue, K sacct" from repro's output.
std::string SlurmCalls(const std::string& out) {
  size_t at = out.find("slurm: ");
  return at == std::string::npos ? "(no call counts printed)" : out.substr(at, out.find('\n', at) - at);
}

// Submitting and ingesting "count" trivial attempts on Slurm against running them here: wall
// times and the Slurm calls repro made. Twice on Slurm: first with no durations known (a task
// per attempt), then again (--force) with their durations known, so they share tasks.
void SlurmBench(const fs::path& repro, const fs::path& dir, int count) {
  if (std::getenv("SLURM_CONF") == nullptr) {
    std::printf("slurm       skipped: no SLURM_CONF (scripts/bench starts a local cluster)\n");
    return;
  }
  fs::path work = dir / "slurm";
  fs::remove_all(work);
  fs::create_directories(work / "code");
  std::string seeds;
  for (int i = 0; i < count; ++i) seeds += (i ? ", " : "") + std::to_string(i);
  std::ofstream(work / "m.yaml") << fmt::format(
      "paper: {{title: bench}}\nsource: {{path: code}}\nexperiments:\n  - id: t\n    command: [echo, \"x=1\"]\n"
      "    seeds: [{}]\n    metrics: {{x: {{stdout: 'x=(?<value>\\d+)'}}}}\nclaims:\n  - {{id: c, experiment: t, "
      "metric: x, reported: \"1\"}}\n",
      seeds);
  std::string manifest = (work / "m.yaml").string();
  double start = repro::MonotonicSeconds();
  CaptureOutput(fmt::format("'{}' run '{}' -q --results '{}'", repro.string(), manifest, (work / "local").string()));
  double local = repro::MonotonicSeconds() - start;
  // Not -q: that silences the note with the Slurm call counts.
  std::string on_slurm = fmt::format("'{}' run '{}' --results '{}' --executor slurm --slurm-profile local",
                                     repro.string(), manifest, (work / "slurm").string());
  start = repro::MonotonicSeconds();
  std::string out = CaptureOutput(on_slurm);
  double slurm = repro::MonotonicSeconds() - start;
  start = repro::MonotonicSeconds();
  std::string packed_out = CaptureOutput(on_slurm + " --force");
  double packed = repro::MonotonicSeconds() - start;
  std::printf(
      "slurm       %d trivial attempts: local %.1f s; Slurm, a task each %.1f s (ratio %.2f; %s); durations known, "
      "short ones sharing tasks %.1f s (ratio %.2f, goal 5; %s)\n",
      count, local, slurm, slurm / local, SlurmCalls(out).c_str(), packed, packed / local,
      SlurmCalls(packed_out).c_str());
  fs::remove_all(work);
}

// A manifest with "n" of something a stranger may pile up; each is valid except "brackets".
std::string HostileManifest(const std::string& kind, int n) {
  std::string head =
      "paper: {title: bench}\nsource: {path: .}\nexperiments:\n  - id: e\n    command: [prog, \"{seed}\"]\n";
  std::string metrics = "    metrics: {m: {stdout: 'm=(?<value>\\S+)'}}\n";
  std::string claim = "claims:\n  - {id: c, experiment: e, metric: m, reported: \"1\"}\n";
  if (kind == "seeds") {
    std::string seeds = "    seeds: [";
    for (int i = 0; i < n; ++i) seeds += (i ? "," : "") + std::to_string(i);
    return head + seeds + "]\n" + metrics + claim;
  }
  std::string claims = "claims:\n";
  for (int i = 0; i < n; ++i) claims += fmt::format("  - {{id: c{}, experiment: e, metric: m, reported: \"1\"}}\n", i);
  if (kind == "claims") return head + metrics + claims;
  if (kind == "cells") {  // a table naming every claim, one row each
    std::string rows;
    for (int i = 0; i < n; ++i) rows += fmt::format("      - {{label: r{}, cells: [c{}]}}\n", i, i);
    return head + metrics + claims + "tables:\n  - id: t\n    columns: [a]\n    rows:\n" + rows;
  }
  return "paper: " + std::string(static_cast<size_t>(n), '[');  // "brackets"
}

// Seconds to validate "text" (median of three), and how many errors it had.
double ValidateSeconds(const std::string& text, size_t* errors) {
  std::vector<double> times;
  for (int i = 0; i < 3; ++i) {
    double start = repro::MonotonicSeconds();
    repro::ManifestLoad load = repro::ParseManifest(text, "bench.yaml", fs::temp_directory_path());
    times.push_back(repro::MonotonicSeconds() - start);
    *errors = load.errors.size();
  }
  return Median(times);
}

// Validation time at size N and 10N for each way a manifest can grow; true when linear.
bool ManifestBench() {
  struct Case {
    const char* kind;
    int n;
  };
  bool ok = true;
  for (Case c : {Case{"seeds", 100000}, Case{"claims", 5000}, Case{"cells", 5000}, Case{"brackets", 900000}}) {
    std::string small = HostileManifest(c.kind, c.n), large = HostileManifest(c.kind, c.n * 10);
    size_t small_errors = 0, large_errors = 0;
    double small_seconds = ValidateSeconds(small, &small_errors), large_seconds = ValidateSeconds(large, &large_errors);
    double ratio = large_seconds / std::max(small_seconds, 1e-6);
    ok = ok && ratio <= 15;
    std::printf(
        "manifest    %-8s N=%d (%.1f MB) %.3f s, 10N (%.1f MB) %.3f s: ratio %.1f (target <= 15, linear ~10) %s%s\n",
        c.kind, c.n, static_cast<double>(small.size()) / 1e6, small_seconds, static_cast<double>(large.size()) / 1e6,
        large_seconds, ratio, ratio <= 15 ? "ok" : "MISSED", large_errors > 0 ? " (refused, as it should be)" : "");
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as it is measured, even into a pipe
  if (argc == 2 && std::string(argv[1]) == "--manifest") return ManifestBench() ? 0 : 1;
  if (argc == 4 && std::string(argv[1]).starts_with("--")) {
    std::string part = argv[1];
    fs::create_directories(argv[3]);
    if (part == "--peers") repro_bench::PeersBench(argv[2], argv[3]);
    if (part == "--scale") repro_bench::ScaleBench(argv[2], argv[3]);
    if (part == "--makespan") repro_bench::MakespanBench(argv[2], argv[3]);
    if (part == "--slurm") SlurmBench(argv[2], argv[3], 200);
    if (part == "--drain") DrainBench(argv[2], argv[3]);
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: repro_bench REPRO_BINARY WORK_DIR [LARGE_MB] [SMALL_MB]\n       repro_bench --manifest\n"
                 "       repro_bench --peers|--scale|--makespan|--slurm|--drain REPRO_BINARY WORK_DIR\n");
    return 2;
  }
  fs::path repro = argv[1], dir = argv[2];
  size_t large_mb = argc > 3 ? std::stoul(argv[3]) : 1000, small_mb = argc > 4 ? std::stoul(argv[4]) : 100;
  int repetitions = 3;
  fs::create_directories(dir);
  // First, while this process is at its smallest: the scale figures include peak RSS, and a
  // forked child carries what its parent holds (ManifestBench's parses leave some behind).
  repro_bench::PeersBench(repro, dir);
  repro_bench::ScaleBench(repro, dir);
  repro_bench::MakespanBench(repro, dir);
  bool manifest_ok = ManifestBench();  // in-process and quick: before this process grows
  SlurmBench(repro, dir, 200);
  fs::path small = dir / "small.log", large = dir / "large.log";
  std::printf("generating %zu MB and %zu MB logs in %s\n", small_mb, large_mb, dir.c_str());
  WriteSyntheticLog(small, small_mb * 1000 * 1000);
  WriteSyntheticLog(large, large_mb * 1000 * 1000);
  double mb = static_cast<double>(fs::file_size(large)) / 1e6;

  // First, while this process is small: a child started by posix_spawn (CLONE_VM) carries
  // its parent's peak RSS into its own, so a large bench would inflate the reading.
  long small_rss = ReproRunPeakKiB(repro, small, dir), large_rss = ReproRunPeakKiB(repro, large, dir);
  double memory = static_cast<double>(large_rss) / static_cast<double>(small_rss);
  DrainBench(repro, dir);

  const int launches = 500;
  double raw_cpu = 0, repro_cpu = 0;
  double raw_launch = RawLaunchSeconds(launches, &raw_cpu);
  double repro_launch = ReproLaunchSeconds(repro, dir, launches, &repro_cpu);
  double launch_ratio = repro_launch / raw_launch;
  double harness_us = (repro_cpu - raw_cpu) / launches * 1e6;
  std::printf(
      "launch      raw %.0f us/launch, repro %.0f us/attempt: ratio %.2f (target <= 1.25) %s; harness CPU %.0f "
      "us/attempt "
      "(target <= 150) %s\n",
      raw_launch / launches * 1e6, repro_launch / launches * 1e6, launch_ratio, launch_ratio <= 1.25 ? "ok" : "MISSED",
      harness_us, harness_us <= 150 ? "ok" : "MISSED");

  std::vector<double> raw, ours, logged_only;
  int64_t points = 0;
  for (int i = 0; i < repetitions; ++i) {  // interleaved, so drift hits all alike
    raw.push_back(RawPipeSeconds(large));
    ours.push_back(ReproPipeSeconds(large, dir, &points));
    logged_only.push_back(ReproPipeSeconds(large, dir, nullptr, /*extract=*/false));
  }
  double extraction = Median(raw) / Median(ours);
  std::printf("extraction  raw pipe %.0f MB/s, repro %.0f MB/s (%lld points): ratio %.2f (target >= 0.80) %s\n",
              mb / Median(raw), mb / Median(ours), static_cast<long long>(points), extraction,
              extraction >= 0.80 ? "ok" : "MISSED");
  std::printf("            of which supervision and the log file alone, no metric: %.0f MB/s, ratio %.2f\n",
              mb / Median(logged_only), Median(raw) / Median(logged_only));

  std::vector<repro::SeriesPoint> rows = MakePoints(points);
  std::vector<double> raw_ingest, store_ingest;
  for (int i = 0; i < repetitions; ++i) {
    raw_ingest.push_back(RawIngestSeconds(rows, dir / "raw.db"));
    store_ingest.push_back(StoreIngestSeconds(rows, dir / "store.db"));
  }
  double ingest = Median(raw_ingest) / Median(store_ingest);
  std::printf("ingest      raw %.0f rows/s, repro %.0f rows/s: ratio %.2f (target >= 0.50) %s\n",
              static_cast<double>(points) / Median(raw_ingest), static_cast<double>(points) / Median(store_ingest),
              ingest, ingest >= 0.50 ? "ok" : "MISSED");

  std::printf("memory      repro run peak RSS %ld KiB on %zu MB, %ld KiB on %zu MB: ratio %.2f (target <= 1.10) %s\n",
              small_rss, small_mb, large_rss, large_mb, memory, memory <= 1.10 ? "ok" : "MISSED");
  fs::remove(small);
  fs::remove(large);
  return extraction >= 0.80 && ingest >= 0.50 && memory <= 1.10 && manifest_ok ? 0 : 1;
}
