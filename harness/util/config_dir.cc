#include "harness/util/config_dir.h"

#include <cstdlib>

namespace repro {

namespace fs = std::filesystem;

fs::path ConfigDir() {
  if (const char* dir = std::getenv("REPRO_CONFIG_DIR"); dir != nullptr && dir[0] != '\0') return dir;
  // Relative to the binary first, so an installed or copied repro finds its own data, not
  // that of a source tree that may be gone or newer.
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate : {self.parent_path().parent_path() / "share" / "repro",  // <prefix>/bin/repro
                                      self.parent_path().parent_path() / "configs"}) {       // <source>/build/repro
      if (fs::is_directory(candidate / "probes", ec)) return candidate;
    }
  }
  return REPRO_CONFIG_DIR_DEFAULT;  // the source tree it was built from
}

fs::path NotebookRunnerPath() { return ConfigDir() / "notebook" / "run_notebook.py"; }

}  // namespace repro
