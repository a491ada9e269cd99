#include "harness/manifest/yaml_json.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/manifest/yaml_precheck.h"

namespace repro {
namespace {

struct TooManyNodes {};

nlohmann::json ToJson(const YAML::Node& node, int& budget) {
  if (--budget < 0) throw TooManyNodes{};
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const YAML::Node& item : node) array.push_back(ToJson(item, budget));
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& pair : node) {
        std::string key = pair.first.IsScalar() ? pair.first.Scalar() : "?";
        object[key] = ToJson(pair.second, budget);
      }
      return object;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Result<nlohmann::json> YamlToJson(std::string_view text, const std::string& name) {
  if (std::optional<TextProblem> problem = PrecheckYaml(text))
    return Error{fmt::format("{}:{}:{}: {}", name, problem->line, problem->column, problem->message)};
  try {
    int budget = kMaxYamlNodes;
    return ToJson(YAML::Load(std::string(text)), budget);
  } catch (const TooManyNodes&) {
    return Error{
        fmt::format("{}: more than {} YAML nodes (aliases count each time they are used)", name, kMaxYamlNodes)};
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return Error{fmt::format("{}: cannot read YAML: {}", name, e.msg)};
    return Error{fmt::format("{}:{}:{}: YAML syntax error: {}", name, e.mark.line + 1, e.mark.column + 1, e.msg)};
  }
}

}  // namespace repro
