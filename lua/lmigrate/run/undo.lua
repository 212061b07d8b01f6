-- What a statement of a MySQL migration is, and how to undo it: the
-- journal (run/journal.lua) records each statement's inverse as it runs,
-- for `lmigrate rollback --partial`.
--
--   kind(sql)                    "read" | "session" | "tx" | "data" | "ddl"
--   before(db, g, sql)           what the statement is about to destroy (a
--                                table's SHOW CREATE TABLE), read before it runs
--   inverse(g, sql, before)      -> the SQL that undoes it ("" when it changed
--                                nothing) | nil, why not
--   subject(sql), fingerprint(db, g, sql)  the table it changes, and how
--                                that table looks (to tell afterwards whether
--                                a statement whose client died applied)
--
-- Statements are read through core.tokenize by MySQL's rules; the shapes
-- known are the builder's (create/drop/rename table, add/drop/modify/
-- rename column, index, unique, foreign and primary keys, checks) and
-- CREATE INDEX/VIEW/TRIGGER/SEQUENCE. Anything else has no known inverse.
local core = require("lmigrate.core")

local M = {}

local KINDS = {
  SELECT = "read", SHOW = "read", DO = "read", EXPLAIN = "read", DESCRIBE = "read",
  DESC = "read", HELP = "read", VALUES = "read", WITH = "read", TABLE = "read",
  SET = "session", USE = "session",
  BEGIN = "tx", START = "tx", COMMIT = "tx", ROLLBACK = "tx", SAVEPOINT = "tx",
  RELEASE = "tx", XA = "tx",
  INSERT = "data", UPDATE = "data", DELETE = "data", REPLACE = "data", LOAD = "data",
}

-- the tokens of the last statement read: a statement is read several
-- times in a row (its kind, its inverse, its table); nothing changes them.
-- Its first HEAD tokens first: most readings need only the first words
-- (a CREATE TABLE's kind, name and inverse: CREATE TABLE t ( is four),
-- and a token is a table; a Reader that goes past them asks for all
-- (more: some are not read yet).
local HEAD = 6
local last_sql, last_tokens, last_more

local function tokens(sql, all)
  if sql ~= last_sql then
    last_sql = sql
    last_tokens, last_more = core.tokenize(sql, "mysql", HEAD)
  end
  if all and last_more then last_tokens, last_more = core.tokenize(sql, "mysql"), nil end
  return last_tokens, last_more
end

-- the upper-case word of token t, or nil for a quoted name or a punctuation;
-- kept in the token (t.word, false for none): the readers of one statement
-- ask for the same first words many times
local function word(t)
  if not t then return nil end
  local w = t.word
  if w == nil then
    w = t.kind == "id" and t.text == t.name and t.text:upper() or false
    t.word = w
  end
  return w or nil
end

-- kind(sql): "read" (no effect: SELECT, SHOW, DO), "session" (SET, USE),
-- "tx" (transaction control), "data" (INSERT, UPDATE, DELETE, REPLACE,
-- LOAD) or "ddl" (anything else: MySQL commits it on its own)
function M.kind(sql)
  local t = tokens(sql)[1]
  if t and t.text == "(" then return "read" end
  return KINDS[word(t) or ""] or "ddl"
end

-- {======================================================
-- Reading a statement
-- ======================================================

local Reader = {}
Reader.__index = Reader

local function reader(sql)
  local t, more = tokens(sql)
  return setmetatable({ sql = sql, t = t, more = more, i = 1 }, Reader)
end

function Reader:peek(k)
  local i = self.i + (k or 0)
  if i > #self.t and self.more then self.t, self.more = tokens(self.sql, true) end
  return self.t[i]
end

-- takes the words given, in order; false (and moves nothing) unless all are there
function Reader:accept(...)
  local n = select("#", ...)
  for k = 1, n do
    if word(self:peek(k - 1)) ~= select(k, ...) then return false end
  end
  self.i = self.i + n
  return true
end

-- a name (quoted or not) -> its text, or nil
function Reader:name()
  local t = self:peek()
  if t and t.kind == "id" then
    self.i = self.i + 1
    return t.name
  end
  return nil
end

-- the text from the current token up to (not with) the next ',' or the
-- end outside parentheses; moves past the ','
function Reader:clause()
  local depth, first, last = 0, self:peek(), nil
  while self:peek() do
    local t = self:peek()
    if t.text == "(" then depth = depth + 1
    elseif t.text == ")" then depth = depth - 1
    elseif t.text == "," and depth == 0 then self.i = self.i + 1 break end
    last = t
    self.i = self.i + 1
  end
  if not first or not last then return "" end
  return self.sql:sub(first.s, last.e)
end

function Reader:done() return self:peek() == nil end

-- takes a ',' -> whether there was one
function Reader:comma()
  local t = self:peek()
  if t and t.text == "," then
    self.i = self.i + 1
    return true
  end
  return false
end

-- name [, name ...] -> the list (empty when there is no name)
function Reader:names()
  local list = {}
  repeat
    local n = self:name()
    if not n then break end
    list[#list + 1] = n
  until not self:comma()
  return list
end

-- the first words of the clauses of the rest of the statement
function Reader:verbs()
  local verbs = {}
  while not self:done() do
    verbs[#verbs + 1] = word(self:peek()) or ""
    self:clause()
  end
  return verbs
end

-- }======================================================

-- {======================================================
-- What a statement destroys, read before it runs
-- ======================================================

-- the lines of SHOW CREATE TABLE t, without their trailing ','
local function create_lines(db, g, tbl)
  local ok, row = pcall(db.first, db, "SHOW CREATE TABLE " .. g:quote(tbl))
  if not ok or not row then return nil end
  local text = row["Create Table"] or row["Create View"]
  local lines = {}
  for line in tostring(text):gmatch("[^\n]+") do lines[#lines + 1] = line:gsub(",$", "") end
  return { text = text, lines = lines, view = row["Create View"] ~= nil }
end

-- before(db, g, sql) -> { [table] = create_lines } for the tables the
-- statement drops or alters destructively; nil when it destroys nothing
function M.before(db, g, sql)
  local r = reader(sql)
  local tables
  if r:accept("DROP", "TABLE") or r:accept("DROP", "VIEW") then
    r:accept("IF", "EXISTS")
    tables = r:names()
  elseif r:accept("ALTER", "TABLE") then
    local name = r:name()
    for _, verb in ipairs(r:verbs()) do
      if verb == "DROP" or verb == "MODIFY" or verb == "CHANGE" then tables = { name } end
    end
  end
  if not tables or #tables == 0 then return nil end
  local out = {}
  for _, t in ipairs(tables) do out[t] = create_lines(db, g, t) end
  return out
end

-- subject(sql) -> the table (or view) a schema statement changes, by
-- name: CREATE TABLE/VIEW t, CREATE INDEX i ON t, ALTER/DROP TABLE t,
-- DROP INDEX i ON t, RENAME TABLE t TO u; nil for any other statement
function M.subject(sql)
  local r = reader(sql)
  if r:accept("CREATE") then
    r:accept("OR", "REPLACE"); r:accept("TEMPORARY")
    if r:accept("TABLE") or r:accept("VIEW") then
      r:accept("IF", "NOT", "EXISTS")
      return r:name()
    end
    r:accept("UNIQUE"); r:accept("FULLTEXT"); r:accept("SPATIAL")
    if r:accept("INDEX") and r:name() and r:accept("ON") then return r:name() end
    return nil
  end
  if r:accept("DROP", "TABLE") or r:accept("DROP", "VIEW") then
    r:accept("IF", "EXISTS")
    return r:name()
  end
  if r:accept("DROP", "INDEX") then return r:name() and r:accept("ON") and r:name() or nil end
  if r:accept("ALTER", "TABLE") or r:accept("RENAME", "TABLE") then return r:name() end
  return nil
end

-- creates(sql) -> the table a plain CREATE TABLE t (...) makes (not IF
-- NOT EXISTS, OR REPLACE, TEMPORARY): it fails when t exists, so when it
-- applies, t was absent before it ran (its fingerprint is "-" unread)
function M.creates(sql)
  local r = reader(sql)
  if not r:accept("CREATE", "TABLE") then return nil end
  local name, t = r:name(), r:peek()
  if name and t and t.text == "(" then return name end
  return nil
end

-- drops(sql) -> the one table a DROP TABLE [IF EXISTS] t drops (not
-- TEMPORARY, not a list): whether it applied, after a kill, is whether t
-- is gone, so its fingerprint need only say whether t was there ("+")
function M.drops(sql)
  local r = reader(sql)
  if not r:accept("DROP", "TABLE") then return nil end
  r:accept("IF", "EXISTS")
  local name = r:name()
  if name and r:done() then return name end
  return nil
end

-- fingerprint(db, g, sql) -> what the table 'sql' changes looks like now:
-- its SHOW CREATE TABLE without the AUTO_INCREMENT counter, "-" when there
-- is no such table; nil when the statement names none (subject). Taken
-- before a statement and again after a run that stopped in it, it tells
-- whether the statement applied. known: what before() read, if it did.
-- (A row may instead hold "+", the table was there, unread: drops.)
function M.fingerprint(db, g, sql, known)
  local t = M.subject(sql)
  if not t then return nil end
  local info = known and known[t] or create_lines(db, g, t)
  if not info then return "-" end
  return (tostring(info.text):gsub(" AUTO_INCREMENT=%d+", ""))
end

-- }======================================================

-- {======================================================
-- Inverses
-- ======================================================

-- the line of a SHOW CREATE TABLE that starts with 'head' (after its indent)
local function line_of(info, head)
  if not info then return nil end
  for i, line in ipairs(info.lines) do
    local body = line:match("^%s+(.*)$")
    if body and body:sub(1, #head) == head then return body, i end
  end
  return nil
end

-- the column's definition and where it stood: "AFTER `prev`" or "FIRST"
local function column_of(g, info, col)
  local def, i = line_of(info, g:quote(col) .. " ")
  if not def then return nil end
  local prev = info.lines[i - 1] and info.lines[i - 1]:match("^%s+(`.-`) ")
  return def, prev and ("AFTER " .. prev) or "FIRST"
end

local ALTER = {}

-- ADD ...: the inverse drops what it added
function ALTER.ADD(r, g)
  if r:accept("COLUMN") or not word(r:peek()) or not ({ INDEX = 1, KEY = 1, UNIQUE = 1,
      FULLTEXT = 1, SPATIAL = 1, CONSTRAINT = 1, PRIMARY = 1, FOREIGN = 1, CHECK = 1 })[word(r:peek())] then
    local col = r:name()
    if col then return "DROP COLUMN " .. g:quote(col) end
    return nil, "an ADD COLUMN of several columns"
  end
  if r:accept("PRIMARY", "KEY") then return "DROP PRIMARY KEY" end
  local named
  if r:accept("CONSTRAINT") then named = r:name() end
  if r:accept("PRIMARY", "KEY") then return "DROP PRIMARY KEY" end
  if r:accept("FOREIGN", "KEY") then
    local n = named or r:name()
    if n then return "DROP FOREIGN KEY " .. g:quote(n) end
    return nil, "a foreign key without a name"
  end
  if r:accept("CHECK") then
    if named then return "DROP CONSTRAINT " .. g:quote(named) end
    return nil, "a check without a name"
  end
  r:accept("UNIQUE"); r:accept("FULLTEXT"); r:accept("SPATIAL")
  if not r:accept("INDEX") then r:accept("KEY") end
  local n = named or r:name()
  if n then return "DROP INDEX " .. g:quote(n) end
  return nil, "an index without a name"
end

-- DROP ...: the inverse adds back what SHOW CREATE TABLE said before
function ALTER.DROP(r, g, info)
  local what, line
  if r:accept("PRIMARY", "KEY") then
    line = line_of(info, "PRIMARY KEY ")
    what = "the primary key"
  elseif r:accept("FOREIGN", "KEY") then
    local n = r:name()
    line = n and line_of(info, "CONSTRAINT " .. g:quote(n) .. " FOREIGN KEY")
    what = "the foreign key"
  elseif r:accept("INDEX") or r:accept("KEY") then
    local n = r:name()
    for _, kind in ipairs { "KEY ", "UNIQUE KEY ", "FULLTEXT KEY ", "SPATIAL KEY " } do
      line = line or (n and line_of(info, kind .. g:quote(n) .. " "))
    end
    what = "the index"
  elseif r:accept("CONSTRAINT") or r:accept("CHECK") then
    local n = r:name()
    line = n and line_of(info, "CONSTRAINT " .. g:quote(n) .. " ")
    what = "the constraint"
  else
    r:accept("COLUMN")
    local col = r:name()
    local def, pos = column_of(g, info, col or "")
    if def then return "ADD COLUMN " .. def .. " " .. pos, "its values are lost" end
    return nil, "the dropped column's definition was not found"
  end
  if line then return "ADD " .. line end
  return nil, "the definition of " .. what .. " was not found"
end

function ALTER.MODIFY(r, g, info)
  r:accept("COLUMN")
  local col = r:name()
  local def = col and column_of(g, info, col)
  if def then return "MODIFY COLUMN " .. def end
  return nil, "the column's former definition was not found"
end

function ALTER.CHANGE(r, g, info)
  r:accept("COLUMN")
  local old, new = r:name(), r:name()
  local def = old and column_of(g, info, old)
  if def and new then return "CHANGE COLUMN " .. g:quote(new) .. " " .. def end
  return nil, "the column's former definition was not found"
end

function ALTER.RENAME(r, g)
  for _, what in ipairs { "COLUMN", "INDEX", "KEY" } do
    if r:accept(what) then
      local from = r:name()
      local to = r:accept("TO") and r:name()
      if from and to then return ("RENAME %s %s TO %s"):format(what, g:quote(to), g:quote(from)) end
      return nil, "a rename it could not read"
    end
  end
  return nil, "a rename of the table inside ALTER TABLE"
end

-- ALTER TABLE t c1, c2, ...: each clause undone, in reverse order
local function alter_inverse(r, g, before)
  local tbl = r:name()
  if not tbl then return nil, "an ALTER TABLE it could not read" end
  local info = before and before[tbl]
  local undo, notes = {}, {}
  while not r:done() do
    local text = r:clause()
    local cr = reader(text)
    local verb = word(cr:peek())
    local fn = verb and ALTER[verb]
    if not fn then return nil, "no known inverse for " .. text end
    cr.i = cr.i + 1
    local inv, note = fn(cr, g, info)
    if not inv then return nil, note end
    table.insert(undo, 1, inv)
    if note then notes[#notes + 1] = note end
  end
  return "ALTER TABLE " .. g:quote(tbl) .. " " .. table.concat(undo, ", "),
    #notes > 0 and table.concat(notes, "; ") or nil
end

-- DROP TABLE/VIEW a, b: each created again from what it was, the last first
local function drop_inverse(r, before, view)
  local if_exists = r:accept("IF", "EXISTS")
  local list, names = {}, r:names()
  for _, name in ipairs(names) do
    local info = before and before[name]
    if info then table.insert(list, 1, info.text)
    elseif not if_exists then
      return nil, "the definition of " .. name .. " was not read before the drop"
    end
  end
  if #names == 0 then return nil, "a DROP it could not read" end
  if #list == 0 then return "" end  -- IF EXISTS, and none was there: nothing to undo
  return table.concat(list, ";\n"), not view and "created again empty: the rows are lost" or nil
end

local function create_inverse(r, g)
  if r:accept("OR", "REPLACE") then return nil, "it may have replaced what was there" end
  r:accept("TEMPORARY")
  for _, kind in ipairs { "TABLE", "VIEW", "TRIGGER", "SEQUENCE" } do
    if r:accept(kind) then
      if r:accept("IF", "NOT", "EXISTS") then
        return nil, "IF NOT EXISTS: what it found may have been there before"
      end
      local name = r:name()
      if name then return ("DROP %s %s"):format(kind, g:quote(name)) end
    end
  end
  r:accept("UNIQUE"); r:accept("FULLTEXT"); r:accept("SPATIAL")
  if r:accept("INDEX") then
    local name = r:name()
    local tbl = r:accept("ON") and r:name()
    if name and tbl then return ("DROP INDEX %s ON %s"):format(g:quote(name), g:quote(tbl)) end
  end
  return nil, "no known inverse"
end

local function rename_inverse(r, g)
  local undo = {}
  repeat
    local from = r:name()
    local to = r:accept("TO") and r:name()
    if not (from and to) then return nil, "a RENAME TABLE it could not read" end
    table.insert(undo, 1, g:quote(to) .. " TO " .. g:quote(from))
  until not r:comma()
  return "RENAME TABLE " .. table.concat(undo, ", ")
end

-- inverse(g, sql, before) -> the SQL that undoes sql | nil, why not; a
-- second value with the inverse says what it cannot bring back
function M.inverse(g, sql, before)
  local k = M.kind(sql)
  if k == "data" then return nil, "a data statement: its changes stay" end
  local r = reader(sql)
  if r:accept("CREATE") then return create_inverse(r, g)
  elseif r:accept("DROP", "TABLE") then return drop_inverse(r, before, false)
  elseif r:accept("DROP", "VIEW") then return drop_inverse(r, before, true)
  elseif r:accept("RENAME", "TABLE") then return rename_inverse(r, g)
  elseif r:accept("ALTER", "TABLE") then return alter_inverse(r, g, before)
  elseif r:accept("TRUNCATE") then return nil, "TRUNCATE: the rows are lost"
  end
  return nil, "no known inverse"
end

-- }======================================================

return M
