// Where a manifest's setup runs: a copy of the prepared code per setup identity, in the cache
// beside the prepared code, never the shared checkout or the user's folder. Completion is a
// marker file in that copy, so one completion serves every database and results folder; a
// failed setup's copy is removed, so nothing half-made is inherited. Attempts copy from it.
#pragma once

#include <filesystem>
#include <string>

#include "harness/util/result.h"

namespace repro {

class SetupFolder {
 public:
  // The folder of setup "key" under "cache_dir"/prepared, locked against other runners of
  // the same setup (it waits while one is running it).
  static Result<SetupFolder> Lock(const std::filesystem::path& cache_dir, const std::string& key);
  SetupFolder(SetupFolder&& other) noexcept;
  SetupFolder& operator=(SetupFolder&&) = delete;
  SetupFolder(const SetupFolder&) = delete;
  ~SetupFolder();

  const std::filesystem::path& dir() const { return dir_; }
  bool Completed() const;
  // Removes what an earlier, unfinished setup left and copies "code" in afresh.
  Status Fresh(const std::filesystem::path& code);
  Status MarkCompleted();
  // Removes the folder: a failed setup leaves nothing behind.
  void Discard();

 private:
  SetupFolder(std::filesystem::path dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}
  std::filesystem::path dir_;
  int lock_fd_ = -1;
};

}  // namespace repro
