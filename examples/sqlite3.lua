-- sqlite3: an in-memory database filled through a prepared statement, then
-- queried with sqlite3_exec and a Lua row callback, and through a statement.
-- Library: sqlite3 (libsqlite3.so.0). Shows: out-parameters (sqlite3 **,
-- char **), a callback that gets C arrays of strings, NULL as nil, errors.
local alien = require "alien"

alien.cdef [[
  typedef struct sqlite3 sqlite3;
  typedef struct sqlite3_stmt sqlite3_stmt;
  int sqlite3_open(const char *filename, sqlite3 **db);
  int sqlite3_close(sqlite3 *db);
  int sqlite3_exec(sqlite3 *db, const char *sql,
                   int (*row)(void *arg, int n, char **values, char **names), void *arg, char **errmsg);
  void sqlite3_free(void *p);
  int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int nbyte, sqlite3_stmt **stmt, const char **tail);
  int sqlite3_bind_text(sqlite3_stmt *stmt, int i, const char *text, int n, void (*destructor)(void *));
  int sqlite3_bind_int(sqlite3_stmt *stmt, int i, int value);
  int sqlite3_bind_null(sqlite3_stmt *stmt, int i);
  int sqlite3_step(sqlite3_stmt *stmt), sqlite3_reset(sqlite3_stmt *stmt), sqlite3_finalize(sqlite3_stmt *stmt);
  int sqlite3_column_int(sqlite3_stmt *stmt, int col);
  double sqlite3_column_double(sqlite3_stmt *stmt, int col);
  long long sqlite3_last_insert_rowid(sqlite3 *db);
  enum { SQLITE_OK = 0, SQLITE_ERROR = 1, SQLITE_ROW = 100, SQLITE_DONE = 101 };
]]
local sq = alien.load("sqlite3")
local C = alien.constants

-- The handles come back through pointer-to-pointer arguments: a buffer of one pointer.
local out = alien.buffer(alien.sizeof("pointer"))
local function check(rc, what) assert(rc == C.SQLITE_OK, what .. " failed: " .. rc) end
check(sq.sqlite3_open(":memory:", out), "open")
local db = out:get(1, "pointer")
check(sq.sqlite3_exec(db, "create table fruit(name text, qty int, note text)", nil, nil, nil), "create")

-- SQLITE_TRANSIENT is ((void (*)(void *)) -1): sqlite copies the text.
out:set(1, -1, "ptrdiff_t")
local TRANSIENT = out:get(1, "pointer")
check(sq.sqlite3_prepare_v2(db, "insert into fruit values (?, ?, ?)", -1, out, nil), "prepare")
local insert = out:get(1, "pointer")
for _, row in ipairs { { "pear", 5, "ripe" }, { "apple", 3 }, { "fig", 12, "dried" }, { "kiwi", 1 } } do
  sq.sqlite3_bind_text(insert, 1, row[1], -1, TRANSIENT)
  sq.sqlite3_bind_int(insert, 2, row[2])
  if row[3] then sq.sqlite3_bind_text(insert, 3, row[3], -1, TRANSIENT) else sq.sqlite3_bind_null(insert, 3) end
  assert(sq.sqlite3_step(insert) == C.SQLITE_DONE, "insert " .. row[1])
  sq.sqlite3_reset(insert)
end
sq.sqlite3_finalize(insert)
assert(sq.sqlite3_last_insert_rowid(db) == 4, "four rows")

-- The row callback gets char *values[n] and char *names[n]: arrays of strings
-- over the foreign memory. A SQL NULL is a NULL pointer, so nil in Lua.
local seen = {}
local on_row = alien.callback(function(_, n, values, names)
  local vals = alien.array("string", n, alien.buffer(values))
  local cols = alien.array("string", n, alien.buffer(names))
  local parts = {}
  for i = 1, n do parts[i] = cols[i] .. "=" .. tostring(vals[i]) end
  seen[#seen + 1] = table.concat(parts, " ")
  return 0                                       -- non-zero would stop the query
end, "int", "pointer", "int", "pointer", "pointer")
check(sq.sqlite3_exec(db, "select name, qty * 2 as twice, note from fruit where qty > 2 order by name",
  on_row, nil, nil), "select")
for _, line in ipairs(seen) do print("row: " .. line) end
assert(#seen == 3 and seen[1] == "name=apple twice=6 note=nil" and seen[3] == "name=pear twice=10 note=ripe")

-- An aggregate through a statement: step once, read typed columns.
check(sq.sqlite3_prepare_v2(db, "select count(*), sum(qty), avg(qty) from fruit", -1, out, nil), "prepare")
local stmt = out:get(1, "pointer")
assert(sq.sqlite3_step(stmt) == C.SQLITE_ROW, "one row")
local count, total = sq.sqlite3_column_int(stmt, 0), sq.sqlite3_column_int(stmt, 1)
local mean = sq.sqlite3_column_double(stmt, 2)
sq.sqlite3_finalize(stmt)
print(("count %d, total %d, mean %.2f"):format(count, total, mean))
assert(count == 4 and total == 21 and mean == 5.25, "aggregates")

-- Errors: the message comes back through char **errmsg and is sqlite3_free'd.
assert(sq.sqlite3_exec(db, "select * from vegetables", nil, nil, out) == C.SQLITE_ERROR)
local msg = out:get(1, "pointer")
print("expected error: " .. alien.tostring(msg))
assert(alien.tostring(msg) == "no such table: vegetables")
sq.sqlite3_free(msg)
check(sq.sqlite3_close(db), "close")
