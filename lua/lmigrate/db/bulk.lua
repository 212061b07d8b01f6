-- db:insert, prepared and batched, and on a driver that has COPY FROM STDIN
-- (PostgreSQL) a COPY that a seeder's inserts may keep open while it builds
-- its next rows; on MySQL, inside a transaction, a LOAD DATA LOCAL INFILE of
-- the rows from memory. The methods here join the DB class of db/init.lua.
local errors = require("lmigrate.errors")
local core = require("lmigrate.core")
local scheduler = require("lmigrate.run.scheduler")
local statements = require("lmigrate.db.statements")

local DB = {}

-- rows per statement of a bulk insert: the size that measured fastest
-- (bench/README.md, seeding), within SQLite's 32766 parameters
local CHUNK = 200
local MAX_PARAMS = 32766
-- on PostgreSQL, an insert of at least this many rows goes through COPY
-- (in a seeder, every one does: see DB:defer_copies)
local COPY_MIN = 100
-- rows encoded at a time for COPY, and bytes queued before waiting for
-- the server to take them
local COPY_ROWS = 10000
local COPY_QUEUE = 1 << 20
-- on MySQL, an insert of at least this many rows inside a transaction goes
-- through LOAD DATA LOCAL INFILE (measured faster from there: bench/README.md),
-- LOAD_ROWS rows a statement
local LOAD_MIN = 100
local LOAD_ROWS = 10000
-- the server refuses LOCAL INFILE (local_infile = OFF): MariaDB 10.5's
-- ER_LOAD_INFILE_CAPABILITY_DISABLED, ER_NOT_ALLOWED_COMMAND (older MariaDB,
-- MySQL 5.7), MySQL 8's ER_CLIENT_LOCAL_FILES_DISABLED, and the refusal of
-- MySQL 8's client library
local LOAD_REFUSED = { [4166] = true, [1148] = true, [3948] = true, [2068] = true }

local function insert_error(level, msg)
  error("lmigrate: db:insert " .. msg, level + 1)
end

-- waits for the socket the way the connection's queries do: through the
-- scheduler inside a coroutine, else in core.wait
local function wait(self, mode, fd)
  if self:waits() then scheduler.wait(mode, fd) else core.wait({ [fd] = mode }) end
end

-- the statement as errors show it: the placeholders of one row, not of all
local function shown(head, tuple, nrows)
  if nrows == 1 then return head .. tuple end
  return ("%s%s, ... (%d rows)"):format(head, tuple, nrows)
end

-- INSERT statements: one prepared for all the full chunks, the rest in one
-- more statement; without a connection (pretend), every chunk through
-- execute
local function insert_rows(self, tbl, cols, rows, first, n)
  local g = self.grammar
  local quoted = {}
  for i, c in ipairs(cols) do quoted[i] = g:quote(c) end
  local head = "INSERT INTO " .. g:quote(tbl) .. " (" .. table.concat(quoted, ", ") .. ") VALUES "
  local tuple = "(" .. string.rep("?", #cols, ", ") .. ")"
  local per = math.max(1, math.min(CHUNK, MAX_PARAMS // #cols))
  local total, i = 0, first
  if self.conn and n - first + 1 >= per then
    local sql = head .. string.rep(tuple, per, ", ")
    self:flush()
    local stmt <close>, msg, code, errno = self.conn:prepare(sql)
    if not stmt then self:fail(shown(head, tuple, per), msg, code, errno) end
    while i + per - 1 <= n do
      local k
      k, msg, code, errno = stmt:exec_rows(cols, rows, i, i + per - 1)
      if not k then self:fail(shown(head, tuple, per), msg, code, errno) end
      total = total + k
      i = i + per
    end
  end
  while i <= n do
    local last = math.min(n, i + per - 1)
    local sql = head .. string.rep(tuple, last - i + 1, ", ")
    local ok, k = pcall(self.execute, self, sql, core.row_values(cols, rows, i, last))
    if not ok then
      if errors.is(k) then k.sql = shown(head, tuple, last - i + 1) end
      error(k, 0)
    end
    total = total + k
    i = last + 1
  end
  return total
end

-- the insert that sent line 'line' of the open COPY -> site, row in it
local function copy_origin(cp, line)
  local before = 0
  for _, site in ipairs(cp.sites) do
    if line <= before + site.rows then return site, line - before end
    before = before + site.rows
  end
  return nil
end

-- ends the open COPY ('why': aborts it) -> rows copied | nil, msg, code
local function copy_end(self, why)
  local conn = self.conn
  local res, a, b = conn:copy_end(why)
  while type(res) == "string" do
    wait(self, res, a)
    res, a, b = conn:copy_end()
  end
  return res, a, b
end

-- Sends what the open COPY queued; waits while the server is behind.
local function copy_drain(self)
  local cp, conn = self.copying, self.conn
  local ok, fd = conn:copy_flush()
  while ok == "write" do
    wait(self, ok, fd)
    ok, fd = conn:copy_flush()
  end
  if not ok then
    self.copying = nil
    self:fail(cp.sql, fd)
  end
  cp.queued = 0
end

-- db:finish_copy(): ends the COPY that inserts left open, raising its
-- failure (named after the insert its rows came from) -> rows copied
function DB:finish_copy()
  local cp = self.copying
  if not cp then return 0 end
  self.copying = nil
  local n, msg, code = copy_end(self)
  if n then return n end
  -- the server's context says "COPY t, line 12[, column c: ...]"
  local line = tonumber(tostring(msg):match("COPY [^,%]]*, line (%d+)"))
  local site, row
  if line then site, row = copy_origin(cp, line) end
  if not site and #cp.sites == 1 then site = cp.sites[1] end
  if site then
    msg = ("%s, in %sthe rows of db:insert at %s"):format(msg,
      row and ("row " .. row .. " of ") or "", site.where)
  end
  errors.raise("database", msg, { sql = cp.sql, code = errors.code(self.driver, code),
    insert_file = site and site.file, insert_line = site and site.line })
end

-- db:abort_copy(): aborts the open COPY: its rows go with the transaction
function DB:abort_copy()
  if not self.copying then return end
  self.copying = nil
  pcall(copy_end, self, "lmigrate: rolled back")
end

-- db:defer_copies(on) -> the previous setting. On, a COPY stays open after
-- the insert that began it, for the next insert into the same table and
-- columns to join; the server loads rows while the caller makes the next
-- ones. Any other statement ends it first, so the order of statements
-- holds; a failure in its rows is raised then (seeders turn it on).
function DB:defer_copies(on)
  local was = self.defer or false
  self.defer = on and true or false
  return was
end

-- the caller of db:insert, for errors raised after it returned
local function call_site(level)
  local info = debug.getinfo(level + 1, "Sl")
  if not info then return "?", nil, "?" end
  local file = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
  return file, info.currentline, file .. ":" .. tostring(info.currentline)
end

-- COPY rows[1..n] into tbl, leaving the COPY open -> n, or the rows
-- copied and the first one not, when a value cannot go through text COPY
-- (a string with a NUL byte: the rest goes through INSERT)
local function copy_rows(self, tbl, cols, rows, n)
  local conn = self.conn
  local key = tbl .. "\0" .. table.concat(cols, "\0")
  -- encoded before anything is sent: a value COPY cannot take means INSERT
  local data = core.copy_encode(cols, rows, 1, math.min(n, COPY_ROWS))
  if not data then return 0, 1 end
  local cp = self.copying
  if cp and cp.key ~= key then
    self:finish_copy()
    cp = nil
  end
  if not cp then
    local g = self.grammar
    local quoted = {}
    for i, c in ipairs(cols) do quoted[i] = g:quote(c) end
    local sql = "COPY " .. g:quote(tbl) .. " (" .. table.concat(quoted, ", ") .. ") FROM STDIN"
    local ok, msg, code = conn:copy_begin(sql)
    if not ok then self:fail(sql, msg, code) end
    cp = { key = key, sql = sql, sites = {}, queued = 0 }
    self.copying = cp
  end
  -- where the rows come from, for a failure raised after this returns;
  -- single-row inserts from one line share an entry
  local file, line, where = call_site(3)
  local site = cp.sites[#cp.sites]
  if not (site and site.where == where and n == 1 and site.single) then
    site = { file = file, line = line, where = where, rows = 0, single = n == 1 }
    cp.sites[#cp.sites + 1] = site
  end
  local i = 1
  while true do
    local last = math.min(n, i + COPY_ROWS - 1)
    if i > 1 then
      data = core.copy_encode(cols, rows, i, last)
      if not data then return i - 1, i end
    end
    local ok, msg = conn:copy_put(data)
    if not ok then
      self.copying = nil
      self:fail(cp.sql, msg)
    end
    site.rows = site.rows + (last - i + 1)
    cp.queued = cp.queued + #data
    if cp.queued >= COPY_QUEUE then copy_drain(self) end
    if last >= n then return n end
    i = last + 1
  end
end

-- {======================================================
-- MySQL: LOAD DATA LOCAL INFILE of the rows, from memory (src/driver/my_infile.c)
-- ======================================================

-- the statement; its file is core.copy_encode(..., "mysql"). The hex
-- literals read the same with or without NO_BACKSLASH_ESCAPES, which would
-- change the default ESCAPED BY.
local function load_sql(self, tbl, cols)
  local g = self.grammar
  local quoted = {}
  for i, c in ipairs(cols) do quoted[i] = g:quote(c) end
  return "LOAD DATA LOCAL INFILE 'lmigrate' INTO TABLE " .. g:quote(tbl)
    .. " CHARACTER SET utf8mb4 FIELDS TERMINATED BY X'09' ENCLOSED BY '' ESCAPED BY X'5C'"
    .. " LINES TERMINATED BY X'0A' (" .. table.concat(quoted, ", ") .. ")"
end

local function load_shown(sql, nrows)
  return ("%s (%d rows)"):format(sql, nrows)
end

-- one LOAD DATA of 'data' -> rows loaded, warnings | nil, msg, code, errno
local function load_run(self, sql, data)
  local conn = self.conn
  local ok, msg, code, errno = conn:load_begin(sql, data)
  if not ok then return nil, msg, code, errno end
  local res, a, b, c = conn:load_end()
  while type(res) == "string" do
    wait(self, res, a)
    res, a, b, c = conn:load_end()
  end
  return res, a, b, c
end

-- With LOCAL the server makes warnings of what an INSERT's errors would be
-- (a duplicate key, a value that does not fit): the first warning that is
-- not a note is raised as the insert's error, with its SQLSTATE, as the
-- INSERT would have failed; so is a count of rows that is not the rows sent
-- (the caller's transaction takes the rows back).
local function load_check(self, sql, sent, loaded, warnings)
  local what = load_shown(sql, sent)
  if warnings > 0 then
    local list = self:query("SHOW WARNINGS")
    for k, w in ipairs(list) do
      if w.Level ~= "Note" then
        -- a server without GET DIAGNOSTICS (before MySQL 5.6) gives no SQLSTATE
        local ok, st = pcall(self.query, self, ("GET DIAGNOSTICS CONDITION %d"
          .. " @lmigrate_sqlstate = RETURNED_SQLSTATE; SELECT @lmigrate_sqlstate AS state"):format(k))
        st = ok and st[1] and st[1].state
        self:fail(what, w.Message, type(st) == "string" and st or "HY000", w.Code)
      end
    end
    if warnings > #list then
      self:fail(what, ("LOAD DATA gave %d warnings, past the %d the server keeps (max_error_count)")
        :format(warnings, #list))
    end
  end
  if loaded ~= sent then
    self:fail(what, ("LOAD DATA loaded %d of the %d rows sent"):format(loaded, sent))
  end
end

-- LOAD DATA rows[1..n] into tbl -> n, or the rows loaded and the first row
-- not, when a value cannot go through LOAD DATA (NaN) or the server
-- refuses LOCAL INFILE (then never asked again on this connection): the
-- rest goes through INSERT
local function load_rows(self, tbl, cols, rows, n)
  local sql = load_sql(self, tbl, cols)
  local i = 1
  while i <= n do
    local last = math.min(n, i + LOAD_ROWS - 1)
    local data = core.copy_encode(cols, rows, i, last, "mysql")
    if not data then return i - 1, i end
    local k, w, code, errno = load_run(self, sql, data)
    if not k and LOAD_REFUSED[math.tointeger(errno)] then
      self.load_refused = true
      return i - 1, i
    end
    if not k then self:fail(load_shown(sql, last - i + 1), w, code, errno) end
    if w > 0 or k ~= last - i + 1 then load_check(self, sql, last - i + 1, k, w) end
    i = last + 1
  end
  return n
end

-- whether db:insert of n rows loads them: a driver with LOAD DATA, n rows
-- or more, a transaction open, which a failure found after the load (a
-- warning) rolls back, and a strict sql_mode: there an INSERT fails on
-- what the load only warns of, so raising the load's first warning is what
-- the INSERTs would do; in a loose mode (Laravel's strict = false) they
-- store it with a warning, and the INSERTs stay. Sends what is held back,
-- to ask the server
local function loads(self, n)
  local conn = self.conn
  if not (conn and n >= LOAD_MIN and not self.load_refused and conn:supports("load")) then
    return false
  end
  self:flush()
  if conn:in_transaction() ~= true then return false end
  local mode = self:first("SELECT @@SESSION.sql_mode AS m").m
  return type(mode) == "string" and (mode:find("STRICT_TRANS_TABLES", 1, true)
    or mode:find("STRICT_ALL_TABLES", 1, true)) ~= nil
end

-- }======================================================

-- db:insert(table, row | { row, ... }) -> rows inserted (Laravel's
-- DB::insert(sql, bindings) too: db/statements.lua). The columns are
-- every key of every row; a column a row lacks is NULL (lmigrate.null).
-- An empty list inserts nothing and returns 0, as Laravel's insert([]).
-- db.on_rows(n), when set (a seeder's progress line), hears of each insert
local function counted(self, n)
  if self.on_rows then self.on_rows(n) end
  return n
end

function DB:insert(tbl, rows, ...)
  if statements.is_sql(tbl) then return statements.insert_sql(self, tbl, rows, ...) end
  if type(tbl) ~= "string" then
    insert_error(2, "expects a table name (string), got " .. type(tbl))
  end
  if type(rows) ~= "table" then
    insert_error(2, "expects a row or a list of rows (table), got " .. type(rows))
  end
  if rows[1] == nil then
    if next(rows) == nil then return 0 end
    rows = { rows }
  end
  if self.statements then self.statements = self.statements + 1 end
  local cols = core.insert_columns(rows)
  local n = #rows
  if self.conn and self.conn:supports("copy")
      and (n >= COPY_MIN or self.defer or self.copying) then
    local done, from = copy_rows(self, tbl, cols, rows, n)
    if done == n then
      if not self.defer then return counted(self, self:finish_copy()) end
      return counted(self, n)
    end
    -- a value text COPY cannot carry: INSERT the rest after what was copied
    self:finish_copy()
    local rest = insert_rows(self, tbl, cols, rows, from, n)
    return counted(self, done + rest)
  end
  if self.copying then self:finish_copy() end
  if loads(self, n) then
    local done, from = load_rows(self, tbl, cols, rows, n)
    if done == n then return counted(self, n) end
    return counted(self, done + insert_rows(self, tbl, cols, rows, from, n))
  end
  local k = insert_rows(self, tbl, cols, rows, 1, n)
  return counted(self, k)
end

return DB
