#include "harness/report/escape.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "harness/util/text.h"

namespace repro {

std::string HtmlText(std::string_view text) {
  std::string visible = VisibleText(text, Layout::kLines);
  std::string out;
  out.reserve(visible.size());
  for (char c : visible) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string CssString(std::string_view text) {
  std::string visible = VisibleText(text, Layout::kOneLine);
  std::string out = "\"";
  for (char c : visible) {
    unsigned char byte = static_cast<unsigned char>(c);
    bool plain = byte >= 0x80 || std::isalnum(byte) ||
                 std::string_view(" .,:;!?()[]-_+=/'#%*@|~^$").find(c) != std::string_view::npos;
    out += plain ? std::string(1, c) : fmt::format("\\{:x} ", byte);
  }
  return out + "\"";
}

std::string MarkdownText(std::string_view text) {
  std::string visible = VisibleText(text, Layout::kOneLine);
  std::string out;
  out.reserve(visible.size());
  for (char c : visible) {
    switch (c) {
      // Entities rather than backslashes: a renderer that passes HTML through sees no tag.
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string MarkdownCode(std::string_view text, bool in_table) {
  std::string visible = VisibleText(text, Layout::kOneLine);
  size_t longest = 0, run = 0;
  for (char c : visible) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  if (in_table) {
    std::string escaped;
    for (char c : visible) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    visible = std::move(escaped);
  }
  // A span that starts or ends with a backtick needs a space inside its fence (CommonMark
  // strips one space on each side).
  bool pad = !visible.empty() && (visible.front() == '`' || visible.back() == '`');
  std::string fence(longest + 1, '`');
  return fence + (pad ? " " : "") + visible + (pad ? " " : "") + fence;
}

std::string MarkdownBlock(std::string_view text) {
  std::string visible = VisibleText(text, Layout::kLines);
  size_t longest = 0, run = 0;
  for (char c : visible) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  if (!visible.empty() && visible.back() != '\n') visible += '\n';
  return fence + "\n" + visible + fence + "\n";
}

std::string TexText(std::string_view text) {
  std::string visible = VisibleText(text, Layout::kOneLine);
  std::string out;
  for (char c : visible) {
    switch (c) {
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      default:
        out += c;
    }
  }
  // The cells use Unicode signs; spell them for plain pdflatex.
  for (auto [from, to] :
       {std::pair<std::string_view, std::string_view>{"±", "$\\pm$"}, {"—", "--"}, {"Δ", "$\\Delta$"}, {"−", "-"}}) {
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size()))
      out.replace(at, from.size(), to);
  }
  return out;
}

bool IsWebLink(std::string_view url) {
  std::string lower(url.substr(0, 8));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t scheme = lower.starts_with("https://") ? 8 : lower.starts_with("http://") ? 7 : 0;
  if (scheme == 0 || url.size() == scheme) return false;
  return std::all_of(url.begin(), url.end(), [](char c) {
    return c > 0x20 && c < 0x7F && std::string_view("\"'<>`\\{}|^").find(c) == std::string_view::npos;
  });
}

std::string UrlPath(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~/:").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

}  // namespace repro
