// A YAML document from a stranger (a model card's front matter) as JSON, so that modules
// outside this one read YAML without yaml-cpp. Scalars stay text exactly as written ("64.50"
// keeps its digits), a null is null. Bounded: nesting by PrecheckYaml, and the nodes visited
// (aliases are walked as copies, so a few lines of anchors could name billions) by a cap.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "harness/util/result.h"

namespace repro {

inline constexpr int kMaxYamlNodes = 1'000'000;

// "name" is for messages: "README.md:3:7: YAML syntax error: ...".
Result<nlohmann::json> YamlToJson(std::string_view text, const std::string& name);

}  // namespace repro
