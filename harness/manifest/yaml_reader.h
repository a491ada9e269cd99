// Reading YAML into typed values while collecting every problem with its position, so that
// one pass reports all mistakes. Internal to the manifest module (yaml-cpp lives here only).
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/manifest/diagnostic.h"

namespace repro::yaml {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void Add(const YAML::Node& at, std::string message);
  void AddAt(int line, int column, std::string message);
  std::vector<Diagnostic>& list() { return list_; }

  // " (did you mean 'x'?)" or "". Each suggestion costs |word| x |candidates| steps, and a
  // stranger's manifest can make thousands of mistakes among thousands of ids: past a
  // budget of steps per manifest (and for words too long to be typos) it says nothing.
  std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
  int64_t suggestion_budget_ = 50'000'000;
};

// "text" cut to at most 60 bytes (at a character boundary) with "..." after it: an id or a
// name repeated in every message about its parts must not make the messages quadratic.
std::string Brief(std::string_view text);

// At most "max" of "parts" joined, then "... (N more)".
std::string JoinSome(const std::vector<std::string>& parts, std::string_view separator, size_t max = 8);

std::string KindName(const YAML::Node& node);
int LineOf(const YAML::Node& node);

// The largest whole number a manifest may write where no smaller limit applies: 2^53, the
// largest a double (which YAML numbers are read as) holds exactly.
inline constexpr int64_t kLargestWhole = int64_t{1} << 53;

// A mapping whose keys are checked against the allowed set when it is constructed:
// unknown keys (with a did-you-mean) and duplicate keys are reported once.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string context, const std::vector<std::string>& allowed,
            Diagnostics& diagnostics);

  bool is_map() const { return is_map_; }
  const YAML::Node& node() const { return node_; }
  const std::string& context() const { return context_; }
  Diagnostics& diagnostics() const { return diagnostics_; }

  // The value under "key", or nullptr when the key is absent.
  const YAML::Node* Find(const std::string& key) const;
  // Like Find, but reports "missing key" when absent.
  const YAML::Node* Require(const std::string& key) const;

  std::optional<std::string> String(const std::string& key, bool required = false) const;
  std::optional<int64_t> Integer(const std::string& key, int64_t min, bool required = false,
                                 int64_t max = kLargestWhole) const;
  std::optional<double> Number(const std::string& key, double min, bool required = false) const;
  std::optional<double> Duration(const std::string& key) const;
  std::optional<int64_t> Bytes(const std::string& key) const;
  // One choice of "choices", with a did-you-mean when it is none of them.
  std::optional<std::string> Choice(const std::string& key, const std::vector<std::string>& choices) const;
  // A string or a list of strings.
  std::optional<std::vector<std::string>> StringList(const std::string& key) const;

  // "'key' in <context>" for messages.
  std::string Describe(const std::string& key) const;

 private:
  YAML::Node node_;
  std::string context_;
  Diagnostics& diagnostics_;
  bool is_map_ = false;
  std::map<std::string, YAML::Node> values_;
};

// A scalar's text, or an error naming "what" when the node is not a scalar.
std::optional<std::string> ScalarText(const YAML::Node& node, const std::string& what, Diagnostics& diagnostics);

// A non-empty list of scalars (an argv).
std::optional<std::vector<std::string>> Argv(const YAML::Node& node, const std::string& what, Diagnostics& diagnostics);

// Reads a non-empty list whose items have unique ids (experiments, claims). "parse" fills
// one item and returns false to skip it; a repeated id is reported citing its first line.
// "kind" names the items in messages; "empty_message" says what the list must hold.
template <typename T, typename Parse>
void ReadUniqueList(const YAML::Node& node, const std::string& kind, const std::string& empty_message,
                    Diagnostics& diagnostics, std::vector<T>& out, Parse parse) {
  if (!node.IsSequence() || node.size() == 0) {
    diagnostics.Add(node, empty_message);
    return;
  }
  std::map<std::string, int> first_line;
  for (const YAML::Node& item : node) {
    T value;
    if (!parse(item, value)) continue;
    if (auto seen = first_line.find(value.id); seen != first_line.end()) {
      diagnostics.Add(item,
                      fmt::format("duplicate {} id '{}' (first at line {})", kind, Brief(value.id), seen->second));
      continue;
    }
    first_line[value.id] = value.line;
    out.push_back(std::move(value));
  }
}

}  // namespace repro::yaml
