#include "harness/manifest/yaml_precheck.h"

#include <fmt/format.h>

#include <vector>

namespace repro {
namespace {

enum class Quote { kNone, kSingle, kDouble };

// Walks the text line by line with just enough of YAML's lexical rules to know where a
// node may start: quotes, comments, flow collections and block scalars are recognised
// there only, so text like "a[0]" or "it's" inside a plain scalar is not mistaken for one.
class Precheck {
 public:
  std::optional<TextProblem> Run(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte-order mark: not content
    int line = 1;
    for (size_t start = 0;; ++line) {
      size_t end = text.find('\n', start);
      std::string_view content =
          text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
      if (std::optional<TextProblem> problem = Line(content, line)) return problem;
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    if (quote_ != Quote::kNone) {
      return TextProblem{
          quote_line_, quote_column_,
          fmt::format("this {}-quoted string is never closed; add the closing {}",
                      quote_ == Quote::kDouble ? "double" : "single", quote_ == Quote::kDouble ? '"' : '\'')};
    }
    return std::nullopt;
  }

 private:
  static size_t Indent(std::string_view line) {
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    return indent;
  }

  // A block scalar (| or >) holds every following line indented deeper than its parent,
  // and blank lines; nothing in it is YAML structure.
  bool InBlockScalar(std::string_view line) {
    if (!block_scalar_) return false;
    size_t indent = Indent(line);
    if (indent == line.size() || static_cast<int>(indent) > block_parent_) return true;
    block_scalar_ = false;
    return false;
  }

  int Depth() const { return static_cast<int>(block_.size()) + flow_; }

  std::optional<TextProblem> TooDeep(int line, size_t index) const {
    if (Depth() <= kMaxYamlNesting) return std::nullopt;
    return TextProblem{
        line, static_cast<int>(index) + 1,
        fmt::format("the YAML is nested deeper than {} levels here; a manifest needs a handful", kMaxYamlNesting)};
  }

  // A block node starting at "column": closes the levels it is not inside of.
  std::optional<TextProblem> BlockNodeAt(int column, int line) {
    while (!block_.empty() && block_.back() >= column) block_.pop_back();
    block_.push_back(column);
    return TooDeep(line, static_cast<size_t>(column));
  }

  std::optional<TextProblem> Line(std::string_view text, int line) {
    if (quote_ == Quote::kNone && flow_ == 0 && InBlockScalar(text)) return std::nullopt;
    size_t i = 0;
    if (quote_ == Quote::kNone && flow_ == 0) {
      i = Indent(text);
      if (i == text.size() || text[i] == '#') return std::nullopt;  // blank or a comment
      if (std::optional<TextProblem> problem = BlockNodeAt(static_cast<int>(i), line)) return problem;
      parent_column_ = token_column_ = static_cast<int>(i);
      at_node_ = true;
      nested_node_ = false;
      if (text.substr(i, 3) == "---" || text.substr(i, 3) == "...") i += 3;  // document markers
    }
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (quote_ != Quote::kNone) {
        i = InQuote(text, i);
        continue;
      }
      if (c == ' ' || c == '\t') continue;
      if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) break;
      bool indicator = i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\t';
      if (flow_ == 0 && nested_node_) {  // the node after "- " or "? " on the same line nests
        nested_node_ = false;
        token_column_ = static_cast<int>(i);
        block_.push_back(static_cast<int>(i));
        if (std::optional<TextProblem> problem = TooDeep(line, i)) return problem;
      }
      if (at_node_ && (c == '"' || c == '\'')) {
        quote_ = c == '"' ? Quote::kDouble : Quote::kSingle;
        quote_line_ = line;
        quote_column_ = static_cast<int>(i) + 1;
        continue;
      }
      if ((c == '[' || c == '{') && (flow_ > 0 || at_node_)) {
        ++flow_;
        at_node_ = true;
        if (std::optional<TextProblem> problem = TooDeep(line, i)) return problem;
        continue;
      }
      if (at_node_ && (c == '&' || c == '!')) {  // an anchor or a tag: the node follows it
        while (i + 1 < text.size() && text[i + 1] != ' ' && text[i + 1] != '\t') ++i;
        continue;
      }
      if (flow_ > 0) {
        Flow(c);
        continue;
      }
      if ((c == '-' || c == '?' || c == ':') && indicator) {
        parent_column_ = c == ':' ? token_column_ : static_cast<int>(i);
        nested_node_ = c != ':';
        at_node_ = true;
        continue;
      }
      if (at_node_ && (c == '|' || c == '>')) {
        block_scalar_ = true;
        block_parent_ = parent_column_;
        break;
      }
      if (at_node_) token_column_ = static_cast<int>(i);
      at_node_ = false;
    }
    return std::nullopt;
  }

  // Inside a flow collection: plain scalars cannot hold its indicators, so every one counts.
  void Flow(char c) {
    if (c == ']' || c == '}') {
      --flow_;
      at_node_ = false;
    } else {
      at_node_ = c == ',' || c == ':' || c == '?';
    }
  }

  // Consumes the quoted string's character at "i" (two for an escape or a doubled '');
  // returns the index of the last one consumed.
  size_t InQuote(std::string_view text, size_t i) {
    char c = text[i];
    if (quote_ == Quote::kDouble) {
      if (c == '\\') return i + 1;
      if (c == '"') Close();
      return i;
    }
    if (c == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') return i + 1;
      Close();
    }
    return i;
  }

  void Close() {
    quote_ = Quote::kNone;
    at_node_ = false;
  }

  std::vector<int> block_;    // columns of the open block nodes, outermost first
  int flow_ = 0;              // open '[' and '{'
  bool at_node_ = false;      // a node may start here
  bool nested_node_ = false;  // the next token starts a node nested in a "- " or "? " entry
  int token_column_ = 0;      // where the current block token (a key, say) started
  int parent_column_ = 0;     // the indentation a block scalar starting here must exceed
  bool block_scalar_ = false;
  int block_parent_ = 0;
  Quote quote_ = Quote::kNone;
  int quote_line_ = 0, quote_column_ = 0;
};

}  // namespace

std::optional<TextProblem> PrecheckYaml(std::string_view text) { return Precheck().Run(text); }

}  // namespace repro
