// Charts of many runs (#20): a chart draws kMaxCurvesPerChart runs, the first in plan order,
// and its legend counts those it left out, so a lab's report stays readable and quick; the reports
// that draw no chart (Markdown, JSON) still carry every run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/report/evaluation.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

constexpr int kSeeds = 24;

std::string Manifest() {
  std::string seeds;
  for (int seed = 0; seed < kSeeds; ++seed) seeds += (seed ? ", " : "") + std::to_string(seed);
  return R"(schema: 1
paper: {title: "Many seeds"}
source: {path: code}
experiments:
  - id: sweep
    command: [seq, -f, "step=%g acc=0.5{seed}", "1", "3"]
    seeds: [)" +
         seeds + R"(]
    metrics:
      acc: {stdout: 'step=(?<step>\d+) acc=(?<value>[0-9.]+)'}
claims:
  - {id: acc, experiment: sweep, metric: acc, reported: "0.5"}
)";
}

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST(ChartsAtScaleTest, AChartDrawsTheFirstRunsAndCountsTheRest) {
  ScopedTempDir dir;
  std::filesystem::create_directories(dir / "code");
  WriteText(dir / "m.yaml", Manifest());
  testing::CommandResult run = RunRepro({"run", "m.yaml", "-j", "2", "-q"}, dir.path());
  ASSERT_LE(run.exit_code, 1) << run.err;

  ASSERT_EQ(RunRepro({"report", "m.yaml", "--format", "html", "-o", "r.html"}, dir.path()).exit_code, 0);
  std::string html = ReadText(dir / "r.html");
  // A legend names 12 runs; the rest are counted in its last line, those not drawn apart.
  std::string legend = ">and " + std::to_string(kSeeds - 12) + " more runs (" +
                       std::to_string(kSeeds - kMaxCurvesPerChart) + " not drawn)<";
  EXPECT_EQ(Count(html, legend), 2u) << "the claim's chart and the experiment's series chart each say so";
  EXPECT_NE(html.find(std::to_string(kSeeds) + " series of 1 metric(s)"), std::string::npos)
      << "the section counts every run's series, drawn or not";
  EXPECT_NE(html.find("sweep seed=0"), std::string::npos);
  EXPECT_NE(html.find("sweep seed=" + std::to_string(kMaxCurvesPerChart - 1)), std::string::npos);
  EXPECT_EQ(html.find("sweep seed=" + std::to_string(kSeeds - 1) + "<"), std::string::npos)
      << "a run past the limit gets no legend entry";

  ASSERT_EQ(RunRepro({"report", "m.yaml", "--format", "json", "-o", "r.json"}, dir.path()).exit_code, 0);
  nlohmann::json report = nlohmann::json::parse(ReadText(dir / "r.json"));
  EXPECT_EQ(report["claims"][0]["runs"].size(), static_cast<size_t>(kSeeds)) << "no chart, every run";
}

}  // namespace
}  // namespace repro
