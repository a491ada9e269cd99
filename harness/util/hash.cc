#include "harness/util/hash.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <vector>

namespace repro {

struct Sha256::Impl {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) { EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr); }
Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) { EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size()); }

std::string Sha256::HexDigest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(impl_->ctx.get(), digest.data(), &size);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(2 * size, '0');
  for (unsigned int i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4];
    hex[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
  return hex;
}

namespace {

Status HashFileInto(const std::filesystem::path& path, Sha256& sha) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read {}", path.string())};
  // Left uninitialised: a report hashes tens of thousands of small logs, and zeroing 64 KiB
  // for each cost more than hashing them.
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.Update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return Error{fmt::format("error while reading {}", path.string())};
  return Status::Ok();
}

bool IsSkippedName(const std::string& name) { return (!name.empty() && name[0] == '.') || name == "__pycache__"; }

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.HexDigest();
}

Result<std::string> Sha256File(const std::filesystem::path& path) {
  Sha256 sha;
  if (Status status = HashFileInto(path, sha); !status) return Error{status.error()};
  return sha.HexDigest();
}

Result<std::string> Sha256Tree(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) return Error{fmt::format("cannot list {}: {}", dir.string(), ec.message())};
  for (; it != end; it.increment(ec)) {
    if (ec) return Error{fmt::format("cannot list {}: {}", dir.string(), ec.message())};
    if (IsSkippedName(it->path().filename().string())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec) || it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  Sha256 sha;
  for (const fs::path& file : files) {
    std::string relative = fs::relative(file, dir).generic_string();
    sha.Update(relative);
    sha.Update(std::string_view("\0", 1));
    if (fs::is_symlink(file)) {
      sha.Update("symlink:" + fs::read_symlink(file).string());
    } else if (Status status = HashFileInto(file, sha); !status) {
      return Error{status.error()};
    }
    sha.Update(std::string_view("\0", 1));
  }
  return sha.HexDigest();
}

}  // namespace repro
