// Small inline SVG charts for the HTML report: no script, no font, no external file, so the
// report opens from an e-mail attachment as it opens on the machine that made it. Every chart
// reads alone, printed: a legend names each mark, the axes have titles and ticks at round
// values labelled exactly (report/ticks.h), and hover titles only repeat what is drawn.
// Labels and titles are text (report/escape.h): a run label or a metric name adds no markup.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/manifest/manifest.h"

namespace repro {

// One claim on a number line: the reported value with its allowed band, each seed's
// measurement as a dot, and the mean with the interval the verdict read as a bar.
struct DotPlot {
  std::string metric;  // the axis title
  double reported = 0, allowed = 0;
  std::string reported_text;                                 // as the paper printed it ("1.88"); empty: formatted
  std::vector<std::pair<std::string, double>> measurements;  // (label, value)
  std::optional<double> mean;
  std::optional<std::pair<double, double>> interval;
  std::string interval_label = "90% interval of the mean (what the verdict reads)";
  double resolution = 0;  // numbers shown down to this unit, as the verdict shows them (0: 4 digits)
  // The claim's better side when its verdict reads one edge only (a non-inferiority test):
  // the band is then open toward that side, drawn to the chart's edge. kEither: two edges.
  Better better = Better::kEither;
};
std::string RenderDotPlot(const DotPlot& plot);

// Curves of one metric over steps, one per run, named in a legend.
struct Curve {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (step, value)
};
struct LineChart {
  std::string metric;  // the y axis title
  std::vector<Curve> curves;
  // The claim on this metric, drawn as a line with its allowed band; none for a metric no
  // claim is about.
  std::optional<double> reported;
  double allowed = 0;
  std::string reported_text;
  double resolution = 0;
  Better better = Better::kEither;  // as DotPlot::better
  size_t runs_not_drawn = 0;        // runs left out before the chart (too many to draw): counted in the legend
};
// The x axis runs from the first step to the last. With a claim, the y axis is fitted to its
// band and to the values from where the curves come within a few band widths of it (a test
// accuracy rising from 10 to 94 is shown from about 80), with a note naming the whole range.
// Otherwise a metric whose values span more than a decade (all positive) gets a log y axis,
// and one whose first steps dwarf the rest (a loss from 4.16 down to 1.9) an axis cut to the
// rest, with a note saying where it was cut. Each run has its colour and its dash, so that
// the curves part in black and white too.
std::string RenderLineChart(const LineChart& chart);

}  // namespace repro
