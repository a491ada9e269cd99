// A folder of this process's own under the temporary directory (mkdtemp: mode 0700, a fresh
// name), removed with everything in it when the object goes. Empty path() when none could
// be made.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace repro {

class PrivateFolder {
 public:
  // "prefix" names the folder for a person who finds it ("repro-pdf" -> /tmp/repro-pdf-Ab12Cd).
  explicit PrivateFolder(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~PrivateFolder() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace repro
