// The machine's capacity and what running attempts hold of it, so the local pool never
// oversubscribes CPUs, memory or GPUs. Pure bookkeeping: no processes here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace repro {

struct ResourceRequest {
  int cpus = 1;
  int64_t memory_bytes = 0;  // 0: not declared
  int gpus = 0;
};

struct Capacity {
  int cpus = 1;
  int64_t memory_bytes = 0;          // 0: unlimited
  std::vector<std::string> gpu_ids;  // as CUDA_VISIBLE_DEVICES names them
};

// This machine: online CPUs, MemTotal, and GPUs from CUDA_VISIBLE_DEVICES when set, else
// from `nvidia-smi -L` when it exists.
Capacity DetectCapacity();

class ResourcePool {
 public:
  explicit ResourcePool(Capacity capacity)
      : capacity_(std::move(capacity)), gpu_free_(capacity_.gpu_ids.size(), true) {}

  // Whether "request" could ever run here; the error says what is missing.
  Status Fits(const ResourceRequest& request) const;

  // Takes the resources and returns the GPU ids handed out, or nullopt when they are not
  // free now. A request larger than the machine's CPUs or memory still runs when nothing
  // else does, so that it is not starved.
  std::optional<std::vector<std::string>> TryAcquire(const ResourceRequest& request);
  void Release(const ResourceRequest& request, const std::vector<std::string>& gpus);

  int running() const { return running_; }
  const Capacity& capacity() const { return capacity_; }

 private:
  Capacity capacity_;
  std::vector<bool> gpu_free_;
  int cpus_used_ = 0;
  int64_t memory_used_ = 0;
  int running_ = 0;
};

}  // namespace repro
