// Small SQLiteCpp helpers shared by the store's files; not part of the Store's interface.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <optional>
#include <string_view>

#include "harness/util/result.h"

namespace repro::store_internal {

inline std::optional<double> ColumnDouble(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getDouble();
}
inline std::optional<int> ColumnInt(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt();
}

// Resets a cached statement when the scope that used it ends, so no read snapshot stays open.
struct StatementLease {
  explicit StatementLease(SQLite::Statement& s) : statement(s) {}
  ~StatementLease() {
    try {
      statement.reset();
    } catch (const SQLite::Exception&) {
      // reset() reports the error of the last step again; it was handled there.
    }
  }
  SQLite::Statement& statement;
};

inline Error DbError(std::string_view what, const std::exception& e) {
  return Error{fmt::format("database error while {}: {}", what, e.what())};
}

}  // namespace repro::store_internal
