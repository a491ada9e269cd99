#include "harness/metrics/tensorboard.h"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <optional>

namespace repro {
namespace {

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;  // Castagnoli, reflected
    table[i] = crc;
  }
  return table;
}

template <typename T>
T ReadLittleEndian(std::string_view bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));  // x86 and arm64 are little-endian
  return value;
}

// A cursor over protocol-buffer wire format; fails softly on malformed input.
class Wire {
 public:
  explicit Wire(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return position_ >= bytes_.size(); }

  bool Varint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && position_ < bytes_.size(); shift += 7) {
      auto byte = static_cast<uint8_t>(bytes_[position_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }

  // Reads a field key; "payload" is set for length-delimited fields, "scalar" otherwise.
  bool Next(uint32_t& field, uint32_t& wire_type, std::string_view& payload, uint64_t& scalar) {
    uint64_t key = 0;
    if (!Varint(key)) return false;
    field = static_cast<uint32_t>(key >> 3);
    wire_type = static_cast<uint32_t>(key & 7);
    switch (wire_type) {
      case 0:
        return Varint(scalar);
      case 1:
        return Fixed(8, scalar);
      case 5:
        return Fixed(4, scalar);
      case 2: {
        uint64_t length = 0;
        if (!Varint(length) || length > bytes_.size() - position_) return false;
        payload = bytes_.substr(position_, length);
        position_ += length;
        return true;
      }
      default:
        return false;
    }
  }

 private:
  bool Fixed(size_t size, uint64_t& value) {
    if (bytes_.size() - position_ < size) return false;
    value = size == 8 ? ReadLittleEndian<uint64_t>(bytes_, position_) : ReadLittleEndian<uint32_t>(bytes_, position_);
    position_ += size;
    return true;
  }
  std::string_view bytes_;
  size_t position_ = 0;
};

double AsFloat(uint64_t bits) {
  float value;
  auto narrow = static_cast<uint32_t>(bits);
  std::memcpy(&value, &narrow, 4);
  return value;
}

double AsDouble(uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, 8);
  return value;
}

// A scalar TensorProto: dtype 1 (DT_FLOAT) or 2 (DT_DOUBLE), in float_val, double_val or
// tensor_content.
std::optional<double> TensorScalar(std::string_view tensor) {
  Wire wire(tensor);
  uint32_t field = 0, type = 0;
  std::string_view payload;
  uint64_t scalar = 0, dtype = 0;
  std::optional<double> value;
  std::string_view content;
  while (!wire.done() && wire.Next(field, type, payload, scalar)) {
    if (field == 1 && type == 0) dtype = scalar;
    if (field == 4 && type == 2) content = payload;
    if (field == 5 && type == 5) value = AsFloat(scalar);  // float_val
    if (field == 5 && type == 2 && payload.size() >= 4)
      value = AsFloat(ReadLittleEndian<uint32_t>(payload, 0));  // packed
    if (field == 6 && type == 1) value = AsDouble(scalar);      // double_val
    if (field == 6 && type == 2 && payload.size() >= 8) value = AsDouble(ReadLittleEndian<uint64_t>(payload, 0));
  }
  if (!value && dtype == 1 && content.size() == 4) value = AsFloat(ReadLittleEndian<uint32_t>(content, 0));
  if (!value && dtype == 2 && content.size() == 8) value = AsDouble(ReadLittleEndian<uint64_t>(content, 0));
  return value;
}

// The value of Summary.Value "value" if its tag is "tag".
std::optional<double> SummaryValue(std::string_view value, const std::string& tag) {
  Wire wire(value);
  uint32_t field = 0, type = 0;
  std::string_view payload;
  uint64_t scalar = 0;
  bool tag_matches = false;
  std::optional<double> result;
  while (!wire.done() && wire.Next(field, type, payload, scalar)) {
    if (field == 1 && type == 2) tag_matches = payload == tag;               // tag
    if (field == 2 && type == 5) result = AsFloat(scalar);                   // simple_value
    if (field == 8 && type == 2 && !result) result = TensorScalar(payload);  // tensor
  }
  return tag_matches ? result : std::nullopt;
}

void ReadEvent(std::string_view event, const std::string& tag, const EmitObservation& emit) {
  Wire wire(event);
  uint32_t field = 0, type = 0;
  std::string_view payload, summary;
  uint64_t scalar = 0;
  int64_t step = 0;
  while (!wire.done() && wire.Next(field, type, payload, scalar)) {
    if (field == 2 && type == 0) step = static_cast<int64_t>(scalar);  // step
    if (field == 5 && type == 2) summary = payload;                    // summary
  }
  Wire values(summary);
  while (!values.done() && values.Next(field, type, payload, scalar)) {
    if (field != 1 || type != 2) continue;
    if (std::optional<double> value = SummaryValue(payload, tag)) {
      Observation o;
      o.step = step;
      o.value = *value;
      if (!std::isfinite(o.value)) {
        o.flag = ValueFlag::kNonFinite;
        o.text = fmt::format("{}", o.value);
      }
      emit(std::move(o));
    }
  }
}

}  // namespace

uint32_t Crc32c(std::string_view bytes) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  uint32_t crc = 0xFFFFFFFFu;
  for (char c : bytes) crc = table[(crc ^ static_cast<uint8_t>(c)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

uint32_t MaskedCrc32c(std::string_view bytes) {
  uint32_t crc = Crc32c(bytes);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

EventFileResult ReadEventFile(std::string_view bytes, const std::string& tag, const EmitObservation& emit) {
  EventFileResult result;
  size_t offset = 0;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < 12) {
      result.warning = fmt::format("truncated record header at byte {} (the writer may have been killed)", offset);
      break;
    }
    auto length = ReadLittleEndian<uint64_t>(bytes, offset);
    if (MaskedCrc32c(bytes.substr(offset, 8)) != ReadLittleEndian<uint32_t>(bytes, offset + 8)) {
      result.warning = fmt::format("record length CRC mismatch at byte {}; the rest of the file is skipped", offset);
      break;
    }
    if (length > bytes.size() - offset - 12 || bytes.size() - offset - 12 - length < 4) {
      result.warning = fmt::format("truncated record at byte {} (the writer may have been killed)", offset);
      break;
    }
    std::string_view data = bytes.substr(offset + 12, length);
    if (MaskedCrc32c(data) != ReadLittleEndian<uint32_t>(bytes, offset + 12 + length)) {
      result.warning = fmt::format("record data CRC mismatch at byte {}; the rest of the file is skipped", offset);
      break;
    }
    ReadEvent(data, tag, emit);
    ++result.records;
    offset += 12 + length + 4;
  }
  return result;
}

}  // namespace repro
