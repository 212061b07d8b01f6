-- The key a backfill walks (run/backfill.lua): one column or several,
-- the table's primary key unless the call names one (key = "id" or
-- key = { "album_id", "track" }: unique together). The walk is keyset:
-- the rows after the last key done, in key order. With several columns
-- "after" is a row-value comparison, (a, b) > (?, ?), on SQLite (3.15+)
-- and PostgreSQL, which both read it off the key's index; MySQL and
-- MariaDB scan for it, so there it is written out, a >= ? AND (a > ? OR
-- (a = ? AND b > ?)), whose first term is a range of the index.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

-- the key option -> its columns, or nil (the primary key, read later);
-- misuse(msg) raises
function M.option(key, misuse)
  if key == nil then return nil end
  if type(key) == "string" then key = { key } end
  if type(key) ~= "table" or key[1] == nil then
    misuse("key must be a column name or a list of them, got " .. type(key))
  end
  local cols = {}
  for i, c in ipairs(key) do
    -- key_column holds them joined by commas
    if type(c) ~= "string" or c == "" or c:find(",", 1, true) then
      misuse("key must be a column name or a list of them (names without commas)")
    end
    cols[i] = c
  end
  return cols
end

-- the columns as the progress row's key_column holds them, and back
function M.text(cols) return table.concat(cols, ",") end

function M.columns(text)
  local cols = {}
  for c in text:gmatch("[^,]+") do cols[#cols + 1] = c end
  return cols
end

-- the columns as messages name them: id, (album_id, track)
function M.names(text)
  if not text:find(",", 1, true) then return text end
  return "(" .. text:gsub(",", ", ") .. ")"
end

-- the primary key's columns of table t, in key order (nil: it has none)
function M.primary(schema, t)
  for _, ix in ipairs(schema:get_indexes(t)) do
    if ix.primary then return ix.columns end
  end
  return nil
end

-- {======================================================
-- The last key done, as text (last_key, key_type)
-- ======================================================

local function scalar(v)
  if math.type(v) == "integer" then return tostring(v), "integer" end
  if type(v) == "string" then return v, "string" end
  if type(v) == "number" then return ("%.17g"):format(v), "number" end
  errors.raise("migration", "backfill: the key's value is a " .. type(v) .. ", expected a number or text")
end

local function unscalar(s, kind)
  if kind == "integer" then return math.tointeger(tonumber(s)) end
  if kind == "number" then return tonumber(s) end
  return s
end

local KINDS = { i = "integer", n = "number", s = "string" }

-- one value: as it was (its text, its type); several: "tuple", each
-- value as its type's letter, its length and its text ("i3:900s2:ab"),
-- exact for any bytes
function M.encode(vals)
  if #vals == 1 then return scalar(vals[1]) end
  local parts = {}
  for i, v in ipairs(vals) do
    local s, kind = scalar(v)
    parts[i] = kind:sub(1, 1) .. #s .. ":" .. s
  end
  return table.concat(parts), "tuple"
end

-- -> the values, or nil (no row done yet)
function M.decode(s, kind)
  if s == nil or s == core.null then return nil end
  if kind ~= "tuple" then return { unscalar(s, kind) } end
  local vals, i = {}, 1
  while i <= #s do
    local k, len, at = s:match("^([ins])(%d+):()", i)
    if not k then errors.raise("migration", "backfill: a progress row's last key is damaged: " .. s) end
    vals[#vals + 1] = unscalar(s:sub(at, at + tonumber(len) - 1), KINDS[k])
    i = at + tonumber(len)
  end
  return vals
end

-- the last key as status shows it: 900, or (3, 'b') for several columns
function M.show(s, kind)
  if kind ~= "tuple" then return s end
  local parts = {}
  for i, v in ipairs(M.decode(s, kind)) do
    parts[i] = type(v) == "string" and ("'%s'"):format((v:gsub("'", "''"))) or tostring(v)
  end
  return "(" .. table.concat(parts, ", ") .. ")"
end

-- }======================================================

-- {======================================================
-- The walk's conditions
-- ======================================================

-- q restricted to the rows after 'last' (op ">") or up to it (op "<=")
function M.bound(db, q, cols, last, op)
  if last == nil then return q end
  if #cols == 1 then return q:where(cols[1], op, last[1]) end
  if db.driver ~= "mysql" then
    local names, marks = {}, {}
    for i, c in ipairs(cols) do names[i], marks[i] = db.grammar:quote(c), "?" end
    return q:where_raw(("(%s) %s (%s)"):format(table.concat(names, ", "), op,
      table.concat(marks, ", ")), last)
  end
  local strict = op == ">" and ">" or "<"
  local function chain(g, i)
    if i == #cols then return g:where(cols[i], op, last[i]) end
    g:where(cols[i], strict, last[i]):or_where(function(h)
      h:where(cols[i], "=", last[i]):where(function(k) chain(k, i + 1) end)
    end)
  end
  return q:where(cols[1], op == ">" and ">=" or "<=", last[1]):where(function(g) chain(g, 1) end)
end

function M.order(q, cols)
  for _, c in ipairs(cols) do q:order_by(c) end
  return q
end

-- the key of row r (a batch's last), checked
function M.of(r, cols, tbl)
  local vals = {}
  for i, c in ipairs(cols) do
    local v = r[c]
    if v == nil or v == core.null then
      errors.raise("migration", ("backfill %s: the rows have no value of '%s' (of its key)"):format(tbl, c))
    end
    vals[i] = v
  end
  return vals
end

-- }======================================================

return M
