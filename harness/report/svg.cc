#include "harness/report/svg.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/report/escape.h"

namespace repro {
namespace {

constexpr double kWidth = 640, kLeft = 60, kRight = 20;
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

struct Axis {
  double low, high;
  double To(double value, double from, double to) const {
    return high == low ? (from + to) / 2 : from + (value - low) / (high - low) * (to - from);
  }
};

Axis Padded(double low, double high) {
  if (!std::isfinite(low) || !std::isfinite(high)) return {0, 1};
  double span = high - low;
  double pad = span > 0 ? span * 0.08 : std::max(std::abs(low) * 0.05, 1e-9);
  return {low - pad, high + pad};
}

std::string Number(double value) { return fmt::format("{:.4g}", value); }

// Five ticks along the x axis at "y".
std::string XTicks(const Axis& axis, double y) {
  std::string out;
  for (int i = 0; i <= 4; ++i) {
    double value = axis.low + (axis.high - axis.low) * i / 4;
    double x = axis.To(value, kLeft, kWidth - kRight);
    out += fmt::format(R"(<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" stroke="#999"/>)"
                       R"(<text x="{0:.1f}" y="{3}" font-size="11" text-anchor="middle" fill="#333">{4}</text>)",
                       x, y, y + 4, y + 16, Number(value));
  }
  return out;
}

}  // namespace

std::string RenderDotPlot(const DotPlot& plot) {
  double low = plot.reported - plot.allowed, high = plot.reported + plot.allowed;
  for (const auto& [label, value] : plot.measurements) low = std::min(low, value), high = std::max(high, value);
  if (plot.interval) low = std::min(low, plot.interval->first), high = std::max(high, plot.interval->second);
  Axis axis = Padded(low, high);
  const double height = 110, row = 40, bar = 70, axis_y = 88;
  auto x = [&](double value) { return axis.To(value, kLeft, kWidth - kRight); };
  std::string svg = fmt::format(R"(<svg class="dotplot" role="img" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}">)",
                                kWidth, height, kWidth, height);
  svg += fmt::format(R"(<title>reported {} ± {} against each measurement</title>)", Number(plot.reported), Number(plot.allowed));
  svg += fmt::format(R"(<rect x="{:.1f}" y="8" width="{:.1f}" height="74" fill="#2ca02c" fill-opacity="0.15"><title>tolerance band [{}, {}]</title></rect>)",
                     x(plot.reported - plot.allowed), std::max(1.0, x(plot.reported + plot.allowed) - x(plot.reported - plot.allowed)),
                     Number(plot.reported - plot.allowed), Number(plot.reported + plot.allowed));
  svg += fmt::format(R"(<line x1="{0:.1f}" y1="8" x2="{0:.1f}" y2="82" stroke="#2ca02c" stroke-width="2"><title>reported {1}</title></line>)",
                     x(plot.reported), Number(plot.reported));
  svg += fmt::format(R"(<text x="4" y="{}" font-size="11" fill="#333">seeds</text><text x="4" y="{}" font-size="11" fill="#333">{}</text>)",
                     row + 4, bar + 4, HtmlText(plot.interval_label));
  for (const auto& [label, value] : plot.measurements) {
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{}" r="5" fill="#1f77b4" fill-opacity="0.8"><title>{}: {}</title></circle>)",
                       x(value), row, HtmlText(label), Number(value));
  }
  if (plot.interval) {
    svg += fmt::format(R"(<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" stroke="#333" stroke-width="3"><title>{} [{}, {}]</title></line>)",
                       x(plot.interval->first), bar, x(plot.interval->second), bar, HtmlText(plot.interval_label),
                       Number(plot.interval->first), Number(plot.interval->second));
  }
  if (plot.mean) {
    svg += fmt::format(R"(<rect x="{:.1f}" y="{}" width="8" height="8" fill="#333"><title>mean {}</title></rect>)", x(*plot.mean) - 4,
                       bar - 4, Number(*plot.mean));
  }
  svg += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>)", kLeft, axis_y, kWidth - kRight, axis_y);
  svg += XTicks(axis, axis_y);
  return svg + "</svg>";
}

std::string RenderLineChart(const std::string& metric, const std::vector<Curve>& curves) {
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  for (const Curve& curve : curves) {
    for (const auto& [step, value] : curve.points) {
      x_low = std::min(x_low, step), x_high = std::max(x_high, step);
      y_low = std::min(y_low, value), y_high = std::max(y_high, value);
    }
  }
  Axis xs = Padded(x_low, x_high), ys = Padded(y_low, y_high);
  const double height = 240, top = 10, bottom = 200;
  std::string svg = fmt::format(R"(<svg class="curves" role="img" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}">)",
                                kWidth, height + 20 * ((curves.size() + 3) / 4), kWidth, height + 20 * ((curves.size() + 3) / 4));
  svg += fmt::format("<title>{} over steps</title>", HtmlText(metric));
  for (int i = 0; i <= 4; ++i) {
    double value = ys.low + (ys.high - ys.low) * i / 4;
    double y = ys.To(value, bottom, top);
    svg += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#eee"/><text x="{}" y="{:.1f}" font-size="11" text-anchor="end" fill="#333">{}</text>)",
                       kLeft, y, kWidth - kRight, y, kLeft - 4, y + 4, Number(value));
  }
  svg += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>)", kLeft, bottom, kWidth - kRight, bottom);
  svg += XTicks(xs, bottom);
  for (size_t i = 0; i < curves.size(); ++i) {
    std::string points;
    for (const auto& [step, value] : curves[i].points) {
      points += fmt::format("{:.1f},{:.1f} ", xs.To(step, kLeft, kWidth - kRight), ys.To(value, bottom, top));
    }
    const char* color = kPalette[i % std::size(kPalette)];
    svg += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"><title>{}</title></polyline>)", color,
                       points, HtmlText(curves[i].label));
    double lx = kLeft + static_cast<double>(i % 4) * 140, ly = height + 20 * static_cast<double>(i / 4);
    svg += fmt::format(R"(<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" font-size="11" fill="#333">{}</text>)",
                       lx, ly - 9, color, lx + 14, ly, HtmlText(curves[i].label));
  }
  return svg + "</svg>";
}

}  // namespace repro
