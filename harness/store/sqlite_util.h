// Small SQLiteCpp helpers shared by the store's files; not part of the Store's interface.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>

#include "harness/util/outcome.h"
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

// A status or flag name read back. A name this repro does not know (a newer repro's, or an
// edited database's) is an error that names it, never a guess; thrown as SQLite's exception,
// so every read's handler reports it with what was being read.
inline AttemptStatus ColumnStatus(const SQLite::Column& column) {
  std::string name = column.getString();
  if (std::optional<AttemptStatus> status = ParseAttemptStatus(name)) return *status;
  throw SQLite::Exception(fmt::format("the status '{}' is not one this repro knows (written by a newer repro?)", name));
}
inline ValueFlag ColumnFlag(const SQLite::Column& column) {
  std::string name = column.getString();
  if (std::optional<ValueFlag> flag = ParseValueFlag(name)) return *flag;
  throw SQLite::Exception(
      fmt::format("the value flag '{}' is not one this repro knows (written by a newer repro?)", name));
}

// Binds a status or flag by its name: the names are literals, so no copy is needed.
template <typename Enum>
void BindName(SQLite::Statement& statement, int index, Enum value) {
  statement.bindNoCopy(index, Name(value).data());
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

// A damaged file is found where a read meets the damage (the Store does not read every page
// at open: on a lab's store that alone took longer than the whole of `repro compare`); this
// says so and what to do, or is empty for other errors.
inline std::string_view DamageHint(const std::exception& e) {
  const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
  int code = sqlite ? (sqlite->getErrorCode() & 0xff) : SQLITE_OK;
  if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB) return "";
  return ": the database is damaged; restore it from a backup or move it aside";
}

inline Error DbError(std::string_view what, const std::exception& e) {
  return Error{fmt::format("database error while {}: {}{}", what, e.what(), DamageHint(e))};
}

}  // namespace repro::store_internal
