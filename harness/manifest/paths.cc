#include "harness/manifest/paths.h"

#include <fnmatch.h>

namespace repro {

bool HasParentComponent(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string component(path.substr(start, end - start));
    // FNM_PERIOD: "*" does not match a leading '.', as directory listings never yield "..".
    if (component == ".." || (!component.empty() && ::fnmatch(component.c_str(), "..", FNM_PERIOD) == 0)) return true;
    start = end + 1;
  }
  return false;
}

std::optional<std::string> InsidePathProblem(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.front() == '/') return "is absolute";
  if (HasParentComponent(path)) return "has a '..' component";
  if (std::filesystem::path(path).lexically_normal() == ".") return "names the folder itself";
  return std::nullopt;
}

bool ResolvesInside(const std::filesystem::path& file, const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::path real_file = std::filesystem::weakly_canonical(file, ec);
  if (ec) return false;
  std::filesystem::path real_folder = std::filesystem::weakly_canonical(folder, ec);
  if (ec) return false;
  std::filesystem::path relative = real_file.lexically_relative(real_folder);
  return !relative.empty() && *relative.begin() != ".." && relative != ".";
}

}  // namespace repro
