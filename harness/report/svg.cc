#include "harness/report/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/compare/verdict.h"
#include "harness/report/escape.h"
#include "harness/report/ticks.h"

namespace repro {
namespace {

constexpr double kWidth = 640, kLeft = 64, kRight = 16;
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
// A dash per run as well as a colour, for black-and-white print; none is the claimed line's "5 3".
constexpr const char* kDashes[] = {"", "8 3", "2 2", "8 3 2 3", "1 3", "12 3 3 3"};
constexpr const char* kClaimColor = "#2ca02c";
constexpr const char* kInk = "#333";

std::string Text(double x, double y, const std::string& text, const char* anchor = "start", const char* extra = "") {
  return fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="11" text-anchor="{}" fill="{}"{}>{}</text>)", x, y,
                     anchor, kInk, extra, HtmlText(text));
}

// An axis from "low" to "high" on the page, linear or logarithmic.
struct Axis {
  double low = 0, high = 1;
  bool log = false;
  double Fraction(double value) const {
    double a = log ? std::log10(low) : low, b = log ? std::log10(high) : high;
    double v = log ? std::log10(std::max(value, low * 1e-6)) : value;
    return b == a ? 0.5 : (v - a) / (b - a);
  }
  double To(double value, double from, double to) const { return from + Fraction(value) * (to - from); }
};

// What a legend entry shows beside its text.
struct LegendItem {
  enum class Mark { kBand, kLine, kDashedLine, kDot, kSquare, kBar, kNone } mark;
  std::string color;
  std::string text;
  std::string dash = "";  // kLine: the run's stroke-dasharray, as drawn
};

std::string DashAttribute(const std::string& dash) {
  return dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", dash);
}

std::string LegendMark(const LegendItem& item, double x, double y) {
  switch (item.mark) {
    case LegendItem::Mark::kBand:
      return fmt::format(
          R"(<rect x="{:.1f}" y="{:.1f}" width="18" height="10" fill="{}" fill-opacity="0.2" stroke="{}" stroke-opacity="0.5"/>)",
          x, y - 9, item.color, item.color);
    case LegendItem::Mark::kLine:
    case LegendItem::Mark::kDashedLine:
      return fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="2"{}/>)", x,
                         y - 4, x + 18, y - 4, item.color,
                         DashAttribute(item.mark == LegendItem::Mark::kDashedLine ? "5 3" : item.dash));
    case LegendItem::Mark::kDot:
      return fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="4.5" fill="{}" fill-opacity="0.8"/>)", x + 9, y - 4,
                         item.color);
    case LegendItem::Mark::kSquare:
      return fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="8" height="8" fill="{}"/>)", x + 5, y - 8, item.color);
    case LegendItem::Mark::kBar:
      return fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="3"/>)", x,
                         y - 4, x + 18, y - 4, item.color);
    case LegendItem::Mark::kNone:
      break;
  }
  return "";
}

// About how wide "text" is at 11 px (code points, not bytes): enough to lay out a legend.
double TextWidth(const std::string& text) {
  size_t points =
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  return 6.2 * static_cast<double>(points);
}

// The legend, wrapped into rows from "top"; returns its markup and the y below it.
std::pair<std::string, double> Legend(const std::vector<LegendItem>& items, double top) {
  std::string out = R"(<g class="legend">)";
  double x = kLeft, y = top + 11;
  for (const LegendItem& item : items) {
    double width = 24 + TextWidth(item.text) + 16;
    if (x > kLeft && x + width > kWidth - kRight) x = kLeft, y += 17;
    out += LegendMark(item, x, y) + Text(x + 24, y, item.text);
    x += width;
  }
  return {out + "</g>", y + 8};
}

// Vertical grid lines and labels of "ticks" along an x axis at "y", with the axis title.
std::string XAxis(const Axis& axis, const std::vector<Tick>& ticks, double top, double y, const std::string& title) {
  std::string out = fmt::format(R"(<g class="x-axis"><line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#999"/>)",
                                kLeft, y, kWidth - kRight, y);
  for (const Tick& tick : ticks) {
    double x = axis.To(tick.value, kLeft, kWidth - kRight);
    out += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#e4e4e4"/><line x1="{0:.1f}" y1="{2:.1f}" x2="{0:.1f}" y2="{3:.1f}" stroke="#999"/>)",
        x, top, y, y + 4);
    // A label centred on a tick near the edge would be cut by the chart's frame: it ends there.
    double half = TextWidth(tick.label) / 2;
    if (x + half > kWidth - 1) {
      out += Text(kWidth - 1, y + 15, tick.label, "end", R"( class="tick")");
    } else {
      out += Text(std::max(x, half + 1), y + 15, tick.label, "middle", R"( class="tick")");
    }
  }
  out += Text((kLeft + kWidth - kRight) / 2, y + 31, title, "middle", R"( class="axis-title" font-weight="600")");
  return out + "</g>";
}

std::string YAxis(const Axis& axis, const std::vector<Tick>& ticks, double top, double bottom,
                  const std::string& title) {
  std::string out = fmt::format(
      R"(<g class="y-axis"><line x1="{0}" y1="{1:.1f}" x2="{0}" y2="{2:.1f}" stroke="#999"/>)", kLeft, top, bottom);
  for (const Tick& tick : ticks) {
    double y = axis.To(tick.value, bottom, top);
    out += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#e4e4e4"/>)", kLeft, y, kWidth - kRight,
                       y);
    out += Text(kLeft - 5, y + 4, tick.label, "end", R"( class="tick")");
  }
  double middle = (top + bottom) / 2;
  out += Text(
      13, middle, title, "middle",
      fmt::format(R"re( class="axis-title" font-weight="600" transform="rotate(-90 13 {:.1f})")re", middle).c_str());
  return out + "</g>";
}

std::string Open(const char* css_class, double height, const std::string& title) {
  return fmt::format(
      R"(<svg class="{}" role="img" xmlns="http://www.w3.org/2000/svg" width="{}" height="{:.0f}" viewBox="0 0 {} {:.0f}" font-family="system-ui, sans-serif"><title>{}</title>)",
      css_class, kWidth, height, kWidth, height, HtmlText(title));
}

std::string Claimed(const std::string& reported_text, double reported) {
  return "claimed " + (reported_text.empty() ? FormatNumber(reported) : reported_text);
}

// A one-sided claim's band has one edge: "allowed: at least 53.5 (higher is better)".
std::string BandText(double reported, double allowed, double resolution, Better better) {
  auto [low, high] = FormatPair(reported - allowed, reported + allowed, resolution);
  switch (better) {
    case Better::kHigher:
      return fmt::format("allowed: at least {} (higher is better)", low);
    case Better::kLower:
      return fmt::format("allowed: at most {} (lower is better)", high);
    case Better::kEither:
      break;
  }
  return fmt::format("allowed band {} to {}", low, high);
}

// The band's ends as drawn along an axis from "from" to "to" (page coordinates of the axis's
// low and high ends): a one-sided band runs on to the end of its better side.
std::pair<double, double> BandEnds(const Axis& axis, double reported, double allowed, Better better, double from,
                                   double to) {
  double low = better == Better::kLower ? from : axis.To(reported - allowed, from, to);
  double high = better == Better::kHigher ? to : axis.To(reported + allowed, from, to);
  return {low, high};
}

std::vector<LegendItem> DotPlotLegend(const DotPlot& plot) {
  std::vector<LegendItem> items = {
      {LegendItem::Mark::kLine, kClaimColor, Claimed(plot.reported_text, plot.reported)},
      {LegendItem::Mark::kBand, kClaimColor, BandText(plot.reported, plot.allowed, plot.resolution, plot.better)},
      {LegendItem::Mark::kDot, kPalette[0], "one run (seed)"}};
  if (plot.mean) items.push_back({LegendItem::Mark::kSquare, kInk, "mean"});
  if (plot.interval) items.push_back({LegendItem::Mark::kBar, kInk, plot.interval_label});
  return items;
}

// The marks of a dot plot between "top" and "bottom": band, claimed line, dots, mean, interval.
std::string DotPlotMarks(const DotPlot& plot, const Axis& axis, double top, double bottom) {
  auto x = [&](double value) { return axis.To(value, kLeft, kWidth - kRight); };
  auto [low, high] = BandEnds(axis, plot.reported, plot.allowed, plot.better, kLeft, kWidth - kRight);
  double seeds_y = top + (bottom - top) * 0.33, mean_y = top + (bottom - top) * 0.72;
  std::string out = fmt::format(
      R"(<rect class="band" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}" fill-opacity="0.15"><title>{}</title></rect>)",
      low, top, std::max(1.0, high - low), bottom - top, kClaimColor,
      HtmlText(BandText(plot.reported, plot.allowed, plot.resolution, plot.better)));
  if (plot.better != Better::kEither) {
    // An arrow at the open end: the band goes on past the chart's edge.
    bool right = plot.better == Better::kHigher;
    out += Text(right ? kWidth - kRight - 3 : kLeft + 3, top + 12, right ? "→" : "←", right ? "end" : "start",
                R"( class="open-band")");
  }
  out += fmt::format(
      R"(<line class="claimed" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="2"><title>{4}</title></line>)",
      x(plot.reported), top, bottom, kClaimColor, HtmlText(Claimed(plot.reported_text, plot.reported)));
  out += Text(4, seeds_y + 4, "runs") + Text(4, mean_y + 4, "mean");
  for (const auto& [label, value] : plot.measurements) {
    out += fmt::format(
        R"(<circle cx="{:.1f}" cy="{:.1f}" r="5" fill="{}" fill-opacity="0.8"><title>{}: {}</title></circle>)",
        x(value), seeds_y, kPalette[0], HtmlText(label), FormatNumber(value, plot.resolution));
  }
  if (plot.interval) {
    out += fmt::format(
        R"(<line class="interval" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="3"><title>{} [{}, {}]</title></line>)",
        x(plot.interval->first), mean_y, x(plot.interval->second), mean_y, kInk, HtmlText(plot.interval_label),
        FormatNumber(plot.interval->first, plot.resolution), FormatNumber(plot.interval->second, plot.resolution));
  }
  if (plot.mean) {
    out += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="8" height="8" fill="{}"><title>mean {}</title></rect>)",
                       x(*plot.mean) - 4, mean_y - 4, kInk, FormatNumber(*plot.mean, plot.resolution));
  }
  return out;
}

}  // namespace

std::string RenderDotPlot(const DotPlot& plot) {
  double low = plot.reported - plot.allowed, high = plot.reported + plot.allowed;
  for (const auto& [label, value] : plot.measurements) low = std::min(low, value), high = std::max(high, value);
  if (plot.interval) low = std::min(low, plot.interval->first), high = std::max(high, plot.interval->second);
  // A little room at both ends, so that no dot sits on the axis's end.
  double margin = (high - low) * 0.02;
  LinearScale scale = NiceScale(low - margin, high + margin);
  Axis axis{scale.low, scale.high};
  auto [legend, top] = Legend(DotPlotLegend(plot), 0);
  double bottom = top + 62;
  std::string svg =
      Open("dotplot", bottom + 40,
           fmt::format("{} of each run against {}", plot.metric, Claimed(plot.reported_text, plot.reported)));
  // The axis and its grid first: the marks are drawn over them.
  svg += legend + XAxis(axis, scale.ticks, top, bottom, plot.metric) + DotPlotMarks(plot, axis, top, bottom);
  return svg + "</svg>";
}

namespace {

struct Bounds {
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
};

Bounds BoundsOf(const std::vector<Curve>& curves) {
  Bounds b;
  for (const Curve& curve : curves) {
    for (const auto& [step, value] : curve.points) {
      b.x_low = std::min(b.x_low, step), b.x_high = std::max(b.x_high, step);
      b.y_low = std::min(b.y_low, value), b.y_high = std::max(b.y_high, value);
    }
  }
  return b;
}

// The y axis of a line chart, and a note when it was cut.
struct YScale {
  Axis axis;
  std::vector<Tick> ticks;
  std::string note;
};

// The range of the values after the first tenth of the steps (and the claim's band): what
// a reader compares, once a loss has come down from where it started.
std::pair<double, double> LaterRange(const LineChart& chart, const Bounds& b) {
  double low = INFINITY, high = -INFINITY, from = b.x_low + (b.x_high - b.x_low) * 0.1;
  for (const Curve& curve : chart.curves) {
    for (const auto& [step, value] : curve.points) {
      if (step >= from) low = std::min(low, value), high = std::max(high, value);
    }
  }
  if (chart.reported)
    low = std::min(low, *chart.reported - chart.allowed), high = std::max(high, *chart.reported + chart.allowed);
  return {low, high};
}

// With a claim: its band, and each curve's values from its first one within a few band widths
// of the band (a curve that never comes so near: its last half of the steps). What a reader
// compares with the claim, however far below it the curves started.
std::pair<double, double> NearClaimRange(const LineChart& chart, const Bounds& b) {
  constexpr double kBandWidths = 3;
  double band_low = *chart.reported - chart.allowed, band_high = *chart.reported + chart.allowed;
  double width = band_high - band_low > 0 ? band_high - band_low : (b.y_high - b.y_low) / 20;
  double near_low = band_low - kBandWidths * width, near_high = band_high + kBandWidths * width;
  double low = band_low, high = band_high, middle = (b.x_low + b.x_high) / 2;
  for (const Curve& curve : chart.curves) {
    auto near = std::find_if(curve.points.begin(), curve.points.end(),
                             [&](const auto& point) { return point.second >= near_low && point.second <= near_high; });
    for (auto point = curve.points.begin(); point != curve.points.end(); ++point) {
      bool shown = near != curve.points.end() ? point >= near : point->first >= middle;
      if (shown) low = std::min(low, point->second), high = std::max(high, point->second);
    }
  }
  return {low, high};
}

YScale ChooseYScale(const LineChart& chart, const Bounds& b) {
  double low = b.y_low, high = b.y_high;
  if (chart.reported)
    low = std::min(low, *chart.reported - chart.allowed), high = std::max(high, *chart.reported + chart.allowed);
  if (chart.reported) {
    auto [near_low, near_high] = NearClaimRange(chart, b);
    if (near_high > near_low && (high - low) > 1.5 * (near_high - near_low)) {
      LinearScale scale = NiceScale(near_low, near_high);
      return {{scale.low, scale.high},
              scale.ticks,
              fmt::format("y axis cut to the claimed band and the values near it; the whole range is {} to {}",
                          FormatNumber(low), FormatNumber(high))};
    }
  }
  if (low > 0 && high / low > 10) {
    return {{low, high, true}, LogTicks(low, high), ""};  // more than a decade: the log axis shows every part
  }
  auto [later_low, later_high] = LaterRange(chart, b);
  YScale y;
  if (std::isfinite(later_low) && later_high > later_low && (high - low) > 3 * (later_high - later_low)) {
    LinearScale scale = NiceScale(later_low, later_high);
    y.axis = {scale.low, scale.high};
    y.ticks = scale.ticks;
    y.note = fmt::format("y axis cut to the values after the first tenth of the steps; the whole range is {} to {}",
                         FormatNumber(low), FormatNumber(high));
    return y;
  }
  LinearScale scale = NiceScale(low, high);
  return {{scale.low, scale.high}, scale.ticks, ""};
}

std::vector<LegendItem> LineLegend(const LineChart& chart) {
  // Past a dozen runs a legend would outgrow its chart (and the colours repeat): the rest
  // are counted, and each line still names its run on hover.
  constexpr size_t kMostNamed = 12;
  std::vector<LegendItem> items;
  for (size_t i = 0; i < chart.curves.size() && i < kMostNamed; ++i) {
    items.push_back({LegendItem::Mark::kLine, kPalette[i % std::size(kPalette)], chart.curves[i].label,
                     kDashes[i % std::size(kDashes)]});
  }
  size_t unnamed = chart.curves.size() > kMostNamed ? chart.curves.size() - kMostNamed : 0;
  if (unnamed + chart.runs_not_drawn > 0) {
    std::string not_drawn =
        chart.runs_not_drawn > 0 ? fmt::format(" ({} not drawn)", chart.runs_not_drawn) : std::string();
    items.push_back(
        {LegendItem::Mark::kNone, kInk, fmt::format("and {} more runs{}", unnamed + chart.runs_not_drawn, not_drawn)});
  }
  if (chart.reported) {
    items.push_back({LegendItem::Mark::kDashedLine, kClaimColor, Claimed(chart.reported_text, *chart.reported)});
    items.push_back({LegendItem::Mark::kBand, kClaimColor,
                     BandText(*chart.reported, chart.allowed, chart.resolution, chart.better)});
  }
  return items;
}

// The curves and the claim, drawn in a nested <svg> that clips them to the plot area (an
// axis cut to the later values must not let the first steps run over the legend).
std::string LineMarks(const LineChart& chart, const Axis& xs, const Axis& ys, double top, double bottom) {
  double width = kWidth - kRight - kLeft, height = bottom - top;
  std::string out =
      fmt::format(R"(<svg x="{}" y="{:.1f}" width="{}" height="{:.1f}" viewBox="0 0 {} {:.1f}" overflow="hidden">)",
                  kLeft, top, width, height, width, height);
  if (chart.reported) {
    // Page y runs down: y_low, where the band's low value is drawn, is below y_high.
    auto [y_low, y_high] = BandEnds(ys, *chart.reported, chart.allowed, chart.better, height, 0);
    out +=
        fmt::format(R"(<rect class="band" x="0" y="{:.1f}" width="{}" height="{:.1f}" fill="{}" fill-opacity="0.15"/>)",
                    y_high, width, std::max(1.0, y_low - y_high), kClaimColor);
    out += fmt::format(
        R"(<line class="claimed" x1="0" y1="{0:.1f}" x2="{1}" y2="{0:.1f}" stroke="{2}" stroke-width="1.5" stroke-dasharray="5 3"/>)",
        ys.To(*chart.reported, height, 0), width, kClaimColor);
  }
  for (size_t i = 0; i < chart.curves.size(); ++i) {
    std::string points;
    for (const auto& [step, value] : chart.curves[i].points) {
      points += fmt::format("{:.1f},{:.1f} ", xs.To(step, 0, width), ys.To(value, height, 0));
    }
    out += fmt::format(
        R"(<polyline fill="none" stroke="{}" stroke-width="1.5"{} points="{}"><title>{}</title></polyline>)",
        kPalette[i % std::size(kPalette)], DashAttribute(kDashes[i % std::size(kDashes)]), points,
        HtmlText(chart.curves[i].label));
  }
  return out + "</svg>";
}

}  // namespace

std::string RenderLineChart(const LineChart& chart) {
  Bounds b = BoundsOf(chart.curves);
  if (!std::isfinite(b.x_low)) return "";
  Axis xs{b.x_low, b.x_high};
  YScale ys = ChooseYScale(chart, b);
  auto [legend, top] = Legend(LineLegend(chart), 0);
  double bottom = top + 190;
  double height = bottom + 40 + (ys.note.empty() ? 0 : 16);
  std::string svg = Open("curves", height, chart.metric + " over steps");
  svg += legend + YAxis(ys.axis, ys.ticks, top, bottom, chart.metric + (ys.axis.log ? " (log scale)" : ""));
  svg += XAxis(xs, TicksWithin(b.x_low, b.x_high), top, bottom, "step");
  svg += LineMarks(chart, xs, ys.axis, top, bottom);
  if (!ys.note.empty()) svg += Text(kLeft, height - 4, ys.note, "start", R"( class="note" font-style="italic")");
  return svg + "</svg>";
}

}  // namespace repro
