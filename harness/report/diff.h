// `repro diff`: two reproductions of the same claims side by side (two machines' databases,
// or two manifests' runs in one database): per claim both measurements, their difference,
// whether their intervals overlap, and how the environments differ.
#pragma once

#include <string>

#include "harness/report/evaluation.h"

namespace repro {

// "format": "text", "md" or "html". Claims are matched by id; one present on one side only
// is listed as such.
std::string RenderDiff(const Evaluation& a, const std::string& label_a, const Evaluation& b, const std::string& label_b,
                       const std::string& format);

}  // namespace repro
