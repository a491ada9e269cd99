#include "harness/util/read_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace repro {

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read {}: {}", path.string(), std::strerror(errno))};
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Error{fmt::format("error while reading {}", path.string())};
  return content.str();
}

std::vector<std::string> LastLines(const std::filesystem::path& path, size_t count) {
  constexpr std::streamoff kWindow = 64 * 1024;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff start = std::max<std::streamoff>(0, size - kWindow);
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) text.erase(0, text.find('\n') + 1);  // the first line may be cut
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::vector<std::string> lines;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    begin = end == std::string::npos ? text.size() : end + 1;
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  return lines;
}

}  // namespace repro
