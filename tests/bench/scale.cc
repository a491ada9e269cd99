// repro at the scale of a lab (issue #20): a store of 10,000 runs x 100 series points, made by
// `repro run` itself (real rows, real attempt folders; a cheap command, so it takes a minute
// rather than hours), then what a user does with it every day: `repro run` with nothing to
// do, `repro compare`, `repro report` as HTML, Markdown and JSON.
//
// These have no peer, so their wall times and peak RSS are absolute, each beside baselines of
// the same run: starting repro at all (`repro --version`), and a plain SELECT through
// SQLiteCpp of the same rows (runs, their attempts and metric values for `run` and `compare`;
// with every series point too for the reports, whose charts draw the series).
//
//   goals: nothing to do <= 0.1 s, compare <= 0.2 s, each report <= 0.5 s and < 100 MB.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <optional>

#include "harness/util/time.h"
#include "tests/bench/bench.h"

namespace repro_bench {
namespace {

constexpr int kValues = 100;  // lr values, each a claim; x kValues seeds = 10,000 runs
constexpr int kPoints = 100;  // series points per run
constexpr int kRepetitions = 3;

// A grid of kValues x kValues runs of `seq`, each printing kPoints "step=N acc=0.S lr=L"
// lines (S the seed, so values differ); one claim per lr value, over its kValues seeds.
std::string LabManifest() {
  std::string values, seeds, claims;
  for (int i = 0; i < kValues; ++i) {
    values += fmt::format("{}\"{}\"", i ? ", " : "", i);
    seeds += fmt::format("{}{}", i ? ", " : "", i);
    claims +=
        fmt::format("  - {{id: lr{}, experiment: lab, where: {{lr: \"{}\"}}, metric: acc, reported: \"0.5\"}}\n", i, i);
  }
  return fmt::format(
      "paper: {{title: bench scale}}\nsource: {{path: code}}\nexperiments:\n  - id: lab\n    command: [seq, -f, "
      "\"step=%g acc=0.{{seed}} lr={{lr}}\", \"1\", \"{}\"]\n    params: {{lr: [{}]}}\n    seeds: [{}]\n    metrics: "
      "{{acc: {{stdout: 'step=(?<step>\\d+) acc=(?<value>[0-9.]+)'}}}}\nclaims:\n{}",
      kPoints, values, seeds, claims);
}

// One of repro's everyday commands over the store, with its goals and what it measured.
struct Command {
  std::string name;
  std::vector<std::string> args;
  double goal_seconds = 0;  // 0: a baseline, no goal
  bool memory_goal = false;
  std::vector<double> times{};
  long peak_kib = 0;
  bool failed = false;
};

std::vector<std::string> ReproArgs(const fs::path& repro, std::vector<std::string> args) {
  args.insert(args.begin(), repro.string());
  for (const char* common : {"--results", "results", "--cache", "cache"}) args.push_back(common);
  return args;
}

std::vector<Command> Commands(const fs::path& repro) {
  auto report = [&](const char* format) {
    return Command{
        .name = fmt::format("report {}", format),
        .args = ReproArgs(repro, {"report", "m.yaml", "--format", format, "-o", fmt::format("report.{}", format)}),
        .goal_seconds = 0.5,
        .memory_goal = true};
  };
  return {
      Command{.name = "repro --version", .args = {repro.string(), "--version"}},
      Command{
          .name = "nothing to do", .args = ReproArgs(repro, {"run", "m.yaml", "-j", "2", "-q"}), .goal_seconds = 0.1},
      Command{.name = "compare", .args = ReproArgs(repro, {"compare", "m.yaml"}), .goal_seconds = 0.2},
      report("html"),
      report("md"),
      report("json")};
}

// Seconds to read every row "sql" selects, touching each column; how many rows.
double SelectSeconds(const fs::path& db_path, const char* sql, int64_t* rows) {
  double start = repro::MonotonicSeconds();
  SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement select(db, sql);
  int64_t n = 0;
  double sum = 0;
  while (select.executeStep()) {
    ++n;
    for (int i = 0; i < select.getColumnCount(); ++i) sum += static_cast<double>(select.getColumn(i).size());
  }
  double seconds = repro::MonotonicSeconds() - start;
  *rows = n + (sum < 0 ? 1 : 0);  // "sum" keeps the reads from being optimised away
  return seconds;
}

constexpr const char* kRunRows =
    "SELECT r.key, r.label, r.params_json, a.id, a.status, a.dir, a.wall_seconds, m.name, m.value, m.flag "
    "FROM runs r JOIN attempts a ON a.run_key = r.key JOIN metric_values m ON m.attempt_id = a.id";
// Every chunk of every series, its data read whole (schema 6 keeps many points per row).
constexpr const char* kSeriesChunks = "SELECT attempt_id, name, first_seq, points, data FROM series_chunks";
constexpr const char* kSeriesPoints = "SELECT coalesce(sum(points), 0) FROM series_chunks";

// The points the series chunks hold.
int64_t SeriesPoints(const fs::path& db_path) {
  SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
  return db.execAndGet(kSeriesPoints).getInt64();
}

// Makes the store with `repro run`; false (having said why) when it did not complete.
bool FillStore(const fs::path& repro, const fs::path& work) {
  fs::create_directories(work / "code");
  std::ofstream(work / "m.yaml") << LabManifest();
  Timed fill = RunTimed(ReproArgs(repro, {"run", "m.yaml", "-j", "2", "-q"}), work);
  int64_t runs = 0, points = 0;
  if (fs::exists(work / "results/repro.db")) {
    SelectSeconds(work / "results/repro.db", kRunRows, &runs);
    points = SeriesPoints(work / "results/repro.db");
  }
  std::printf(
      "scale       %lld runs x %lld points made by `repro run -j 2` in %.1f s (%.1f ms/attempt), store %.0f MB\n",
      static_cast<long long>(runs), runs > 0 ? static_cast<long long>(points / runs) : 0LL, fill.seconds,
      fill.seconds / kValues / kValues * 1e3,
      fs::exists(work / "results/repro.db") ? static_cast<double>(fs::file_size(work / "results/repro.db")) / 1e6
                                            : 0.0);
  if (fill.exit_code > 1 || runs != kValues * kValues || points != int64_t{kValues} * kValues * kPoints) {
    std::printf("scale       skipped: the store is not complete (exit %d)\n", fill.exit_code);
    return false;
  }
  return true;
}

void TimeOnce(Command& command, const fs::path& work) {
  if (command.failed) return;
  Timed timed = RunTimed(command.args, work);
  if (timed.exit_code < 0 || timed.exit_code > 1) {  // 1: a claim did not reproduce, as bench.cc's RunRepro allows
    std::printf("scale       %s failed (exit %d): left out\n", command.name.c_str(), timed.exit_code);
    command.failed = true;
    return;
  }
  command.times.push_back(timed.seconds);
  command.peak_kib = std::max(command.peak_kib, timed.usage.ru_maxrss);
}

void PrintCommand(const Command& command, double baseline, const char* baseline_name) {
  if (command.failed) return;
  double seconds = Median(command.times), mb = static_cast<double>(command.peak_kib) / 1024;
  std::string memory = command.memory_goal ? fmt::format(" (goal < 100 MB) {}", Verdict(mb < 100)) : "";
  std::printf("            %-15s %6.3f s (goal <= %.1f s) %-6s peak RSS %5.1f MB%s; %.1f x the %s\n",
              command.name.c_str(), seconds, command.goal_seconds, Verdict(seconds <= command.goal_seconds), mb,
              memory.c_str(), seconds / baseline, baseline_name);
}

}  // namespace

void ScaleBench(const fs::path& repro, const fs::path& dir) {
  fs::path work = dir / "scale";
  fs::remove_all(work);
  if (!FillStore(repro, work)) return;
  std::vector<Command> commands = Commands(repro);
  std::vector<double> run_rows, series_rows;
  int64_t rows = 0, chunks = 0, points = SeriesPoints(work / "results/repro.db");
  for (int i = 0; i < kRepetitions; ++i) {  // interleaved, so drift hits all alike
    for (Command& command : commands) TimeOnce(command, work);
    run_rows.push_back(SelectSeconds(work / "results/repro.db", kRunRows, &rows));
    series_rows.push_back(SelectSeconds(work / "results/repro.db", kSeriesChunks, &chunks));
  }
  if (commands[0].failed) return;  // no repro to time at all
  double start = Median(commands[0].times), select = Median(run_rows), series = Median(series_rows);
  std::printf(
      "            baselines (median of %d): repro --version %.3f s, peak RSS %.1f MB; SELECT of the %lld runs' "
      "attempts and metric values %.3f s; of the %lld series points (%lld chunks) %.3f s\n",
      kRepetitions, start, static_cast<double>(commands[0].peak_kib) / 1024, static_cast<long long>(rows), select,
      static_cast<long long>(points), static_cast<long long>(chunks), series);
  for (size_t i = 1; i < commands.size(); ++i) {
    if (commands[i].memory_goal)
      PrintCommand(commands[i], select + series, "SELECT of them with every point");
    else
      PrintCommand(commands[i], select, "SELECT of the runs");
  }
  fs::remove_all(work);
}

}  // namespace repro_bench
