// Small inline SVG charts for the HTML report: no script, no font, no external file, so the
// report opens from an e-mail attachment as it opens on the machine that made it. Labels
// and titles are text (report/escape.h): a run label or a metric name adds no markup.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace repro {

// One claim on a number line: the reported value with its tolerance band, each seed's
// measurement as a dot, and the mean with its interval as a bar.
struct DotPlot {
  double reported = 0, allowed = 0;
  std::vector<std::pair<std::string, double>> measurements;  // (label, value)
  std::optional<double> mean;
  std::optional<std::pair<double, double>> interval;
  std::string interval_label = "95% CI";
};
std::string RenderDotPlot(const DotPlot& plot);

// Curves of one metric over steps, one per run, labelled in a legend.
struct Curve {
  std::string label;
  std::vector<std::pair<double, double>> points;
};
std::string RenderLineChart(const std::string& metric, const std::vector<Curve>& curves);

}  // namespace repro
