#include "harness/manifest/template.h"

#include <fmt/format.h>

#include <cctype>

namespace repro {
namespace {

bool IsNameChar(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Walks "text", calling on_literal for plain text and on_name for each placeholder.
template <typename Literal, typename Name>
Status Walk(std::string_view text, Literal on_literal, Name on_name) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      on_literal(c);
      ++i;
      continue;
    }
    if (c == '}') return Error{fmt::format("unbalanced '}}' at position {} (write '}}}}' for a literal brace)", i + 1)};
    if (c != '{') {
      on_literal(c);
      continue;
    }
    size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      return Error{fmt::format("unbalanced '{{' at position {} (write '{{{{' for a literal brace)", i + 1)};
    }
    std::string_view name = text.substr(i + 1, close - i - 1);
    bool valid = !name.empty();
    for (size_t k = 0; k < name.size() && valid; ++k) valid = IsNameChar(name[k], k == 0);
    if (!valid) return Error{fmt::format("'{{{}}}' is not a placeholder: names are letters, digits and '_'", name)};
    if (Status status = on_name(std::string(name)); !status) return status;
    i = close;
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> TemplatePlaceholders(std::string_view text) {
  std::vector<std::string> names;
  Status status = Walk(
      text, [](char) {},
      [&](const std::string& name) {
        names.push_back(name);
        return Status::Ok();
      });
  if (!status) return Error{status.error()};
  return names;
}

Result<std::string> ExpandTemplate(std::string_view text, const Bindings& bindings) {
  std::string out;
  Status status = Walk(
      text, [&](char c) { out += c; },
      [&](const std::string& name) -> Status {
        auto it = bindings.find(name);
        if (it == bindings.end()) return Error{fmt::format("unknown placeholder '{{{}}}'", name)};
        out += it->second;
        return Status::Ok();
      });
  if (!status) return Error{status.error()};
  return out;
}

}  // namespace repro
