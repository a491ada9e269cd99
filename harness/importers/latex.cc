#include "harness/importers/latex.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "harness/bundle/archive_members.h"
#include "harness/util/confined_file.h"
#include "harness/util/text.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

// Bounds on a stranger's source: nesting of \input, bytes read, macro expansions.
constexpr int kMaxInputDepth = 16;
constexpr uint64_t kMaxSourceBytes = 32 << 20;
constexpr int kMaxExpansions = 100000;
constexpr int kMaxMacroDepth = 32;
constexpr size_t kMaxGroupBytes = 4 << 20;
constexpr size_t kMaxTabularsPerTable = 64;  // subtables of one float
constexpr size_t kMaxNamingColumns = 8;      // label columns tried for names that tell rows apart
constexpr int kMaxLayoutDepth = 3;           // tabulars that lay out tabulars, one inside another

// The assembled source with, for each stretch, the file and line it came from.
struct Source {
  std::string text;
  struct Segment {
    size_t offset;
    std::string file;
    int line;
  };
  std::vector<Segment> segments;
  std::vector<std::string> problems;

  void Append(std::string_view chunk, const std::string& file, int line) {
    segments.push_back({text.size(), file, line});
    text.append(chunk);
  }
  std::string Where(size_t offset) const {
    auto it = std::upper_bound(segments.begin(), segments.end(), offset,
                               [](size_t at, const Segment& s) { return at < s.offset; });
    if (it == segments.begin()) return "?";
    --it;
    int line = it->line + static_cast<int>(std::count(text.begin() + it->offset, text.begin() + offset, '\n'));
    return fmt::format("{}:{}", it->file, line);
  }
};

// "%" to the end of the line, unless escaped; line ends are kept so lines still count.
std::string StripComments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[i];
      out += text[++i];
    } else if (text[i] == '%') {
      while (i < text.size() && text[i] != '\n') ++i;
      if (i < text.size()) out += '\n';
    } else {
      out += text[i];
    }
  }
  return out;
}

// The end of the group that opens at "open" ('{' or '['), or npos when it does not close.
size_t GroupEnd(std::string_view text, size_t open) {
  char opening = text[open], closing = opening == '{' ? '}' : ']';
  int depth = 0;
  // An unclosed group in a stranger's source must not make every lookup read to its end.
  size_t stop = std::min(text.size(), open + kMaxGroupBytes);
  for (size_t i = open; i < stop; ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == opening) {
      ++depth;
    } else if (text[i] == closing && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

size_t SkipSpaces(std::string_view text, size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')) ++at;
  return at;
}

// The content of the {group} at or after "at" (spaces skipped); "end" is set past it.
std::optional<std::string_view> Argument(std::string_view text, size_t at, size_t& end) {
  at = SkipSpaces(text, at);
  if (at >= text.size() || text[at] != '{') return std::nullopt;
  size_t close = GroupEnd(text, at);
  if (close == std::string_view::npos) return std::nullopt;
  end = close;
  return text.substr(at + 1, close - at - 2);
}

// Skips an [optional] argument at "at", if there is one.
size_t SkipOptional(std::string_view text, size_t at) {
  size_t start = SkipSpaces(text, at);
  if (start >= text.size() || text[start] != '[') return at;
  size_t close = GroupEnd(text, start);
  return close == std::string_view::npos ? at : close;
}

// The next "\name" at or after "from" that is the whole command (\include, not \includegraphics).
size_t FindCommand(std::string_view text, std::string_view name, size_t from) {
  for (size_t at = text.find(name, from); at != std::string_view::npos; at = text.find(name, at + 1)) {
    size_t after = at + name.size();
    if (after >= text.size() || !std::isalpha(static_cast<unsigned char>(text[after]))) return at;
  }
  return std::string_view::npos;
}

// The next \begin{ENV} with ENV one of "names", from "from": its position, name and end.
struct Begin {
  size_t at = std::string_view::npos, end = 0;
  std::string name;
};
Begin FindBegin(std::string_view text, const std::vector<std::string_view>& names, size_t from) {
  for (size_t at = FindCommand(text, "\\begin", from); at != std::string_view::npos;
       at = FindCommand(text, "\\begin", at + 1)) {
    size_t end = at + 6;
    std::optional<std::string_view> name = Argument(text, end, end);
    if (name && std::find(names.begin(), names.end(), *name) != names.end()) return {at, end, std::string(*name)};
  }
  return {};
}

// The \end{name} closing an environment whose body starts at "from", past any nested one of
// the same name (a tabular inside a cell); npos when it does not close.
size_t EnvironmentEnd(std::string_view text, const std::string& name, size_t from) {
  const std::string opening = "\\begin{" + name + "}", closing = "\\end{" + name + "}";
  int depth = 1;
  size_t open = text.find(opening, from), close = text.find(closing, from);
  while (close != std::string_view::npos) {  // each step moves "open" or "close" forward
    if (open < close) {
      ++depth;
      open = text.find(opening, open + opening.size());
    } else if (--depth == 0) {
      return close;
    } else {
      close = text.find(closing, close + closing.size());
    }
  }
  return close;
}

// A file of the paper's source by its path relative to the source's top (a folder or an archive).
using ReadSourceFile = std::function<Result<std::string>(const fs::path& relative)>;

class Assembler {
 public:
  // \input names files relative to the folder LaTeX runs in, the main file's ("base").
  Assembler(ReadSourceFile read, fs::path base, Source& source)
      : read_(std::move(read)), base_(std::move(base)), source_(source) {}

  void Add(const fs::path& relative, int depth) {
    if (depth > kMaxInputDepth) {
      source_.problems.push_back(
          fmt::format("{}: \\input nested deeper than {}; not followed", relative.string(), kMaxInputDepth));
      return;
    }
    Result<std::string> read = read_(relative);
    if (!read) {
      source_.problems.push_back(fmt::format("{}: {}", relative.string(), read.error()));
      return;
    }
    bytes_ += read->size();
    if (bytes_ > kMaxSourceBytes) {
      source_.problems.push_back(
          fmt::format("{}: the source is over {} bytes; the rest is not read", relative.string(), kMaxSourceBytes));
      return;
    }
    std::string text = StripComments(*read);
    size_t done = 0, search = 0;
    int line = 1;
    for (size_t at = NextInput(text, search); at != std::string::npos; at = NextInput(text, search)) {
      size_t end = at + (text.compare(at, 8, "\\include") == 0 ? 8 : 6);
      std::optional<std::string_view> name = Argument(text, end, end);
      search = at + 1;
      if (!name) continue;  // "\input" in running text
      source_.Append(std::string_view(text).substr(done, at - done), relative.string(), line);
      line += static_cast<int>(
          std::count(text.begin() + static_cast<long>(done), text.begin() + static_cast<long>(at), '\n'));
      fs::path included{std::string(*name)};
      if (included.extension() != ".tex") included += ".tex";
      Add((base_ / included).lexically_normal(), depth + 1);
      done = search = end;
    }
    source_.Append(std::string_view(text).substr(done), relative.string(), line);
  }

 private:
  static size_t NextInput(std::string_view text, size_t from) {
    return std::min(FindCommand(text, "\\input", from), FindCommand(text, "\\include", from));
  }

  ReadSourceFile read_;
  fs::path base_;
  Source& source_;
  uint64_t bytes_ = 0;
};

// \newcommand{\name}[n]{body}, \renewcommand, \def\name{body}: simple macros, expanded in
// the tables (a paper's \best{93.2} or \ours).
struct Macro {
  int arguments = 0;
  std::string body;
};

std::map<std::string, Macro> CollectMacros(std::string_view text) {
  std::map<std::string, Macro> macros;
  for (std::string_view command : {"\\newcommand", "\\renewcommand", "\\def"}) {
    for (size_t at = FindCommand(text, command, 0); at != std::string_view::npos;
         at = FindCommand(text, command, at + 1)) {
      size_t i = at + command.size();
      if (i < text.size() && text[i] == '*') ++i;
      i = SkipSpaces(text, i);
      bool braced = i < text.size() && text[i] == '{';
      if (braced) ++i;
      if (i >= text.size() || text[i] != '\\') continue;
      size_t name_end = i + 1;
      while (name_end < text.size() && std::isalpha(static_cast<unsigned char>(text[name_end]))) ++name_end;
      std::string name(text.substr(i + 1, name_end - i - 1));
      i = name_end;
      if (braced) i = i < text.size() && text[i] == '}' ? i + 1 : i;
      i = SkipSpaces(text, i);
      int arguments = 0;
      if (i + 2 < text.size() && text[i] == '[' && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
          text[i + 2] == ']') {
        arguments = text[i + 1] - '0';
        i += 3;
      }
      if (std::optional<std::string_view> body = Argument(text, i, i); body && !name.empty()) {
        macros[name] = {arguments, std::string(*body)};
      }
    }
  }
  return macros;
}

// Expands the macros in "text"; "budget" counts expansions left, and nesting deeper than
// kMaxMacroDepth (a macro that expands to itself) spends it all, which marks the problem.
std::string Expand(std::string_view text, const std::map<std::string, Macro>& macros, int& budget, int depth = 0) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '\\' || i + 1 >= text.size() || !std::isalpha(static_cast<unsigned char>(text[i + 1]))) {
      out += text[i++];
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
    auto macro = macros.find(std::string(text.substr(i + 1, end - i - 1)));
    if (depth > kMaxMacroDepth) budget = 0;
    if (macro == macros.end() || budget <= 0 || out.size() > kMaxSourceBytes) {
      out.append(text.substr(i, end - i));
      i = end;
      continue;
    }
    --budget;
    std::string body = macro->second.body;
    for (int a = 1; a <= macro->second.arguments; ++a) {
      std::optional<std::string_view> argument = Argument(text, end, end);
      std::string placeholder = "#" + std::to_string(a), value(argument.value_or(""));
      for (size_t at = body.find(placeholder); at != std::string::npos;
           at = body.find(placeholder, at + value.size())) {
        body.replace(at, 2, value);
      }
    }
    out += Expand(body, macros, budget, depth + 1);
    i = end;
  }
  return out;
}

// ---- cells ------------------------------------------------------------------------

const std::map<std::string, std::string> kSymbols = {{"pm", "±"},
                                                     {"mp", "∓"},
                                                     {"uparrow", "↑"},
                                                     {"Uparrow", "↑"},
                                                     {"downarrow", "↓"},
                                                     {"Downarrow", "↓"},
                                                     {"times", "×"},
                                                     {"%", "%"},
                                                     {"&", "&"},
                                                     {"_", "_"},
                                                     {"#", "#"},
                                                     {"$", "$"},
                                                     {"textminus", "-"},
                                                     {"textpm", "±"},
                                                     {",", " "},
                                                     {";", " "},
                                                     {":", " "},
                                                     {" ", " "},
                                                     {"quad", " "},
                                                     {"qquad", " "},
                                                     {"enspace", " "},
                                                     {"!", ""},
                                                     {"textasteriskcentered", "*"},
                                                     {"\\", " "},
                                                     {"break", " "},
                                                     {"newline", " "},
                                                     {"alpha", "α"},
                                                     {"beta", "β"},
                                                     {"lambda", "λ"}};
const std::vector<std::string> kBold = {"textbf", "mathbf", "bm", "boldsymbol", "bfseries", "bf", "mathbold"};
// Commands whose arguments are not text of the cell: colours, references, spacing boxes.
const std::map<std::string, int> kDropArguments = {
    {"color", 1},    {"cellcolor", 1}, {"rowcolor", 1}, {"columncolor", 1}, {"phantom", 1},
    {"hphantom", 1}, {"vphantom", 1},  {"cite", 1},     {"citep", 1},       {"citet", 1},
    {"ref", 1},      {"label", 1},     {"footnote", 1}, {"thanks", 1},      {"hspace", 1},
    {"vspace", 1},   {"rule", 2},      {"tnote", 1},    {"footnotemark", 0}};

struct Cleaned {
  std::string text;
  bool bold = false;
};

// Past the {name} of a \begin or \end in a cell (a tabular of two lines in one cell), and past
// a tabular's position and column spec: layout, not text of the cell.
void SkipEnvironmentName(std::string_view raw, bool begin, size_t& i) {
  std::optional<std::string_view> name = Argument(raw, i, i);
  if (!begin || !name || !name->starts_with("tabular")) return;
  if (*name != "tabular") Argument(raw, i, i);  // the width of tabular*, tabularx
  i = SkipOptional(raw, i);
  Argument(raw, i, i);
}

void CleanInto(std::string_view raw, Cleaned& out) {
  for (size_t i = 0; i < raw.size();) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      size_t end = i + 1;
      if (std::isalpha(static_cast<unsigned char>(raw[end]))) {
        while (end < raw.size() && std::isalpha(static_cast<unsigned char>(raw[end]))) ++end;
      } else {
        ++end;
      }
      std::string name(raw.substr(i + 1, end - i - 1));
      i = end;
      if (auto symbol = kSymbols.find(name); symbol != kSymbols.end()) {
        out.text += symbol->second;
      } else if (std::find(kBold.begin(), kBold.end(), name) != kBold.end()) {
        out.bold = true;
      } else if (auto drop = kDropArguments.find(name); drop != kDropArguments.end()) {
        i = SkipOptional(raw, i);
        for (int a = 0; a < drop->second; ++a) Argument(raw, i, i);
      } else if (name == "begin" || name == "end") {
        SkipEnvironmentName(raw, name == "begin", i);
      } else if (name == "textcolor" || name == "parbox" || name == "pbox" || name == "makebox" || name == "raisebox") {
        i = SkipOptional(raw, i);
        Argument(raw, i, i);  // the colour; the text that follows is kept
      }
      continue;  // any other command: its name goes, its {text} stays
    }
    if ((c == '^' || c == '_') && i + 1 < raw.size()) {
      // A marker goes (93.2$^{*}$, $^\dagger$); a power (10$^6$) and a subscript (LIC$_M$) stay; a
      // subscript ± is the std.
      size_t end = i + 1;
      std::optional<std::string_view> group = Argument(raw, end, end);
      std::string_view inner = group ? *group : raw.substr(i + 1, 1);
      if (inner.find("pm") != std::string_view::npos) {
        CleanInto(inner, out);
      } else if (c == '^' && !inner.empty() && inner.find_first_not_of("0123456789-") == std::string_view::npos) {
        out.text += "^" + std::string(inner);
      } else if (c == '_') {  // LIC$_M$: part of a name
        Cleaned sub;
        CleanInto(inner, sub);
        out.text += "_" + sub.text;
      }
      i = group ? end : i + 2;
      continue;
    }
    if (c == '{' || c == '}' || c == '$') {
      ++i;
    } else if (c == '~' || c == '\n' || c == '\t') {
      out.text += ' ';
      ++i;
    } else {
      out.text += c;
      ++i;
    }
  }
}

Cleaned Clean(std::string_view raw) {
  Cleaned cleaned;
  CleanInto(raw, cleaned);
  std::string collapsed;
  for (char c : cleaned.text) {
    if (c == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed += c;
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  for (size_t at = collapsed.find("−"); at != std::string::npos; at = collapsed.find("−", at))
    collapsed.replace(at, 3, "-");
  cleaned.text = collapsed;
  return cleaned;
}

struct RawCell {
  std::string_view content;
  int span = 1;
  int rows = 1;  // \multirow
};

RawCell ReadCell(std::string_view raw) {
  RawCell cell{raw};
  size_t at = SkipSpaces(raw, 0);
  if (raw.substr(at).starts_with("\\multicolumn")) {
    size_t end = at + 12;
    std::optional<std::string_view> span = Argument(raw, end, end);
    std::optional<std::string_view> spec = Argument(raw, end, end);
    std::optional<std::string_view> content = Argument(raw, end, end);
    if (span && spec && content) {
      cell.span = std::max(1, std::atoi(std::string(*span).c_str()));
      cell.content = *content;
      raw = *content;
      at = SkipSpaces(raw, 0);
    }
  }
  if (raw.substr(at).starts_with("\\multirow")) {
    size_t end = SkipOptional(raw, at + 9);
    std::optional<std::string_view> rows = Argument(raw, end, end);
    end = SkipOptional(raw, end);
    std::optional<std::string_view> width = Argument(raw, end, end);
    end = SkipOptional(raw, end);
    std::optional<std::string_view> content = Argument(raw, end, end);
    if (rows && width && content) {
      cell.rows = std::max(1, std::atoi(std::string(*rows).c_str()));
      cell.content = *content;
    }
  }
  return cell;
}

// ---- rows -------------------------------------------------------------------------

struct RawRow {
  std::string_view text;
  size_t offset;             // in the source, for its line
  bool rule_before = false;  // a \midrule or \hline stood before it
};

// Leading rules and colour commands of a row; whether one was a rule that ends a header.
size_t SkipRowPrefix(std::string_view row, bool& rule) {
  static const std::vector<std::pair<std::string, int>> kPrefixes = {
      {"\\toprule", 0},       {"\\midrule", 0},      {"\\bottomrule", 0},    {"\\hline", 0},       {"\\cline", 1},
      {"\\cmidrule", 1},      {"\\addlinespace", 0}, {"\\morecmidrules", 0}, {"\\specialrule", 3}, {"\\rowcolor", 1},
      {"\\hhline", 1},        {"\\endfirsthead", 0}, {"\\endhead", 0},       {"\\endfoot", 0},     {"\\endlastfoot", 0},
      {"\\noalign", 1},       {"\\caption", 1},      {"\\label", 1},  // a longtable's caption is its first "row"
      {"\\arrayrulecolor", 1}};                                       // colortbl: the colour of the next rule
  size_t at = SkipSpaces(row, 0);
  for (bool found = true; found;) {
    found = false;
    for (const auto& [prefix, arguments] : kPrefixes) {
      if (!row.substr(at).starts_with(prefix)) continue;
      size_t next = at + prefix.size();
      if (next < row.size() && std::isalpha(static_cast<unsigned char>(row[next]))) continue;  // \hlinex
      if (prefix == "\\midrule" || prefix == "\\hline" || prefix == "\\endhead" || prefix == "\\endfirsthead")
        rule = true;
      if (prefix == "\\cmidrule" && next < row.size() && row[next] == '(') {
        size_t close = row.find(')', next);
        next = close == std::string_view::npos ? next : close + 1;
      }
      next = SkipOptional(row, next);
      for (int a = 0; a < arguments; ++a) Argument(row, next, next);
      at = SkipSpaces(row, next);
      found = true;
    }
  }
  return at;
}

// How an environment nested in a cell (two lines of a tabular in one cell) changes the nesting
// at "at": its \\ and & belong to it, not to the table around it.
int EnvironmentStep(std::string_view text, size_t at) {
  if (text.substr(at).starts_with("\\begin{")) return 1;
  if (text.substr(at).starts_with("\\end{")) return -1;
  return 0;
}

std::vector<RawRow> SplitRows(std::string_view body, size_t base) {
  std::vector<RawRow> rows;
  size_t start = 0;
  int depth = 0, environments = 0;
  bool rule = false;
  auto finish = [&](size_t end) {
    std::string_view row = body.substr(start, end - start);
    size_t skip = SkipRowPrefix(row, rule);
    row.remove_prefix(skip);
    if (!row.empty() && row.find_first_not_of(" \t\n\r") != std::string_view::npos) {
      rows.push_back({row, base + start + skip, rule});
      rule = false;
    }
  };
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c != '\\' || i + 1 >= body.size()) continue;
    environments = std::max(0, environments + EnvironmentStep(body, i));
    bool newline = body[i + 1] == '\\' || body.substr(i).starts_with("\\tabularnewline");
    if (!newline || depth != 0 || environments != 0) {
      ++i;
      continue;
    }
    finish(i);
    i += body[i + 1] == '\\' ? 2 : 15;
    if (i < body.size() && body[i] == '*') ++i;
    i = SkipOptional(body, i);  // \\[2pt]
    start = i;
    --i;
  }
  finish(body.size());
  return rows;
}

std::vector<std::string_view> SplitCells(std::string_view row) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  int depth = 0, environments = 0;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      environments = std::max(0, environments + EnvironmentStep(row, i));
      ++i;
    } else if (row[i] == '{') {
      ++depth;
    } else if (row[i] == '}') {
      --depth;
    } else if (row[i] == '&' && depth == 0 && environments == 0) {
      cells.push_back(row.substr(start, i - start));
      start = i + 1;
    }
  }
  cells.push_back(row.substr(start));
  return cells;
}

}  // namespace

std::optional<CellNumber> ParseCellNumber(std::string_view cleaned) {
  static const std::regex kNumber(
      R"(^\s*([-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(%)?\s*(?:(?:±|\+-|\+/-)\s*((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|\(\s*(?:±\s*)?((?:\d+\.?\d*|\.\d+))\s*\))?\s*(%)?\s*[*†‡§¶]*\s*$)");
  if (cleaned.size() > 120) return std::nullopt;  // no number is that long, and std::regex recurses per character
  std::string text(cleaned);
  std::smatch match;
  if (!std::regex_match(text, match, kNumber)) return std::nullopt;
  CellNumber number;
  number.text = match[1].str();
  std::string digits = number.text;
  digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());  // 19,766
  number.value = std::strtod(digits.c_str(), nullptr);
  number.std_text = match[3].matched ? match[3].str() : match[4].str();
  number.percent = match[2].matched || match[5].matched;
  return number;
}

namespace {

struct TableRegion {
  size_t begin, end;  // the float (or the longtable) in the source
  bool longtable;
};

// Header rows, label columns, data columns and rows of one tabular body.
class TableBuilder {
 public:
  TableBuilder(const Source& source, LatexTable& table) : source_(source), table_(table) {}

  void Build(std::string_view body, size_t base) {
    std::vector<RawRow> rows = SplitRows(body, base);
    if (rows.empty()) {
      table_.problems.push_back(fmt::format("{}: the table has no rows", table_.where));
      return;
    }
    std::vector<std::vector<LatexCell>> grid;
    for (const RawRow& row : rows) grid.push_back(ExpandRow(row));
    size_t width = 0;
    for (const auto& cells : grid) width = std::max(width, cells.size());
    for (auto& cells : grid) cells.resize(width);
    size_t header_end = HeaderEnd(rows, grid);
    CarryMultirowLabels(grid, header_end);
    CarryGroupLabels(grid, header_end, TextColumns(grid, header_end));
    size_t labels = LabelColumns(grid, header_end);
    for (size_t c = labels; c < width; ++c) AddColumn(ColumnName(grid, header_end, c));
    table_.label_column = labels > 0 ? ColumnName(grid, header_end, 0) : "";
    for (size_t r = header_end; r < grid.size(); ++r) {
      LatexTable::Row row;
      row.where = source_.Where(rows[r].offset);
      std::vector<std::string> names;
      for (size_t c = 0; c < labels; ++c) {
        if (!grid[r][c].text.empty()) names.push_back(grid[r][c].text);
      }
      row.label = names.empty() ? fmt::format("row {}", r - header_end + 1) : Join(names, " / ");
      row.cells.assign(grid[r].begin() + static_cast<long>(labels), grid[r].end());
      table_.rows.push_back(std::move(row));
    }
  }

 private:
  // The row's cells, one per column it covers; its \multirow labels are noted.
  std::vector<LatexCell> ExpandRow(const RawRow& row) {
    std::vector<LatexCell> cells;
    std::map<size_t, std::pair<std::string, int>>& multirows = multirows_.emplace_back();
    for (std::string_view raw : SplitCells(row.text)) {
      RawCell cell = ReadCell(raw);
      Cleaned cleaned = Clean(cell.content);
      LatexCell first{cleaned.text, cleaned.bold, ParseCellNumber(cleaned.text), cell.span};
      if (cell.rows > 1) multirows[cells.size()] = {cleaned.text, cell.rows - 1};
      cells.push_back(first);
      // A spanning header names every column under it; a spanning value belongs to the first.
      for (int s = 1; s < cell.span; ++s) cells.push_back(LatexCell{first.text, first.bold, std::nullopt, cell.span});
    }
    return cells;
  }

  // Under a \multirow label the rows' own cells are empty: they carry its text.
  void CarryMultirowLabels(std::vector<std::vector<LatexCell>>& grid, size_t header_end) {
    std::map<size_t, std::pair<std::string, int>> carrying;
    for (size_t r = header_end; r < grid.size(); ++r) {
      for (size_t c = 0; c < grid[r].size(); ++c) {
        const LatexCell& cell = grid[r][c];
        auto it = carrying.find(c);
        if (cell.text.empty() && it != carrying.end() && it->second.second > 0) {
          grid[r][c].text = it->second.first;
          --it->second.second;
        } else if (!cell.text.empty()) {
          carrying.erase(c);
        }
      }
      for (const auto& [column, label] : multirows_[r]) carrying[column] = label;
    }
  }

  static bool HasNumber(const std::vector<LatexCell>& cells) {
    return std::any_of(cells.begin(), cells.end(), [](const LatexCell& cell) { return cell.number.has_value(); });
  }

  // One cell across the whole row: the title of a group of rows ("ImageNet"), not a header.
  static bool IsSectionTitle(const std::vector<LatexCell>& cells) {
    return !cells.empty() && cells[0].span > 1 && static_cast<size_t>(cells[0].span) >= cells.size();
  }

  // The header ends at the first rule after the first row. A table without rules has as its
  // header the leading rows that hold no number (a header wrapped onto a row of citations),
  // up to the title of a group of rows.
  static size_t HeaderEnd(const std::vector<RawRow>& rows, const std::vector<std::vector<LatexCell>>& grid) {
    for (size_t r = 1; r < rows.size(); ++r) {
      if (rows[r].rule_before) return r;
    }
    size_t end = 1;
    while (end < grid.size() && !HasNumber(grid[end]) && !IsSectionTitle(grid[end])) ++end;
    return end < grid.size() ? end : 1;  // no number anywhere: the first row alone is the header
  }

  // Whether the first "columns" of the "text_columns" label cells, joined, name every row below
  // the header apart. A row with no label at all clashes with none; a row whose label stands
  // only in a later column ("Predicted" under a group named once above) is not named by fewer.
  static bool NameRowsApart(const std::vector<std::vector<LatexCell>>& grid, size_t header_end, size_t columns,
                            size_t text_columns) {
    std::set<std::string> names;
    for (size_t r = header_end; r < grid.size(); ++r) {
      std::string name;
      for (size_t c = 0; c < columns; ++c) name += grid[r][c].text + "\x1f";  // a separator no cell holds
      bool unnamed = name.size() == columns;
      bool labelled = std::any_of(grid[r].begin(), grid[r].begin() + static_cast<long>(text_columns),
                                  [](const LatexCell& cell) { return !cell.text.empty(); });
      if (unnamed && labelled) return false;
      if (!unnamed && !names.insert(name).second) return false;
    }
    return true;
  }

  // Of the leading text columns, the fewest that name each row apart. A text column after
  // them ("Based on" after "Dataset") describes the row rather than names it; several are
  // names only together ("BFW / FaceNet / Mean"). None apart within the first few: all of them.
  static size_t NamingColumns(const std::vector<std::vector<LatexCell>>& grid, size_t header_end, size_t text_columns) {
    for (size_t n = 1; n < text_columns && n <= kMaxNamingColumns; ++n) {
      if (NameRowsApart(grid, header_end, n, text_columns)) return n;
    }
    return text_columns;
  }

  // Leading columns with no number below the header.
  static size_t TextColumns(const std::vector<std::vector<LatexCell>>& grid, size_t header_end) {
    size_t width = grid.empty() ? 0 : grid[0].size(), columns = 0;
    for (; columns < width; ++columns) {
      bool numbers = std::any_of(grid.begin() + static_cast<long>(header_end), grid.end(),
                                 [&](const auto& cells) { return cells[columns].number.has_value(); });
      if (numbers) break;
    }
    return columns;
  }

  // A group label written once above blank cells, without \multirow, names the rows of results
  // below it that are labelled only in a later text column ("Negative" over "Predicted" and
  // "Target"), as a reader reads the table.
  static void CarryGroupLabels(std::vector<std::vector<LatexCell>>& grid, size_t header_end, size_t text_columns) {
    size_t groups = std::min(text_columns, kMaxNamingColumns + 1);
    for (size_t c = 0; c + 1 < groups; ++c) {
      for (size_t r = header_end + 1; r < grid.size(); ++r) {
        bool labelled_later =
            std::any_of(grid[r].begin() + static_cast<long>(c) + 1, grid[r].begin() + static_cast<long>(groups),
                        [](const LatexCell& cell) { return !cell.text.empty(); });
        if (grid[r][c].text.empty() && labelled_later && HasNumber(grid[r])) grid[r][c].text = grid[r - 1][c].text;
      }
    }
  }

  // Leading columns with no number below the header: the row labels.
  static size_t LabelColumns(const std::vector<std::vector<LatexCell>>& grid, size_t header_end) {
    size_t width = grid.empty() ? 0 : grid[0].size(), labels = TextColumns(grid, header_end);
    if (labels == width) return std::min<size_t>(1, width);
    // A first column of whole numbers (epochs, sizes, k) names its rows; it is no result.
    bool whole = labels == 0 && width > 1 &&
                 std::all_of(grid.begin() + static_cast<long>(header_end), grid.end(), [](const auto& cells) {
                   return cells[0].number && cells[0].number->std_text.empty() && !cells[0].number->percent &&
                          cells[0].number->text.find_first_of(".eE") == std::string::npos;
                 });
    return whole ? 1 : NamingColumns(grid, header_end, labels);
  }

  // The header without its arrows, which say which way is better.
  void AddColumn(std::string header) {
    std::string lowered = header;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), ::tolower);
    bool up = header.find("↑") != std::string::npos || lowered.find("higher is better") != std::string::npos;
    bool down = header.find("↓") != std::string::npos || lowered.find("lower is better") != std::string::npos;
    table_.better.push_back(up == down ? "" : up ? "higher" : "lower");
    for (const char* arrow : {"↑", "↓"}) {
      for (size_t at = header.find(arrow); at != std::string::npos; at = header.find(arrow)) header.erase(at, 3);
    }
    while (!header.empty() && header.back() == ' ') header.pop_back();
    table_.columns.push_back(header.empty() ? fmt::format("column {}", table_.columns.size() + 1) : header);
  }

  // Header cells top to bottom: under a \multicolumn group "Group / Sub"; a header that only
  // wraps onto a second row is one text ("raw" over "attention": "raw attention").
  static std::string ColumnName(const std::vector<std::vector<LatexCell>>& grid, size_t header_end, size_t column) {
    std::string name;
    bool group_above = false;
    for (size_t r = 0; r < header_end && r < grid.size(); ++r) {
      const LatexCell& cell = grid[r][column];
      if (cell.text.empty() || name.ends_with(cell.text)) continue;
      name += name.empty() ? "" : group_above ? " / " : " ";
      name += cell.text;
      group_above = cell.span > 1;
    }
    return name.empty() ? fmt::format("column {}", column + 1) : name;
  }

  const Source& source_;
  LatexTable& table_;
  std::vector<std::map<size_t, std::pair<std::string, int>>> multirows_;  // per row: column -> (label, rows below)
};

std::vector<TableRegion> FindTables(std::string_view text) {
  std::vector<TableRegion> regions;
  size_t from = 0;
  for (Begin begin = FindBegin(text, {"table", "table*", "longtable"}, 0); begin.at != std::string_view::npos;
       begin = FindBegin(text, {"table", "table*", "longtable"}, from)) {
    size_t end = text.find("\\end{" + begin.name + "}", begin.end);
    if (end == std::string_view::npos) end = text.size();
    regions.push_back({begin.at, end, begin.name == "longtable"});
    from = std::max(end, begin.end);  // a longtable inside a table float is part of it
  }
  return regions;
}

// Spans [begin, end) of the region's subtables, whose captions and labels name one part.
std::vector<std::pair<size_t, size_t>> Subtables(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> spans;
  for (Begin sub = FindBegin(text, {"subtable"}, 0);
       sub.at != std::string_view::npos && spans.size() < kMaxTabularsPerTable;
       sub = FindBegin(text, {"subtable"}, spans.back().second)) {
    size_t end = EnvironmentEnd(text, sub.name, sub.end);
    spans.emplace_back(sub.at, end == std::string_view::npos ? text.size() : end);
  }
  return spans;
}

// The float's own \caption or \label: the first outside its subtables, else the first at all.
size_t FindOutsideSubtables(std::string_view text, std::string_view command,
                            const std::vector<std::pair<size_t, size_t>>& subtables) {
  size_t first = FindCommand(text, command, 0);
  for (size_t at = first; at != std::string_view::npos; at = FindCommand(text, command, at + 1)) {
    bool inside = std::any_of(subtables.begin(), subtables.end(),
                              [at](const auto& span) { return at >= span.first && at < span.second; });
    if (!inside) return at;
  }
  return first;
}

void ReadCaptionAndLabel(std::string_view text, const std::map<std::string, Macro>& macros, int& budget,
                         LatexTable& table) {
  std::vector<std::pair<size_t, size_t>> subtables = Subtables(text);
  size_t end = 0;
  if (size_t at = FindOutsideSubtables(text, "\\caption", subtables); at != std::string_view::npos) {
    end = SkipOptional(text, at + 8);
    if (std::optional<std::string_view> caption = Argument(text, end, end))
      table.caption = Clean(Expand(*caption, macros, budget)).text;
  }
  if (size_t at = FindOutsideSubtables(text, "\\label", subtables); at != std::string_view::npos) {
    if (std::optional<std::string_view> label = Argument(text, at + 6, end)) table.label = std::string(*label);
  }
}

// The rows of one tabular: [begin, end) in the region's text.
struct TabularBody {
  size_t begin, end;
};

// The rows of the tabular opening at "tabular": past its width and column spec, up to its own \end.
TabularBody FindTabularBody(std::string_view text, const Begin& tabular) {
  size_t begin = tabular.end;
  if (tabular.name == "tabular*" || tabular.name == "tabularx" || tabular.name == "tabulary")
    Argument(text, begin, begin);  // the width
  begin = SkipOptional(text, begin);
  Argument(text, begin, begin);  // the column spec
  size_t end = EnvironmentEnd(text, tabular.name, begin);
  return {begin, end == std::string_view::npos ? text.size() : end};
}

// Every tabular in "text" from "from" in order (a float of subtables holds several); a tabular
// nested in another's cell is part of that cell.
std::vector<TabularBody> FindTabularBodies(std::string_view text, size_t from) {
  std::vector<TabularBody> bodies;
  const std::vector<std::string_view> kinds = {"tabular", "tabular*", "tabularx", "tabulary", "longtable"};
  for (Begin tabular = FindBegin(text, kinds, from);
       tabular.at != std::string_view::npos && bodies.size() <= kMaxTabularsPerTable;  // one more: "too many"
       tabular = FindBegin(text, kinds, bodies.back().end)) {
    bodies.push_back(FindTabularBody(text, tabular));
  }
  return bodies;
}

// A longtable is its own one body.
TabularBody LongtableBody(std::string_view text) {
  size_t begin = SkipOptional(text, text.find('}') + 1);
  Argument(text, begin, begin);
  return {begin, text.size()};
}

// A float of several tabulars is one table: each tabular's columns are found by name among
// those read before it (the subtables of one table usually repeat them) or added after them;
// each row says which tabular it is in, since subtables often repeat their row labels too.
void MergeTabular(LatexTable& table, LatexTable part, int tabular) {
  if (table.label_column.empty()) table.label_column = part.label_column;
  std::multimap<std::string, size_t> unmatched;  // columns read before, not yet matched by this tabular
  for (size_t c = 0; c < table.columns.size(); ++c) unmatched.emplace(table.columns[c], c);
  std::vector<size_t> placed(part.columns.size());
  for (size_t c = 0; c < part.columns.size(); ++c) {
    auto same = unmatched.find(part.columns[c]);
    if (same != unmatched.end()) {
      placed[c] = same->second;
      unmatched.erase(same);
      continue;
    }
    placed[c] = table.columns.size();
    table.columns.push_back(part.columns[c]);
    table.better.push_back(part.better[c]);
  }
  for (LatexTable::Row& row : table.rows) row.cells.resize(table.columns.size());
  for (LatexTable::Row& row : part.rows) {
    LatexTable::Row merged{std::move(row.label), std::move(row.where), {}, tabular};
    merged.cells.resize(table.columns.size());
    for (size_t c = 0; c < row.cells.size() && c < placed.size(); ++c)
      merged.cells[placed[c]] = std::move(row.cells[c]);
    table.rows.push_back(std::move(merged));
  }
  table.problems.insert(table.problems.end(), part.problems.begin(), part.problems.end());
}

// One tabular's rows, macros expanded, read into "part".
void ReadTabular(const Source& source, const std::map<std::string, Macro>& macros, size_t region_begin,
                 std::string_view text, TabularBody tabular, bool longtable, int& budget, LatexTable& part) {
  std::string body(text.substr(tabular.begin, tabular.end - tabular.begin));
  if (longtable) {  // the continuation head repeats the first head
    size_t first = body.find("\\endfirsthead"), head = body.find("\\endhead");
    if (first != std::string::npos && head != std::string::npos && head > first)
      body.erase(first + 13, head - first - 13);
  }
  body = Expand(body, macros, budget);
  // Expansion moved the text: lines are counted from the body's start.
  std::string body_where = source.Where(region_begin + tabular.begin);
  Source local;
  local.Append(body, body_where.substr(0, body_where.rfind(':')),
               std::atoi(body_where.substr(body_where.rfind(':') + 1).c_str()));
  TableBuilder(local, part).Build(local.text, 0);
}

bool HasNumbers(const LatexTable& table) {
  return std::any_of(table.rows.begin(), table.rows.end(), [](const LatexTable::Row& row) {
    return std::any_of(row.cells.begin(), row.cells.end(), [](const LatexCell& cell) { return cell.number; });
  });
}

// Reads the tabulars of one float: its text, the macro expansions left and the tabulars merged.
struct TabularReader {
  const Source& source;
  const std::map<std::string, Macro>& macros;
  size_t region_begin;
  std::string_view text;
  bool longtable;
  int budget = kMaxExpansions;
  int merged = 0;
  bool too_many = false;  // named once

  // Reads "bodies" into "table". A tabular with no number of its own whose cells hold tabulars
  // only lays them out side by side (two sub-tables in one row): the tabulars inside are read.
  void Read(const std::vector<TabularBody>& bodies, int depth, LatexTable& table) {
    for (const TabularBody& body : bodies) {
      if (merged >= static_cast<int>(kMaxTabularsPerTable)) {
        if (!too_many)
          table.problems.push_back(fmt::format("{}: table {} has more than {} tabulars; the rest are not read",
                                               table.where, table.number, kMaxTabularsPerTable));
        too_many = true;
        return;
      }
      LatexTable part;
      part.where = table.where;
      ReadTabular(source, macros, region_begin, text, body, longtable, budget, part);
      std::vector<TabularBody> inside;
      if (depth < kMaxLayoutDepth && !HasNumbers(part))
        inside = FindTabularBodies(text.substr(0, body.end), body.begin);
      if (!inside.empty()) {
        Read(inside, depth + 1, table);
        continue;
      }
      MergeTabular(table, std::move(part), ++merged);
    }
  }
};

void ReadTable(const Source& source, const std::map<std::string, Macro>& macros, const TableRegion& region,
               LatexTable& table) {
  std::string_view text = std::string_view(source.text).substr(region.begin, region.end - region.begin);
  table.where = source.Where(region.begin);
  TabularReader reader{source, macros, region.begin, text, region.longtable};
  ReadCaptionAndLabel(text, macros, reader.budget, table);
  std::vector<TabularBody> bodies =
      region.longtable ? std::vector<TabularBody>{LongtableBody(text)} : FindTabularBodies(text, 0);
  if (bodies.empty()) {
    table.problems.push_back(
        fmt::format("{}: table {} has no tabular, tabularx or longtable; not read", table.where, table.number));
    return;
  }
  reader.Read(bodies, 0, table);
  if (reader.budget <= 0)
    table.problems.push_back(fmt::format("{}: macros expand without end; expansion stopped", table.where));
}

std::vector<std::string> Authors(std::string_view text) {
  std::vector<std::string> authors;
  size_t end = 0;
  size_t at = text.find("\\author");
  if (at == std::string_view::npos) return authors;
  end = SkipOptional(text, at + 7);
  std::optional<std::string_view> block = Argument(text, end, end);
  if (!block) return authors;
  std::string all(*block);
  for (size_t from = 0; from <= all.size();) {
    size_t split = all.find("\\and", from);
    std::string one = all.substr(from, split == std::string::npos ? std::string::npos : split - from);
    size_t line = one.find("\\\\");
    std::string name = Clean(one.substr(0, line)).text;
    if (!name.empty() && name.size() < 200) authors.push_back(name);
    if (split == std::string::npos) break;
    from = split + 4;
  }
  return authors;
}

}  // namespace

namespace {

LatexPaper AssembledPaper(const Source& source) {
  LatexPaper paper;
  paper.problems = source.problems;
  std::map<std::string, Macro> macros = CollectMacros(source.text);
  size_t end = 0;
  if (size_t at = source.text.find("\\title"); at != std::string::npos) {
    end = SkipOptional(source.text, at + 6);
    if (auto title = Argument(source.text, end, end)) paper.title = Clean(*title).text;
  }
  paper.authors = Authors(source.text);
  int number = 0;
  for (const TableRegion& region : FindTables(source.text)) {
    std::string_view text = std::string_view(source.text).substr(region.begin, region.end - region.begin);
    if (region.longtable && text.find("\\caption") == std::string_view::npos) continue;  // not a numbered table
    LatexTable table;
    table.number = ++number;
    ReadTable(source, macros, region, table);
    for (const std::string& problem : table.problems) paper.problems.push_back(problem);
    paper.tables.push_back(std::move(table));
  }
  return paper;
}

// arXiv serves a paper's source as a .tar.gz, or a gzipped .tex when it is one file.
bool IsArchive(const fs::path& path) {
  std::string name = path.filename().string();
  for (std::string_view suffix : {".tar.gz", ".tgz", ".tar", ".gz"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) return true;
  }
  return false;
}

// The archive's main file: the .tex with \documentclass nearest its top (then by name);
// when several are, the one read is named among the problems.
std::optional<std::string> ArchiveMainFile(const std::map<std::string, std::string>& files,
                                           std::vector<std::string>& problems) {
  std::vector<std::string> mains;
  for (const auto& [name, text] : files) {
    if (text.find("\\documentclass") != std::string::npos) mains.push_back(name);
  }
  if (mains.empty()) return std::nullopt;
  auto depth = [](const std::string& name) { return std::count(name.begin(), name.end(), '/'); };
  std::stable_sort(mains.begin(), mains.end(),
                   [&](const std::string& a, const std::string& b) { return depth(a) < depth(b); });
  if (mains.size() > 1) {
    problems.push_back(
        fmt::format("{} files have \\documentclass ({}); read {}", mains.size(), Join(mains, ", "), mains.front()));
  }
  return mains.front();
}

Result<LatexPaper> ReadLatexArchive(const fs::path& path) {
  ArchiveLimits limits;
  limits.total_bytes = limits.member_bytes = kMaxSourceBytes;
  Result<ArchiveMembers> members = ReadArchiveMembers(
      path, [](const std::string& name) { return name.ends_with(".tex") || name == "data"; }, limits);
  if (!members) return Error{members.error()};
  std::map<std::string, std::string>& files = members->files;
  if (members->single_file && files.count("data")) {
    files["main.tex"] = std::move(files["data"]);  // a gzipped .tex keeps no name
  }
  files.erase("data");
  Source source;
  source.problems = members->skipped;
  std::optional<std::string> main = ArchiveMainFile(files, source.problems);
  if (!main) return Error{fmt::format("{} holds no .tex file with \\documentclass", path.string())};
  auto read = [&files](const fs::path& relative) -> Result<std::string> {
    auto found = files.find(relative.lexically_normal().string());
    if (found == files.end()) return Error{"not in the archive"};
    return found->second;
  };
  Assembler(read, fs::path(*main).parent_path(), source).Add(*main, 0);
  return AssembledPaper(source);
}

}  // namespace

LatexPaper ParseLatexPaper(std::string_view text, const std::string& name) {
  Source source;
  source.Append(StripComments(text), name, 1);
  return AssembledPaper(source);
}

Result<LatexPaper> ReadLatexPaper(const fs::path& path, const fs::path& within) {
  if (IsArchive(path)) {
    if (!within.empty()) return Error{"--within goes with a folder; an archive is read whole"};
    return ReadLatexArchive(path);
  }
  std::error_code ec;
  fs::path root = path, main = path.filename();
  if (fs::is_directory(path, ec)) {
    main.clear();
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.path().extension() != ".tex" || !entry.is_regular_file(ec)) continue;
      Result<std::string> head = ReadConfinedFile(path, entry.path(), kMaxSourceBytes);
      if (head && head->find("\\documentclass") != std::string::npos) main = entry.path().filename();
    }
    if (main.empty())
      return Error{fmt::format("{} has no .tex file with \\documentclass; name the main file", path.string())};
  } else {
    root = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  }
  if (!within.empty()) {  // a main file in a subfolder that inputs ../shared/*.tex
    fs::path relative =
        fs::absolute(root / main).lexically_normal().lexically_relative(fs::absolute(within).lexically_normal());
    if (relative.empty() || *relative.begin() == "..")
      return Error{fmt::format("{} is not inside {}", path.string(), within.string())};
    root = within;
    main = relative;
  }
  Source source;
  fs::path top = fs::absolute(root);
  auto read = [&top](const fs::path& relative) { return ReadConfinedFile(top, top / relative, kMaxSourceBytes); };
  Assembler(read, main.parent_path(), source).Add(main, 0);
  if (source.text.empty() && !source.problems.empty()) return Error{source.problems.front()};
  return AssembledPaper(source);
}

}  // namespace repro
