#include "harness/util/config_dir.h"

#include <cstdlib>
#include <vector>

namespace repro {

namespace fs = std::filesystem;

std::vector<fs::path> ConfigDirCandidates() {
  // Relative to the binary first, so an installed or copied repro finds its own data, not
  // that of a source tree that may be gone or newer; then the source tree it was built from.
  std::vector<fs::path> candidates;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(self.parent_path().parent_path() / "share" / "repro");  // <prefix>/bin/repro
    candidates.push_back(self.parent_path().parent_path() / "configs");          // <source>/build/repro
  }
  candidates.push_back(REPRO_CONFIG_DIR_DEFAULT);
  return candidates;
}

const char* ConfigDirVariable() {
  const char* dir = std::getenv("REPRO_CONFIG_DIR");
  return dir != nullptr && dir[0] != '\0' ? dir : nullptr;
}

fs::path ConfigDir() {
  if (const char* dir = ConfigDirVariable()) return dir;
  std::vector<fs::path> candidates = ConfigDirCandidates();
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    if (fs::is_directory(candidate / "probes", ec)) return candidate;
  }
  return candidates.back();  // the source tree it was built from
}

fs::path NotebookRunnerPath() { return ConfigDir() / "notebook" / "run_notebook.py"; }

}  // namespace repro
