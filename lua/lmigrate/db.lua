-- self.db: SQL on one connection. Failures raise lmigrate errors that
-- carry the SQL and the database's own message. On a driver that can
-- wait without blocking (PostgreSQL), a call made inside a coroutine
-- yields ("read"|"write", fd) to the scheduler until the result is ready.
local errors = require("lmigrate.errors")
local core = require("lmigrate.core")

local DB = {}
DB.__index = DB

local M = { class = DB }

function M.new(conn, grammar)
  local driver = conn:driver()
  return setmetatable({
    conn = conn,
    grammar = grammar,
    driver = driver,
    async = driver ~= "sqlite",
    depth = 0,         -- open transactions and savepoints
  }, DB)
end

local function fail(sql, msg, code)
  errors.raise("database", msg, { sql = sql, code = code })
end

local function check_sql(sql, method)
  if type(sql) ~= "string" then
    error("lmigrate: db:" .. method .. " expects SQL text (string), got " .. type(sql), 3)
  end
end

-- sends and waits through the scheduler: -> rows, columns, affected
local function run_async(conn, sql, ...)
  local ok, msg, code = conn:send(sql, ...)
  if not ok then return nil, msg, code end
  while true do
    local state, fd = conn:poll()
    if state == "done" then break end
    if state == nil then return nil, fd end
    coroutine.yield(state, fd)
  end
  return conn:result()
end

local function waits(self)
  return self.async and coroutine.isyieldable()
end

-- db:execute(sql, ...) -> rows affected
function DB:execute(sql, ...)
  check_sql(sql, "execute")
  if waits(self) then
    -- on failure the second and third values are the message and code
    local rows, cols_or_msg, affected_or_code = run_async(self.conn, sql, ...)
    if not rows then fail(sql, cols_or_msg, affected_or_code) end
    return affected_or_code or 0
  end
  local n, msg, code = self.conn:exec(sql, ...)
  if not n then fail(sql, msg, code) end
  return n
end

-- db:query(sql, ...) -> { row, ... }, each row keyed by column name
function DB:query(sql, ...)
  check_sql(sql, "query")
  local rows, msg, code
  if waits(self) then
    rows, msg, code = run_async(self.conn, sql, ...)
  else
    rows, msg, code = self.conn:query(sql, ...)
  end
  if not rows then fail(sql, msg, code) end
  return rows
end

-- db:first(sql, ...) -> the first row, or nil
function DB:first(sql, ...)
  check_sql(sql, "first")
  return self:query(sql, ...)[1]
end

-- the columns of an insert: the first row's keys, in a stable order
local function insert_columns(row)
  local cols = {}
  for k in pairs(row) do
    if type(k) ~= "string" then
      error("lmigrate: db:insert expects rows keyed by column name, got a " .. type(k) .. " key", 4)
    end
    cols[#cols + 1] = k
  end
  if #cols == 0 then error("lmigrate: db:insert expects a row with at least one column", 4) end
  table.sort(cols)
  return cols
end

-- the most parameters one statement takes on SQLite (its default limit)
local MAX_PARAMS = 32766

-- db:insert(table, row | { row, ... }) -> rows inserted
function DB:insert(tbl, rows)
  if type(tbl) ~= "string" then
    error("lmigrate: db:insert expects a table name (string), got " .. type(tbl), 2)
  end
  if type(rows) ~= "table" then
    error("lmigrate: db:insert expects a row or a list of rows (table), got " .. type(rows), 2)
  end
  if rows[1] == nil then rows = { rows } end
  local cols = insert_columns(rows[1])
  local g = self.grammar
  local quoted = {}
  for i, c in ipairs(cols) do quoted[i] = g:quote(c) end
  local head = "INSERT INTO " .. g:quote(tbl) .. " (" .. table.concat(quoted, ", ") .. ") VALUES "
  local tuple = "(" .. string.rep("?", #cols, ", ") .. ")"
  local per = math.max(1, math.min(500, MAX_PARAMS // #cols))
  local null, total = core.null, 0
  local i = 1
  while i <= #rows do
    local last = math.min(#rows, i + per - 1)
    local params, np = {}, 0
    for r = i, last do
      local row = rows[r]
      if type(row) ~= "table" then
        error("lmigrate: db:insert expects rows as tables, row " .. r .. " is a " .. type(row), 2)
      end
      for _, c in ipairs(cols) do
        local v = row[c]
        if v == nil then v = null end
        np = np + 1
        params[np] = v
      end
    end
    local sql = head .. string.rep(tuple, last - i + 1, ", ")
    total = total + self:execute(sql, table.unpack(params, 1, np))
    i = last + 1
  end
  return total
end

function DB:begin()
  if self.depth == 0 then
    self:execute(self.driver == "sqlite" and "BEGIN IMMEDIATE" or "BEGIN")
  else
    self:execute("SAVEPOINT lmigrate_" .. self.depth)
  end
  self.depth = self.depth + 1
end

function DB:commit()
  self.depth = self.depth - 1
  if self.depth == 0 then
    self:execute("COMMIT")
  else
    self:execute("RELEASE SAVEPOINT lmigrate_" .. self.depth)
  end
end

-- rolls back what begin() opened; never raises over the first error
function DB:rollback()
  if self.depth == 0 then return end
  self.depth = self.depth - 1
  local sql = self.depth == 0 and "ROLLBACK"
    or ("ROLLBACK TO SAVEPOINT lmigrate_" .. self.depth)
  pcall(self.execute, self, sql)
  if self.depth > 0 then pcall(self.execute, self, "RELEASE SAVEPOINT lmigrate_" .. self.depth) end
end

-- db:transaction(fn) -> what fn returns; nested calls use savepoints
function DB:transaction(fn)
  if type(fn) ~= "function" then
    error("lmigrate: db:transaction expects a function, got " .. type(fn), 2)
  end
  self:begin()
  local res = table.pack(pcall(fn, self))
  if not res[1] then
    self:rollback()
    error(res[2], 0)
  end
  self:commit()
  return table.unpack(res, 2, res.n)
end

return M
