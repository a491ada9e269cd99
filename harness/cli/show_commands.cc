// repro show and repro logs: one attempt of a run, found by the first characters of its key.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/util/text.h"
#include "harness/util/units.h"

namespace repro::cli {
namespace {

struct FoundAttempt {
  RunRecord run;
  AttemptRecord attempt;
};

// The only run whose key starts with "prefix", or why there is not exactly one.
CliResult<RunRecord> FindRun(Store& store, const std::string& prefix) {
  Result<std::vector<RunRecord>> runs = store.FindRuns(prefix);
  if (!runs) return CliError::BadInput(runs.error());
  if (runs->empty())
    return CliError::BadInput(fmt::format("no run key starts with '{}' (repro plan MANIFEST lists them)", prefix));
  if (runs->size() > 1) {
    std::string list;
    for (const RunRecord& run : *runs) list += fmt::format("\n  {}  {}", run.key.substr(0, 12), run.label);
    return CliError::BadInput(fmt::format("'{}' matches {} runs; give more characters:{}", prefix, runs->size(), list));
  }
  return runs->front();
}

// The attempt a "run key prefix" and attempt "number" name (0: the newest), or why none.
CliResult<FoundAttempt> FindAttempt(Store& store, const std::string& prefix, int number) {
  CliResult<RunRecord> run = FindRun(store, prefix);
  if (!run) return run.error();
  Result<std::vector<AttemptRecord>> attempts = store.Attempts(run->key);
  if (!attempts) return CliError::Harness(attempts.error());
  if (attempts->empty())
    return CliError::BadInput(fmt::format("run {} ({}) has no attempts yet", run->key.substr(0, 12), run->label));
  if (number > static_cast<int>(attempts->size())) {
    return CliError::BadInput(
        fmt::format("run {} has {} attempt(s), not {}", run->key.substr(0, 12), attempts->size(), number));
  }
  return FoundAttempt{*run, number > 0 ? (*attempts)[number - 1] : attempts->back()};
}

std::string DescribeMetric(const MetricRecord& metric) {
  std::string value = metric.value ? FormatNumber(*metric.value) : std::string(Name(metric.flag));
  if (metric.std) value += " ± " + FormatNumber(*metric.std);
  if (!metric.unit.empty() && metric.value) value += " " + metric.unit;
  std::string line =
      fmt::format("  {:<20} {:<24} {} point{}", metric.name, value, metric.points, metric.points == 1 ? "" : "s");
  if (!metric.message.empty()) line += "  (" + metric.message + ")";
  return VisibleText(line);
}

// Every point of one metric, tab-separated.
ExitCode PrintSeries(const Console& console, Store& store, const FoundAttempt& found, const std::string& series) {
  Result<std::vector<SeriesPoint>> points = store.Series(found.attempt.id, series);
  if (!points) return CliError::Harness(points.error());
  if (points->empty()) {
    return CliError::BadInput(
        fmt::format("attempt {} of {} has no series '{}'", found.attempt.number, found.run.label, series));
  }
  console.out << "step\tvalue\tstd\tflag\n";
  for (const SeriesPoint& p : *points) {
    console.out << fmt::format("{}\t{}\t{}\t{}\n", p.step ? std::to_string(*p.step) : "",
                               p.value ? fmt::format("{}", *p.value) : "", p.std ? fmt::format("{}", *p.std) : "",
                               Name(p.flag));
  }
  return kExitAllReproduced;
}

void PrintAttempt(const Console& console, const FoundAttempt& found) {
  const RunRecord& run = found.run;
  const AttemptRecord& a = found.attempt;
  std::string ended = Describe(a.status, a.exit_code, a.signal);
  console.out << fmt::format("run      {}  {}\nattempt  {} of run; {} in {}\nstarted  {}\nfolder   {}\n", run.key,
                             VisibleText(run.label), a.number, ended, FormatDuration(a.wall_seconds),
                             VisibleText(a.started_at), VisibleText(a.dir));
  console.out << fmt::format("compute  {} CPU, peak memory {:.1f} MiB\n", FormatDuration(a.cpu_seconds),
                             a.peak_rss_kib / 1024.0);
  if (!a.message.empty()) console.out << "note     " << VisibleText(a.message) << "\n";
  console.out << "metrics\n";
  for (const MetricRecord& metric : a.metrics) console.out << DescribeMetric(metric) << "\n";
  if (a.metrics.empty()) console.out << "  (none recorded)\n";
}

// What show and logs take: a run, and which of its attempts.
struct AttemptOptions {
  std::string run;
  int attempt = 0;
  CommonOptions common;
};

void AddAttemptOptions(CLI::App& command, AttemptOptions& options, const char* run_help) {
  command.add_option("run", options.run, run_help)->required();
  command.add_option("--attempt", options.attempt, "Attempt number (default: the newest)")->check(AtLeast(0));
}

}  // namespace

ExitCode Show(const Console& console, const std::string& run_prefix, const CommonOptions& common, int number,
              const std::string& series) {
  CliResult<std::unique_ptr<Store>> store = OpenStore(common, StoreAccess::kReadOnly);
  if (!store) return store.error();
  CliResult<FoundAttempt> found = FindAttempt(**store, run_prefix, number);
  if (!found) return found.error();
  if (!series.empty()) return PrintSeries(console, **store, *found, series);
  PrintAttempt(console, *found);
  return kExitAllReproduced;
}

ExitCode Logs(const Console& console, const std::string& run_prefix, const CommonOptions& common, int number,
              bool stderr_log) {
  CliResult<std::unique_ptr<Store>> store = OpenStore(common, StoreAccess::kReadOnly);
  if (!store) return store.error();
  CliResult<FoundAttempt> found = FindAttempt(**store, run_prefix, number);
  if (!found) return found.error();
  std::filesystem::path log = std::filesystem::path(found->attempt.dir) / (stderr_log ? "stderr.log" : "stdout.log");
  std::ifstream in(log, std::ios::binary);
  if (!in) return CliError::Harness(fmt::format("cannot read {}", log.string()));
  console.out << in.rdbuf();
  return kExitAllReproduced;
}

void AddShowCommands(CLI::App& app, Invocation& invocation) {
  struct ShowOptions : AttemptOptions {
    std::string series;
  };
  auto show_options = std::make_shared<ShowOptions>();
  CLI::App* show = app.add_subcommand("show", "Show how an attempt of a run ended and its metrics");
  AddAttemptOptions(*show, *show_options, "Run key or its first characters (repro plan lists them)");
  show->add_option("--series", show_options->series, "Print every point of this metric (tab-separated)");
  AddCommonOptions(*show, show_options->common);
  show->callback([&invocation, o = show_options] {
    invocation.end = Show(invocation.console, o->run, o->common, o->attempt, o->series);
  });

  struct LogsOptions : AttemptOptions {
    bool stderr_log = false;
  };
  auto logs_options = std::make_shared<LogsOptions>();
  CLI::App* logs = app.add_subcommand("logs", "Print an attempt's stdout log (or --stderr)");
  AddAttemptOptions(*logs, *logs_options, "Run key or its first characters");
  logs->add_flag("--stderr", logs_options->stderr_log, "The stderr log instead");
  AddCommonOptions(*logs, logs_options->common);
  logs->callback([&invocation, o = logs_options] {
    invocation.end = Logs(invocation.console, o->run, o->common, o->attempt, o->stderr_log);
  });
}

}  // namespace repro::cli
