#include "harness/report/svg.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

namespace repro {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::vector<std::string> TickLabels(const std::string& svg) {
  std::vector<std::string> labels;
  static const std::regex kTick(R"re(class="tick">([^<]*)</text>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kTick); it != std::sregex_iterator(); ++it)
    labels.push_back((*it)[1]);
  return labels;
}

DotPlot IssuePlot() {
  DotPlot plot;
  plot.metric = "val_loss";
  plot.reported = 1.88;
  plot.reported_text = "1.88";
  plot.allowed = 0.015;
  plot.measurements = {{"seed=0", 1.881}, {"seed=1", 1.892}, {"seed=2", 1.884}};
  plot.mean = 1.8857;
  plot.interval = std::make_pair(1.8766, 1.8948);
  return plot;
}

TEST(DotPlot, ALegendNamesEveryMarkAndTheIntervalTheVerdictRead) {
  std::string svg = RenderDotPlot(IssuePlot());
  EXPECT_NE(svg.find(R"(<g class="legend">)"), std::string::npos);
  for (const char* entry : {">claimed 1.88<", ">allowed band 1.865 to 1.895<", ">one run (seed)<", ">mean<",
                            ">90% interval of the mean (what the verdict reads)<"}) {
    EXPECT_NE(svg.find(entry), std::string::npos) << entry << " in\n" << svg;
  }
  EXPECT_NE(svg.find(R"(class="axis-title" font-weight="600">val_loss</text>)"), std::string::npos) << svg;
  EXPECT_EQ(Count(svg, "<circle"), 4u) << "three runs and the legend's dot";
}

// The issue's example: a tick labelled 1.88 stands where the claimed line is drawn.
TEST(DotPlot, TicksAreRoundAndTheClaimedValueSitsOnItsTick) {
  std::string svg = RenderDotPlot(IssuePlot());
  std::vector<std::string> ticks = TickLabels(svg);
  EXPECT_NE(std::find(ticks.begin(), ticks.end(), "1.88"), ticks.end()) << svg;
  for (const std::string& tick : ticks) EXPECT_LE(tick.size(), 5u) << "a round tick: " << tick;
  std::smatch claimed, tick;
  ASSERT_TRUE(std::regex_search(svg, claimed, std::regex(R"re(class="claimed" x1="([0-9.]+)")re")));
  ASSERT_TRUE(std::regex_search(
      svg, tick,
      std::regex(
          R"re(<text x="([0-9.]+)" y="[0-9.]+" font-size="11" text-anchor="middle" fill="#333" class="tick">1.88<)re")));
  EXPECT_EQ(claimed[1], tick[1]) << "the claimed line and the 1.88 tick at the same x";
}

// #18: the last label of a small dot chart ("0.3775") was cut by the chart's right edge.
TEST(DotPlot, ALabelAtTheEdgeEndsInsideTheChart) {
  DotPlot plot;
  plot.metric = "acc";
  plot.reported = 0.37;
  plot.reported_text = "0.37";
  plot.allowed = 0.001;
  plot.measurements = {{"seed=0", 0.366}, {"seed=1", 0.3771}};  // the axis ends on a tick, 0.3775
  plot.mean = 0.37155;
  std::string svg = RenderDotPlot(plot);
  static const std::regex kTick(
      R"re(<text x="([0-9.]+)" y="[0-9.]+" font-size="11" text-anchor="(\w+)" fill="#333" class="tick">([^<]*)<)re");
  int labels = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kTick); it != std::sregex_iterator(); ++it, ++labels) {
    double x = std::stod((*it)[1]);
    double width = 6.2 * static_cast<double>((*it)[3].length());
    std::string anchor = (*it)[2];
    double right = anchor == "end" ? x : anchor == "middle" ? x + width / 2 : x + width;
    double left = anchor == "end" ? x - width : anchor == "middle" ? x - width / 2 : x;
    EXPECT_LE(right, 640) << (*it)[3] << " ends outside the chart";
    EXPECT_GE(left, 0) << (*it)[3] << " starts outside the chart";
  }
  EXPECT_GE(labels, 3) << svg;
  EXPECT_NE(svg.find(">0.3775<"), std::string::npos) << svg;
}

TEST(LineChart, StepsEndAtTheDataWithTitlesAndTheClaim) {
  LineChart chart;
  chart.metric = "test_acc (%)";
  chart.curves = {{"cnn seed=0", {{0, 10}, {1000, 80}, {2000, 94}}}, {"cnn seed=1", {{0, 11}, {1000, 82}, {2000, 93}}}};
  chart.reported = 94;
  chart.reported_text = "94";
  chart.allowed = 2.5;
  std::string svg = RenderLineChart(chart);
  std::vector<std::string> ticks = TickLabels(svg);
  for (const char* expected : {"0", "500", "1000", "1500", "2000"}) {
    EXPECT_NE(std::find(ticks.begin(), ticks.end(), expected), ticks.end()) << expected << svg;
  }
  EXPECT_EQ(std::find(ticks.begin(), ticks.end(), "-160"), ticks.end());
  EXPECT_NE(svg.find(">step</text>"), std::string::npos);
  EXPECT_NE(svg.find(">test_acc (%)</text>"), std::string::npos);
  for (const char* entry : {">cnn seed=0<", ">cnn seed=1<", ">claimed 94<", ">allowed band 91.5 to 96.5<"}) {
    EXPECT_NE(svg.find(entry), std::string::npos) << entry;
  }
  EXPECT_NE(svg.find(R"(class="claimed")"), std::string::npos) << "the claimed line on the curve chart";
}

TEST(LineChart, AMetricOverMoreThanADecadeGetsALogAxis) {
  LineChart chart;
  chart.metric = "train_loss";
  for (int step = 0; step <= 6000; step += 200) {
    double value = 0.1 + 2.2 * std::exp(-step / 500.0);
    if (chart.curves.empty()) chart.curves.push_back({"mlp", {}});
    chart.curves[0].points.emplace_back(step, value);
  }
  std::string svg = RenderLineChart(chart);
  EXPECT_NE(svg.find(">train_loss (log scale)</text>"), std::string::npos) << svg;
  std::vector<std::string> ticks = TickLabels(svg);
  EXPECT_NE(std::find(ticks.begin(), ticks.end(), "0.2"), ticks.end());
  EXPECT_NE(std::find(ticks.begin(), ticks.end(), "1"), ticks.end());
}

// A loss from 4.16 down to 1.88-2.05: the axis shows the part that matters and says so.
TEST(LineChart, AFirstStepThatDwarfsTheRestIsCutWithANote) {
  LineChart chart;
  chart.metric = "loss";
  chart.curves = {{"run", {{0, 4.16}, {100, 2.3}, {200, 2.05}, {400, 1.97}, {800, 1.91}, {1000, 1.886}}}};
  chart.reported = 1.88;
  chart.reported_text = "1.88";
  chart.allowed = 0.005;
  std::string svg = RenderLineChart(chart);
  std::vector<std::string> ticks = TickLabels(svg);
  EXPECT_EQ(std::find(ticks.begin(), ticks.end(), "4"), ticks.end()) << svg;
  EXPECT_NE(std::find(ticks.begin(), ticks.end(), "1.9"), ticks.end()) << svg;
  EXPECT_NE(svg.find("y axis cut to the claimed band and the values near it; the whole range is 1.875 to 4.16"),
            std::string::npos)
      << svg;
}

// The band's rectangle in a curve chart, as a share of the plot's height.
double BandShare(const std::string& svg) {
  std::smatch plot, band;
  EXPECT_TRUE(std::regex_search(svg, plot,
                                std::regex(R"re(<svg x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="([0-9.]+)")re")));
  EXPECT_TRUE(std::regex_search(
      svg, band, std::regex(R"re(<rect class="band" x="0" y="[-0-9.]+" width="[0-9.]+" height="([0-9.]+)")re")));
  if (plot.empty() || band.empty()) return 0;
  return std::stod(band[1]) / std::stod(plot[1]);
}

// #18: best-step/cnn of the MNIST-1D replay, a test accuracy rising from 10 to 94 on a 0-100
// axis, drew its 92.45-96.55 band as a thin strip.
TEST(LineChart, TheClaimsBandIsFittedNotSquashedFlat) {
  LineChart chart;
  chart.metric = "test_acc_curve (%)";
  for (int run = 0; run < 3; ++run) {
    chart.curves.push_back({"cnn seed=" + std::to_string(run), {}});
    for (int step = 0; step <= 2000; step += 100)
      chart.curves.back().points.emplace_back(step, 94 - run * 0.5 - 84 * std::exp(-step / 300.0));
  }
  chart.reported = 94.5;
  chart.reported_text = "94.5";
  chart.allowed = 2.05;
  std::string svg = RenderLineChart(chart);
  EXPECT_GE(BandShare(svg), 0.15) << svg;
  EXPECT_NE(svg.find("the whole range is 9 to 96.55"), std::string::npos) << svg;
  std::vector<std::string> ticks = TickLabels(svg);
  EXPECT_EQ(std::find(ticks.begin(), ticks.end(), "20"), ticks.end()) << "the climb from 10 is cut";
}

// A claim far from every curve (not reproduced): the curves' last half, and the band, are shown.
TEST(LineChart, CurvesThatNeverComeNearTheClaimShowTheirLastHalf) {
  LineChart chart;
  chart.metric = "acc";
  chart.curves = {{"run", {{0, 10}, {500, 50}, {1000, 58}, {1500, 59}, {2000, 60}}}};
  chart.reported = 94;
  chart.allowed = 1;
  std::string svg = RenderLineChart(chart);
  std::vector<std::string> ticks = TickLabels(svg);
  EXPECT_EQ(std::find(ticks.begin(), ticks.end(), "10"), ticks.end()) << svg;
  EXPECT_NE(svg.find("the whole range is 10 to 95"), std::string::npos) << svg;
}

// #18: a claim decided by non-inferiority drew a two-sided band, so a run past its upper edge
// read as a contradiction of "reproduced".
TEST(DotPlot, AOneSidedClaimsBandIsOpenTowardItsBetterSide) {
  DotPlot plot;
  plot.metric = "test_acc";
  plot.reported = 55.5;
  plot.reported_text = "55.5";
  plot.allowed = 2;
  plot.measurements = {{"seed=0", 56}, {"seed=1", 58.5}};
  plot.better = Better::kHigher;
  std::string svg = RenderDotPlot(plot);
  EXPECT_NE(svg.find(">allowed: at least 53.5 (higher is better)<"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("allowed band"), std::string::npos);
  std::smatch band;
  ASSERT_TRUE(std::regex_search(svg, band,
                                std::regex(R"re(<rect class="band" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)")re")));
  EXPECT_NEAR(std::stod(band[1]) + std::stod(band[2]), 624, 0.2) << "drawn to the chart's right edge";
  EXPECT_NE(svg.find(R"(class="open-band">→<)"), std::string::npos);

  plot.better = Better::kLower;
  plot.measurements = {{"seed=0", 55}, {"seed=1", 52}};
  svg = RenderDotPlot(plot);
  EXPECT_NE(svg.find(">allowed: at most 57.5 (lower is better)<"), std::string::npos) << svg;
  ASSERT_TRUE(std::regex_search(svg, band, std::regex(R"re(<rect class="band" x="([0-9.]+)")re")));
  EXPECT_EQ(band[1], "64.0") << "drawn from the chart's left edge";

  plot.better = Better::kEither;
  svg = RenderDotPlot(plot);
  EXPECT_NE(svg.find(">allowed band 53.5 to 57.5<"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("open-band"), std::string::npos);
}

TEST(LineChart, AOneSidedClaimsBandRunsToThePlotsEdge) {
  LineChart chart;
  chart.metric = "acc";
  chart.curves = {{"run", {{0, 50}, {1000, 55}, {2000, 56}}}};
  chart.reported = 55.5;
  chart.allowed = 2;
  chart.better = Better::kHigher;
  std::string svg = RenderLineChart(chart);
  EXPECT_NE(svg.find(R"(<rect class="band" x="0" y="0.0")"), std::string::npos) << "open to the top\n" << svg;
  EXPECT_NE(svg.find(">allowed: at least 53.5 (higher is better)<"), std::string::npos);
}

// Printed in black and white, runs part by their dashes: each curve's dash is its legend's.
TEST(LineChart, EachRunHasADashAndItsLegendEntryTheSame) {
  LineChart chart;
  chart.metric = "loss";
  for (int i = 0; i < 4; ++i) chart.curves.push_back({"run " + std::to_string(i), {{0, 1.0 + i}, {10, 2.0 + i}}});
  std::string svg = RenderLineChart(chart);
  std::vector<std::string> drawn, legend;
  static const std::regex kPolyline(
      R"re(<polyline fill="none" stroke="[^"]+" stroke-width="1.5"(?: stroke-dasharray="([^"]+)")? points)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kPolyline); it != std::sregex_iterator(); ++it)
    drawn.push_back((*it)[1]);
  std::string legend_part = svg.substr(svg.find(R"(<g class="legend">)"));
  legend_part = legend_part.substr(0, legend_part.find("</g>"));
  static const std::regex kLegendLine(R"re(<line [^>]*stroke-width="2"(?: stroke-dasharray="([^"]+)")?/>)re");
  for (auto it = std::sregex_iterator(legend_part.begin(), legend_part.end(), kLegendLine);
       it != std::sregex_iterator(); ++it)
    legend.push_back((*it)[1]);
  ASSERT_EQ(drawn.size(), 4u) << svg;
  EXPECT_EQ(drawn, legend);
  EXPECT_EQ(std::set<std::string>(drawn.begin(), drawn.end()).size(), 4u) << "four runs, four dashes";
}

TEST(LineChart, ALegendNamesADozenRunsAndCountsTheRest) {
  LineChart chart;
  chart.metric = "acc";
  for (int i = 0; i < 30; ++i) chart.curves.push_back({"run " + std::to_string(i), {{0, 1.0 * i}, {10, 2.0 * i}}});
  std::string svg = RenderLineChart(chart);
  EXPECT_NE(svg.find(R"(fill="#333">run 11</text>)"), std::string::npos);
  EXPECT_EQ(svg.find(R"(fill="#333">run 12</text>)"), std::string::npos) << "named on hover only";
  EXPECT_NE(svg.find("<title>run 29</title>"), std::string::npos);
  EXPECT_NE(svg.find(">and 18 more runs<"), std::string::npos);

  chart.runs_not_drawn = 5;  // left out before the chart: counted with the unnamed, and said apart
  svg = RenderLineChart(chart);
  EXPECT_NE(svg.find(">and 23 more runs (5 not drawn)<"), std::string::npos) << svg;
}

TEST(Charts, TextFromTheStoreAddsNoMarkup) {
  DotPlot plot = IssuePlot();
  plot.metric = "<script>x</script>";
  plot.measurements[0].first = "a\"><b>";
  std::string svg = RenderDotPlot(plot);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
}

}  // namespace
}  // namespace repro
