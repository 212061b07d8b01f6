-- Editing SQLite's stored CREATE TABLE for the table rebuild: the
-- statement split into its column definitions and table constraints,
-- each edited by a step of bp:rebuild_plan(grammar) (see
-- src/grammar/sqlite.c), and put back together.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

-- the tokens of SQL text: { text, s, e, kind } with kind "id" (a bare
-- word or a quoted identifier, 'name' unquoted), "str", "punct"; the one
-- SQL scanner of src/lm_sql.c, which the drivers use too
local tokenize = core.tokenize

local function word(tok, w)
  return tok and tok.kind == "id" and tok.text:upper() == w
end

-- CREATE TABLE sql -> head ("CREATE TABLE x"), items (text list), tail
local function split(sql)
  local toks = tokenize(sql)
  local open
  for i, t in ipairs(toks) do
    if t.text == "(" then open = i break end
  end
  if not open then return nil end
  local items, depth, from = {}, 0, toks[open].e + 1
  for i = open + 1, #toks do
    local t = toks[i]
    if t.text == "(" then depth = depth + 1
    elseif t.text == ")" and depth > 0 then depth = depth - 1
    elseif depth == 0 and (t.text == "," or t.text == ")") then
      items[#items + 1] = sql:sub(from, t.s - 1):match("^%s*(.-)%s*$")
      from = t.e + 1
      if t.text == ")" then
        return items, sql:sub(t.e + 1)
      end
    end
  end
  return nil
end

local CONSTRAINT_WORDS = { CONSTRAINT = true, PRIMARY = true, UNIQUE = true, CHECK = true,
  FOREIGN = true }

local function classify(text)
  local toks = tokenize(text)
  local first = toks[1]
  if first and first.kind == "id" and not first.text:match("^[\"`%[]")
      and CONSTRAINT_WORDS[first.text:upper()] then
    return { text = text, constraint = true }
  end
  return { text = text, column = first and first.name }
end

local function mentions(text, column)
  for _, t in ipairs(tokenize(text)) do
    if t.kind == "id" and t.name:lower() == column:lower() then return true end
  end
  return false
end

local function find_column(items, column)
  for i, it in ipairs(items) do
    if it.column and it.column:lower() == column:lower() then return i end
  end
end

-- the item text without the tokens from index a to b
local function cut(text, toks, a, b)
  local before = text:sub(1, toks[a].s - 1):match("^%s*(.-)%s*$")
  local after = text:sub(toks[b].e + 1):match("^%s*(.-)%s*$")
  if before == "" or after == "" then return before .. after end
  return before .. " " .. after
end

local function fail(table_name, msg)
  errors.raise("database", ("rebuilding table %s: %s"):format(table_name, msg))
end
M.fail = fail

local EDIT = {}

function EDIT.add(items, step)
  local last = 0
  for i, it in ipairs(items) do if it.column then last = i end end
  table.insert(items, last + 1, { text = step.def, column = step.column, added = true })
end

-- {======================================================
-- change(): the new definition, and what the old one had that it keeps
-- ======================================================

-- the words that start a column constraint; NOT, NULL and DEFAULT do not
-- inside a foreign-key clause (NOT DEFERRABLE, ON DELETE SET NULL)
local STARTS = { CONSTRAINT = true, PRIMARY = true, NOT = true, NULL = true, UNIQUE = true,
  CHECK = true, DEFAULT = true, COLLATE = true, REFERENCES = true, GENERATED = true, AS = true }

local function starts(toks, k)
  local t, prev = toks[k], toks[k - 1]
  if t.kind ~= "id" or t.text:match("^[\"`%[]") or not STARTS[t.text:upper()] then return false end
  local w = t.text:upper()
  if (w == "NULL" or w == "DEFAULT") and word(prev, "SET") then return false end
  if w == "NOT" then return word(toks[k + 1], "NULL") end
  if w == "AS" and word(prev, "ALWAYS") then return false end
  return true
end

-- a column definition -> its type's text and its constraints, each
-- { text, kind = the first word after any CONSTRAINT name }
local function clauses(text)
  local toks, depth, parts = tokenize(text), 0, {}
  local cur
  for k = 2, #toks do
    local t = toks[k]
    if depth == 0 and starts(toks, k) and not (cur and word(toks[cur.from], "CONSTRAINT")
        and cur.from + 2 >= k) then
      cur = { from = k }
      parts[#parts + 1] = cur
    end
    if t.text == "(" then depth = depth + 1 elseif t.text == ")" then depth = depth - 1 end
    if cur then cur.to = k end
  end
  local typ = text:sub(toks[1].e + 1, parts[1] and toks[parts[1].from].s - 1 or #text)
  for _, p in ipairs(parts) do
    local k = word(toks[p.from], "CONSTRAINT") and p.from + 2 or p.from
    p.kind = toks[k] and toks[k].text:upper() or ""
    p.text = text:sub(toks[p.from].s, toks[p.to].e)
    p.toks = { table.unpack(toks, k, p.to) }
  end
  return typ:match("^%s*(.-)%s*$"), parts
end

-- the CHECKs lmigrate derives from unsigned() and enum(): (c >= 0), (c IN (...))
local function derived(p, column)
  local t = p.toks
  return p.kind == "CHECK" and t[2] and t[2].text == "(" and t[3] and t[3].kind == "id"
    and t[3].name:lower() == column:lower()
    and ((t[4] and t[4].text == ">" and t[5] and t[5].text == "=" and t[6] and t[6].text == "0"
          and t[7] and t[7].text == ")" and #t == 7)
      or word(t[4], "IN"))
end

-- what change() keeps of the old definition 'old' in the new 'def': the
-- primary key (AUTOINCREMENT only while the type stays INTEGER), the
-- foreign key, UNIQUE and the CHECKs lmigrate did not derive; the type,
-- nullability, default, collation and generation are the new ones
local function keep(old, def, column)
  local _, had = clauses(old)
  local typ, has = clauses(def)
  local new = {}
  for _, p in ipairs(has) do new[p.kind] = true end
  local out = { def }
  for _, p in ipairs(had) do
    local text = p.text
    if p.kind == "PRIMARY" and not new.PRIMARY then
      if typ:upper() ~= "INTEGER" then
        text = text:gsub("%s+[Aa][Uu][Tt][Oo][Ii][Nn][Cc][Rr][Ee][Mm][Ee][Nn][Tt]", "")
      end
      out[#out + 1] = text
    elseif (p.kind == "REFERENCES" and not new.REFERENCES) or (p.kind == "UNIQUE" and not new.UNIQUE)
        or (p.kind == "CHECK" and not derived(p, column)) then
      out[#out + 1] = text
    end
  end
  return table.concat(out, " ")
end

function EDIT.change(items, step, t)
  local i = find_column(items, step.column)
  if not i then fail(t, ("no column %s to change"):format(step.column)) end
  items[i] = { text = keep(items[i].text, step.def, step.column), column = items[i].column }
end

-- }======================================================

function EDIT.constraint(items, step)
  items[#items + 1] = { text = step.def, constraint = true }
end

function EDIT.drop_column(items, step, t, ctx)
  local i = find_column(items, step.column)
  if not i then fail(t, ("no column %s to drop"):format(step.column)) end
  table.remove(items, i)
  for j = #items, 1, -1 do
    if items[j].constraint and mentions(items[j].text, step.column) then table.remove(items, j) end
  end
  ctx.dropped[step.column:lower()] = true
end

function EDIT.drop_foreign(items, step, t)
  for j, it in ipairs(items) do
    local toks = tokenize(it.text)
    for k = 1, #toks - 2 do
      if word(toks[k], "CONSTRAINT") and toks[k + 1].name == step.name then
        if it.constraint and k == 1 and word(toks[3], "FOREIGN") then
          table.remove(items, j)
          return
        elseif it.column and word(toks[k + 2], "REFERENCES") then
          -- the REFERENCES clause ends the definition lmigrate wrote
          it.text = cut(it.text, toks, k, #toks)
          return
        end
      end
    end
  end
  fail(t, ("no foreign key named %s"):format(step.name))
end

function EDIT.drop_primary(items, _, t)
  local found = false
  for j = #items, 1, -1 do
    local it = items[j]
    local toks = tokenize(it.text)
    if it.constraint then
      local k = word(toks[1], "CONSTRAINT") and 3 or 1
      if word(toks[k], "PRIMARY") then table.remove(items, j) found = true end
    else
      for k = 1, #toks - 1 do
        if word(toks[k], "PRIMARY") and word(toks[k + 1], "KEY") then
          local b = k + 1
          while toks[b + 1] and (word(toks[b + 1], "ASC") or word(toks[b + 1], "DESC")
              or word(toks[b + 1], "AUTOINCREMENT")) do
            b = b + 1
          end
          it.text = cut(it.text, toks, k, b)
          found = true
          break
        end
      end
    end
  end
  if not found then fail(t, "it has no primary key") end
end

-- edit(table_name, create_sql, steps) -> { body = column definitions and
-- constraints, tail = what followed the closing parenthesis (WITHOUT
-- ROWID, STRICT), kept = { lower column name = true } of the old columns
-- still there, dropped = { lower column name = true } }. Raises for a step
-- the table cannot take (no such column, no such foreign key).
function M.edit(table_name, create_sql, steps)
  local raw, tail = split(create_sql)
  if not raw then fail(table_name, "its CREATE TABLE could not be read") end
  local items = {}
  for _, text in ipairs(raw) do items[#items + 1] = classify(text) end
  local ctx = { dropped = {} }
  for _, step in ipairs(steps) do EDIT[step.op](items, step, table_name, ctx) end
  local kept, defs = {}, {}
  for _, it in ipairs(items) do
    if it.column and not it.added then kept[it.column:lower()] = true end
    defs[#defs + 1] = it.text
  end
  return { body = table.concat(defs, ", "), tail = tail, kept = kept, dropped = ctx.dropped }
end

M.mentions = mentions

return M
