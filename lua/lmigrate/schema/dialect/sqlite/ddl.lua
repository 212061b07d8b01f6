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

-- {======================================================
-- Keys: the foreign keys and the primary key of the definitions
-- ======================================================

-- the names inside the parentheses opening at toks[k], and the index of
-- the closing one
local function names_in(toks, k)
  local names, i = {}, k + 1
  while toks[i] and toks[i].text ~= ")" do
    if toks[i].kind == "id" then names[#names + 1] = toks[i].name end
    i = i + 1
  end
  return names, i
end

local function same_names(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i]:lower() ~= b[i]:lower() then return false end
  end
  return true
end

-- the last token of the foreign-key clause whose REFERENCES is toks[k]:
-- the parent table, its columns, then any ON DELETE/UPDATE action, MATCH,
-- [NOT] DEFERRABLE and INITIALLY clause, in any order
local function clause_end(toks, k)
  local i = k + 1
  if toks[i + 1] and toks[i + 1].text == "(" then i = select(2, names_in(toks, i + 1)) end
  while true do
    local a, b = toks[i + 1], toks[i + 2]
    if word(a, "ON") and (word(b, "DELETE") or word(b, "UPDATE")) then
      i = i + 3
      if word(toks[i], "SET") or word(toks[i], "NO") then i = i + 1 end
    elseif word(a, "MATCH") or word(a, "INITIALLY") or (word(a, "NOT") and word(b, "DEFERRABLE")) then
      i = i + 2
    elseif word(a, "DEFERRABLE") then
      i = i + 1
    else
      return i
    end
  end
end

-- the key that starts a table constraint's tokens: kind ("PRIMARY",
-- "FOREIGN", ...), its name or nil, and the index of its first word
local function constraint_head(toks)
  if word(toks[1], "CONSTRAINT") then return toks[3] and toks[3].text:upper(), toks[2].name, 3 end
  return toks[1] and toks[1].text:upper(), nil, 1
end

-- the part of a column definition from its CONSTRAINT name (if it has
-- one right before) to toks[k]: the index of its first token and the name
local function named_from(toks, k)
  if k > 2 and word(toks[k - 2], "CONSTRAINT") then return k - 2, toks[k - 1].name end
  return k, nil
end

-- every foreign key: { item = j, name = n or nil, columns = {...} }, with
-- 'toks', 'a' and 'b' (the tokens to cut) for a column's REFERENCES
local function foreign_keys(items)
  local out = {}
  for j, it in ipairs(items) do
    local toks = tokenize(it.text)
    if it.constraint then
      local kind, name, k = constraint_head(toks)
      if kind == "FOREIGN" then
        out[#out + 1] = { item = j, name = name, columns = (names_in(toks, k + 2)) }
      end
    elseif it.column then
      local depth = 0
      for k, tok in ipairs(toks) do
        if tok.text == "(" then depth = depth + 1
        elseif tok.text == ")" then depth = depth - 1
        elseif depth == 0 and word(tok, "REFERENCES") then
          local a, name = named_from(toks, k)
          out[#out + 1] = { item = j, name = name, columns = { it.column }, toks = toks,
                            a = a, b = clause_end(toks, k) }
        end
      end
    end
  end
  return out
end

-- the primary key: { item = j, name = n or nil, columns = {...} }, with
-- toks/a/b for a column's PRIMARY KEY; nil when there is none
local function primary_key(items)
  for j, it in ipairs(items) do
    local toks = tokenize(it.text)
    if it.constraint then
      local kind, name, k = constraint_head(toks)
      if kind == "PRIMARY" then return { item = j, name = name, columns = (names_in(toks, k + 2)) } end
    elseif it.column then
      for k = 2, #toks - 1 do
        if word(toks[k], "PRIMARY") and word(toks[k + 1], "KEY") then
          local a, name = named_from(toks, k)
          local b = k + 1
          while toks[b + 1] and (word(toks[b + 1], "ASC") or word(toks[b + 1], "DESC")
              or word(toks[b + 1], "AUTOINCREMENT")) do
            b = b + 1
          end
          if word(toks[b + 1], "ON") and word(toks[b + 2], "CONFLICT") then b = b + 3 end
          return { item = j, name = name, columns = { it.column }, toks = toks, a = a, b = b }
        end
      end
    end
  end
end

-- takes the key out of the definitions: the whole table constraint, or
-- the clause of the column
local function remove_key(items, key)
  if key.toks then
    items[key.item].text = cut(items[key.item].text, key.toks, key.a, key.b)
  else
    table.remove(items, key.item)
  end
end

local function list(names) return "(" .. table.concat(names, ", ") .. ")" end

-- drop_foreign: by its constraint name, or by its columns when given them
function EDIT.drop_foreign(items, step, t)
  for _, fk in ipairs(foreign_keys(items)) do
    local hit
    if step.columns then hit = same_names(fk.columns, step.columns)
    else hit = fk.name ~= nil and fk.name:lower() == step.name:lower() end
    if hit then return remove_key(items, fk) end
  end
  if step.columns then fail(t, ("no foreign key on %s"):format(list(step.columns))) end
  fail(t, ("no foreign key named %s"):format(step.name))
end

-- drop_primary: the table's one primary key; a name or columns given must
-- be its own
function EDIT.drop_primary(items, step, t)
  local pk = primary_key(items)
  if not pk then fail(t, "it has no primary key") end
  if step.name and pk.name and pk.name:lower() ~= step.name:lower() then
    fail(t, ("its primary key is named %s, not %s"):format(pk.name, step.name))
  end
  if step.columns and not same_names(pk.columns, step.columns) then
    fail(t, ("its primary key is on %s, not on %s"):format(list(pk.columns), list(step.columns)))
  end
  remove_key(items, pk)
end

-- }======================================================

-- rename_index(create_index_sql, quoted_name) -> the CREATE INDEX with
-- the index named quoted_name (a schema before the old name goes too)
function M.rename_index(sql, quoted)
  local toks = tokenize(sql)
  for k, tok in ipairs(toks) do
    if word(tok, "INDEX") then
      local a = k + 1
      if word(toks[a], "IF") then a = a + 3 end
      local b = a
      if toks[b + 1] and toks[b + 1].text == "." then b = b + 2 end
      return sql:sub(1, toks[a].s - 1) .. quoted .. sql:sub(toks[b].e + 1)
    end
  end
  return nil
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

-- items(create_sql) -> the column definitions and table constraints of a
-- CREATE TABLE, { text, column = name } or { text, constraint = true }, or
-- nil when it cannot be read (introspect.lua reads collations, generated
-- columns and constraint names from them)
function M.items(create_sql)
  local raw = split(create_sql)
  if not raw then return nil end
  local items = {}
  for i, text in ipairs(raw) do items[i] = classify(text) end
  return items
end

return M
