// Longest first on local resources (issue #20): a mixed grid of eight 0.5 s attempts and one
// 3 s attempt, listed last, run 2 at a time. The first run knows no durations and keeps the
// manifest's order, so the long attempt starts when the short ones are done; the second
// (--force) knows each run's last duration and starts the long one first. Each makespan is
// set against the ideal packing of the same durations on 2 slots (the larger of the longest
// attempt and half of all the work, a bound no order can beat) plus repro's fixed cost,
// measured in the same run as `repro run` with nothing left to do (start, plan, verdicts).
//
//   goal: longest first within 5% of the ideal (ratio <= 1.05).
#include <fmt/format.h>

#include <fstream>

#include "tests/bench/bench.h"

namespace repro_bench {
namespace {

constexpr int kShort = 8;
constexpr double kShortSeconds = 0.5, kLongSeconds = 3.0;

void WriteManifest(const fs::path& dir) {
  fs::create_directories(dir / "code");
  std::string seeds;
  for (int seed = 0; seed <= kShort; ++seed) seeds += fmt::format("{}{}", seed ? ", " : "", seed);
  // The last seed is the long one.
  std::ofstream(dir / "m.yaml") << fmt::format(
      "paper: {{title: makespan}}\nsource: {{path: code}}\nexperiments:\n  - id: mixed\n"
      "    command: [/bin/sh, -c, 'if [ {{seed}} = {} ]; then sleep {}; else sleep {}; fi; echo x=1']\n"
      "    seeds: [{}]\n    deterministic: true\n    metrics: {{x: {{stdout: 'x=(?<value>\\d+)'}}}}\n"
      "claims:\n  - {{id: c, experiment: mixed, metric: x, reported: \"1\"}}\n",
      kShort, kLongSeconds, kShortSeconds, seeds);
}

// The ideal makespan of these durations on 2 slots: no order finishes sooner.
double IdealSeconds() {
  double work = kShort * kShortSeconds + kLongSeconds;
  return std::max(kLongSeconds, work / 2);
}

}  // namespace

void MakespanBench(const fs::path& repro, const fs::path& dir) {
  fs::path work = dir / "makespan";
  fs::remove_all(work);
  WriteManifest(work);
  std::vector<std::string> run = {repro.string(), "run", "m.yaml", "-j", "2", "-q", "--results", "results"};
  Timed manifest_order = RunTimed(run, work);
  Timed nothing_to_do = RunTimed(run, work);
  run.push_back("--force");
  Timed longest_first = RunTimed(run, work);
  fs::remove_all(work);
  if (!manifest_order.ok() || !longest_first.ok()) {
    fmt::print("makespan    repro run failed (exit {} / {}); no figure\n", manifest_order.exit_code,
               longest_first.exit_code);
    return;
  }
  double ideal = IdealSeconds() + nothing_to_do.seconds;
  double ratio = longest_first.seconds / ideal;
  fmt::print(
      "makespan    {} x {:.1f} s + 1 x {:.1f} s, listed last, -j 2: ideal {:.2f} s + repro's fixed {:.2f} s; "
      "manifest order (nothing known) {:.2f} s, ratio {:.2f}; longest first (durations known) {:.2f} s, ratio {:.3f} "
      "(goal <= 1.05) {}\n",
      kShort, kShortSeconds, kLongSeconds, IdealSeconds(), nothing_to_do.seconds, manifest_order.seconds,
      manifest_order.seconds / ideal, longest_first.seconds, ratio, Verdict(ratio <= 1.05));
}

}  // namespace repro_bench
