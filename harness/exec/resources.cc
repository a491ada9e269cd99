#include "harness/exec/resources.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace repro {
namespace {

int64_t MemTotalBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  while (in >> key >> kib) {
    if (key == "MemTotal:") return kib * 1024;
    in.ignore(256, '\n');
  }
  return 0;
}

std::vector<std::string> SplitIds(const std::string& list) {
  std::vector<std::string> ids;
  std::stringstream stream(list);
  for (std::string id; std::getline(stream, id, ',');) {
    if (!id.empty()) ids.push_back(id);
  }
  return ids;
}

// GPU indices from `nvidia-smi -L` ("GPU 0: NVIDIA A100 (UUID: ...)"), when it exists.
std::vector<std::string> NvidiaSmiIds() {
  std::vector<std::string> ids;
  if (::access("/usr/bin/nvidia-smi", X_OK) != 0) return ids;
  FILE* pipe = ::popen("/usr/bin/nvidia-smi -L 2>/dev/null", "r");
  if (pipe == nullptr) return ids;
  char line[512];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    int index = 0;
    if (std::sscanf(line, "GPU %d:", &index) == 1) ids.push_back(std::to_string(index));
  }
  ::pclose(pipe);
  return ids;
}

}  // namespace

Capacity DetectCapacity() {
  Capacity capacity;
  capacity.cpus = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  capacity.memory_bytes = MemTotalBytes();
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) {
    capacity.gpu_ids = SplitIds(visible);
  } else {
    capacity.gpu_ids = NvidiaSmiIds();
  }
  return capacity;
}

Status ResourcePool::Fits(const ResourceRequest& request) const {
  if (request.gpus > static_cast<int>(capacity_.gpu_ids.size())) {
    return Error{fmt::format("needs {} GPU(s); this machine offers {} (CUDA_VISIBLE_DEVICES or nvidia-smi)",
                             request.gpus, capacity_.gpu_ids.size())};
  }
  return Status::Ok();
}

std::optional<std::vector<std::string>> ResourcePool::TryAcquire(const ResourceRequest& request) {
  if (!Fits(request).ok()) return std::nullopt;
  bool alone = running_ == 0;
  if (!alone && cpus_used_ + request.cpus > capacity_.cpus) return std::nullopt;
  if (!alone && capacity_.memory_bytes > 0 && memory_used_ + request.memory_bytes > capacity_.memory_bytes)
    return std::nullopt;
  std::vector<size_t> picked;
  for (size_t i = 0; i < gpu_free_.size() && static_cast<int>(picked.size()) < request.gpus; ++i) {
    if (gpu_free_[i]) picked.push_back(i);
  }
  if (static_cast<int>(picked.size()) < request.gpus) return std::nullopt;
  std::vector<std::string> gpus;
  for (size_t i : picked) {
    gpu_free_[i] = false;
    gpus.push_back(capacity_.gpu_ids[i]);
  }
  cpus_used_ += request.cpus;
  memory_used_ += request.memory_bytes;
  ++running_;
  return gpus;
}

void ResourcePool::Release(const ResourceRequest& request, const std::vector<std::string>& gpus) {
  cpus_used_ -= request.cpus;
  memory_used_ -= request.memory_bytes;
  --running_;
  for (const std::string& id : gpus) {
    for (size_t i = 0; i < capacity_.gpu_ids.size(); ++i) {
      if (capacity_.gpu_ids[i] == id) gpu_free_[i] = true;
    }
  }
}

}  // namespace repro
