-- The safety lint's evaluation: each pending migration's up runs against
-- a recording self.db / self.schema (db/pretend.lua, reads answered by the
-- real connection), whose schema tells an observer of every blueprint
-- (bp:describe), drop and rename before it would run; the rules of
-- lint/rules.lua are checked on those, knowing what SQL linters guess:
-- whether the table was created earlier in the batch (then nothing is
-- unsafe), whether the migration runs in a transaction or online, the
-- column's current type and nullability, the server's version.
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local json = require("lmigrate.json")
local loader = require("lmigrate.run.loader")
local Pretend = require("lmigrate.db.pretend")
local rules = require("lmigrate.lint.rules")
local gates = require("lmigrate.safety").gates
local Schema = require("lmigrate.schema")

local M = {}

-- {======================================================
-- Findings
-- ======================================================

-- add(st, m, id, where, ...): where = { table, column, name, unsafe_ok }
-- (the element's own unsafe_ok); the rest fills the reason's %s
local function add(st, m, id, where, ...)
  local rule = rules.by_id[id]
  if not rule.dialects[st.dialect] then return end
  local why = where.unsafe_ok or (m.class.unsafe_ok or {})[id]
  st.findings[#st.findings + 1] = {
    rule = id, migration = m.e.name, file = m.e.file, table = where.table,
    column = where.column, name = where.name, message = rule.reason:format(...),
    lock = rule.lock, safe = rule.safe, severity = rule.error and "error" or "warning",
    silenced = why ~= nil, reason = why,
  }
end

local VOLATILE = { "random%s*%(", "gen_random_uuid%s*%(", "uuid_generate_v[14]", "clock_timestamp",
                   "timeofday", "nextval%s*%(", "txid_current", "gen_random_bytes" }

local function volatile(col)
  local d = col.default
  if not d or d.kind ~= "raw" then return false end
  local text = d.value:lower()
  for _, p in ipairs(VOLATILE) do
    if text:find(p) then return true end
  end
  return false
end

-- a type's text as PostgreSQL's format_type and our grammar both write it
local function norm(t)
  t = t:lower():gsub("%s*,%s*", ","):gsub("%s+", " ")
  t = t:gsub("^character varying", "varchar"):gsub("^decimal", "numeric")
       :gsub("^character%(", "char("):gsub(" without time zone$", "")
       :gsub("^timestamptz(.*)$", "timestamp%1 with time zone")
  return t
end

-- whether changing type 'old' to 'new' rewrites the table: binary-
-- coercible changes (a varchar that grows or loses its bound, varchar to
-- text, a numeric whose precision grows at the same scale) do not
function M.rewrites(old, new)
  old, new = norm(old), norm(new)
  if old == new then return false end
  local n1 = old:match("^varchar%((%d+)%)$")
  if n1 or old == "varchar" then
    if new == "text" or new == "varchar" then return false end
    local n2 = new:match("^varchar%((%d+)%)$")
    return not (n1 and n2 and tonumber(n2) >= tonumber(n1))
  end
  local p1, s1 = old:match("^numeric%((%d+),(%d+)%)$")
  local p2, s2 = new:match("^numeric%((%d+),(%d+)%)$")
  if p1 and p2 then return not (s1 == s2 and tonumber(p2) >= tonumber(p1)) end
  return not (old:match("^numeric") and new == "numeric")
end

-- the columns of an existing table, by name, from the real connection (nil: unknown)
local function current(st, t)
  if st.columns[t] == nil then
    local ok, list = pcall(function() return st.schema:get_columns(t) end)
    local by = {}
    for _, c in ipairs(ok and list or {}) do by[c.name] = c end
    st.columns[t] = ok and by or false
  end
  return st.columns[t] or nil
end

-- }======================================================
-- The rules on a blueprint
-- ======================================================

local INDEXES = { index = true, raw_index = true, fulltext = true, spatial_index = true }
local DROPS = { drop_index = true, drop_fulltext = true, drop_spatial_index = true }

local function column_rules(st, m, t, col, existing)
  local at = { table = t, column = col.name, unsafe_ok = col.unsafe_ok }
  if col.type == "json" then add(st, m, "prefer-jsonb", at, t .. "." .. col.name) end
  if not existing then return end
  if col.change then
    local old = (current(st, t) or {})[col.name]
    if not col.nullable and not m.online and (not old or old.nullable) then
      add(st, m, "set-not-null", at, t)
    end
    if old and old.type and col.sql_type and M.rewrites(old.type, col.sql_type) then
      add(st, m, "column-type-rewrite", at, t)
    end
    return
  end
  local has_default = col.default ~= nil or col.use_current
  if not col.nullable and not has_default and not col.auto_increment
      and not col.stored_as and not col.virtual_as then
    add(st, m, "add-not-null-column", at, t)
  end
  if volatile(col) then
    add(st, m, "volatile-default", at, t, "a volatile default (" .. col.default.value .. ")")
  elseif has_default and st.version < 11 then
    add(st, m, "volatile-default", at, t, "a default before PostgreSQL 11")
  end
  if col.index and not m.online then add(st, m, "index-concurrently", at, t) end
  if (col.unique or col.primary) and not m.online then add(st, m, "constraint-using-index", at, t) end
end

local function command_rules(st, m, t, cmd, existing)
  local at = { table = t, name = cmd.name, unsafe_ok = cmd.unsafe_ok,
               column = cmd.columns and cmd.columns[1] or nil }
  local k = cmd.kind
  if cmd.concurrently and m.tx and not m.online then
    add(st, m, "concurrently-in-transaction", at, t)
  end
  if not existing then return end
  local safe = cmd.concurrently or (m.online and k ~= "fulltext" and k ~= "spatial_index")
  if (INDEXES[k] or DROPS[k]) and not safe then add(st, m, "index-concurrently", at, t)
  elseif (k == "unique" or k == "primary") and not safe then
    add(st, m, "constraint-using-index", at, t)
  elseif k == "foreign" and not cmd.not_valid and not m.online then
    add(st, m, "foreign-key-not-valid", at, t)
  elseif k == "check" and not cmd.not_valid and not m.online then
    add(st, m, "check-not-valid", at, t)
  elseif k == "rename_column" then add(st, m, "rename-column", at, t)
  elseif k == "rename" then add(st, m, "rename-table", at, t)
  elseif k == "drop_column" then add(st, m, "drop-column", at, t)
  end
end

local function blueprint(st, m, d)
  local t = d.table
  if d.mode ~= "alter" then
    st.created[t] = true
    for _, col in ipairs(d.columns) do column_rules(st, m, t, col, false) end
    return
  end
  local existing = not st.created[t]
  m.ddl = true
  if existing then m.touches = m.touches or t end
  for _, col in ipairs(d.columns) do column_rules(st, m, t, col, existing) end
  for _, cmd in ipairs(d.commands) do
    command_rules(st, m, t, cmd, existing)
    if cmd.kind == "rename" and not existing then st.created[cmd.to] = true end
  end
end

local function heard(st, m, kind, a, b)
  m.ddl = true
  if kind == "blueprint" then return blueprint(st, m, a) end
  local existing = not st.created[a]
  if kind == "drop" then
    if existing then add(st, m, "drop-table", { table = a }, a) end
    st.created[a] = nil
  elseif kind == "rename" then
    if existing then add(st, m, "rename-table", { table = a }, a)
    else st.created[b] = true end
  end
end

-- }======================================================
-- One migration
-- ======================================================

-- the first keyword of a statement the migration runs itself
local function keyword(sql)
  return (sql:gsub("^%s+", ""):match("^(%a+)") or ""):upper()
end
local DATA = { UPDATE = true, DELETE = true, MERGE = true }
local DDL = { CREATE = true, ALTER = true, DROP = true }

-- a statement on SQLite's own tables (sqlite_sequence: the AUTOINCREMENT
-- counter a rebuild keeps and from() sets; sqlite_master) is the schema
-- builder's bookkeeping, not the data the rule is about
local function internal(sql)
  local rest = sql:gsub("^%s*%a+%s+", ""):gsub("^[Ff][Rr][Oo][Mm]%s+", "")
  return (rest:match('^"?([%w_]+)') or ""):lower():find("^sqlite_") ~= nil
end

local function check_unsafe_ok(e, class)
  local u = class.unsafe_ok
  if u == nil then return end
  if type(u) ~= "table" then
    errors.raise("migration", e.file .. ": unsafe_ok must be a table { rule_id = \"why\" }",
      { migration = e.name, file = e.file })
  end
  for id, why in pairs(u) do
    if not rules.by_id[id] or type(why) ~= "string" then
      errors.raise("migration", ("%s: unsafe_ok names %s (the rules: %s), each with its reason"
        .. " (string)"):format(e.file, rules.by_id[id] and ("rule '" .. id .. "' without a reason")
        or ("unknown rule '" .. tostring(id) .. "'"), rules.ids()),
        { migration = e.name, file = e.file })
    end
  end
end

local function lint_one(st, e)
  local class = loader.load(e)
  check_unsafe_ok(e, class)
  local tx = class.transaction ~= false or st.atomic
  local m = { e = e, class = class, tx = tx, data = {},
              online = class.online == true and st.dialect == "postgres" }
  local db = Pretend.new(st.grammar, st.reader, st.shadow)
  db.created = st.made   -- a read of a table an earlier migration made (db/pretend.lua)
  db.empty = st.empty    -- fresh's: the database has none of its tables yet
  if m.online and class.transaction ~= false then db.deferred = {} end
  db.depth = class.transaction ~= false and 1 or 0
  local execute = db.execute
  function db.execute(self, sql, ...)
    if type(sql) == "string" then
      local w = keyword(sql)
      if DATA[w] and not internal(sql) then m.data[#m.data + 1] = w end
      if DDL[w] then m.ddl = true end
    end
    return execute(self, sql, ...)
  end
  local schema = Schema.new(db, st.grammar)
  schema.observer = { heard = function(_, ...) heard(st, m, ...) end }
  local inst = loader.instance(class, db, schema)
  local ok, err = pcall(invoke, e, inst, "up", "migration")
  if not ok then
    st.notes[#st.notes + 1] = ("%s: not linted past its first error: %s"):format(e.name,
      errors.is(err) and errors.text(err.message) or tostring(err))
  end
  if m.tx and m.ddl and #m.data > 0 then add(st, m, "data-in-ddl-transaction", {}, m.data[1]) end
  local off = st.budgets_off or class.lock_budget == false
  if off and m.touches and class.lock_timeout == nil then
    add(st, m, "no-lock-timeout", { table = m.touches }, m.touches)
  end
end

-- the server's major version (PostgreSQL), or the newest one when unknown
local function server_version(db, dialect)
  if dialect ~= "postgres" or not db then return 99 end
  local ok, row = pcall(db.first, db, "SHOW server_version_num")
  local n = ok and row and tonumber(row.server_version_num)
  return n and n // 10000 or 99
end

-- check{ db, schema, grammar, entries, atomic, target_version, budgets_off, empty }
-- -> findings, notes; empty: the entries run on an empty database (fresh's,
-- which lints before it drops everything), not on the database as it is
function M.check(ctx)
  local dialect = ctx.grammar:name()
  local st = {
    grammar = ctx.grammar, dialect = dialect, reader = ctx.db, schema = ctx.schema,
    atomic = ctx.atomic, budgets_off = ctx.budgets_off, created = {}, columns = {},
    version = ctx.target_version or server_version(ctx.db, dialect),
    findings = {}, notes = {}, made = {}, empty = ctx.empty,
  }
  -- on SQLite the statements run in a shadow of the schema, as under
  -- --pretend, which answers the reads of the tables they make
  local close
  if dialect == "sqlite" and ctx.db then
    st.shadow, close = require("lmigrate.db.shadow").open(ctx.grammar, not ctx.empty and ctx.db or nil)
  end
  local ok, err = pcall(function()
    for _, e in ipairs(ctx.entries) do lint_one(st, e) end
  end)
  if close then close() end
  if not ok then error(err, 0) end
  return st.findings, st.notes
end

-- }======================================================
-- Output
-- ======================================================

local KEYS = { "rule", "severity", "migration", "file", "table", "column", "name", "message",
               "lock", "safe", "silenced", "reason" }

function M.json(findings, notes, extra)
  local items = {}
  for i, f in ipairs(findings) do items[i] = json.encode(f, KEYS) end
  local t = { findings = "[" .. table.concat(items, ",") .. "]" }
  return ('{"findings":%s,"notes":%s%s}'):format(t.findings, json.encode(notes), extra or "")
end

-- prints each finding (a warning, or an error with 'strict'), then the notes
function M.print(out, findings, notes, strict)
  if out.json then   -- migrate --json: an event each (output_json.lua)
    for _, f in ipairs(findings) do
      local t = { event = "lint" }
      for _, k in ipairs(KEYS) do t[k] = f[k] end
      t.level = f.silenced and "allowed" or (strict or f.severity == "error") and "error" or "warning"
      out:event(t)
    end
    for _, n in ipairs(notes) do out:event({ event = "note", message = n }) end
    return
  end
  for _, f in ipairs(findings) do
    local where = f.table and (f.column and (f.table .. "." .. f.column) or f.table) or ""
    local level = f.silenced and "allowed" or (strict or f.severity == "error") and "error"
      or "warning"
    out:write(("%s: %s [%s] %s: %s"):format(level, f.migration, f.rule, where, f.message))
    out:write("  lock: " .. f.lock)
    if f.silenced then out:write('  unsafe_ok: "' .. f.reason .. '"')
    else out:write("  safe form: " .. f.safe) end
  end
  for _, n in ipairs(notes) do out:write("note: " .. n) end
end

-- budgets_off(migrator, cfg): the connection's lock budget turned off
-- (lock_budget = false in lmigrate.lua, for it or for every connection)
function M.budgets_off(m, cfg)
  local safety = (m.connection or {}).safety
  if safety then return safety.lock_budget == false end   -- resolved by lmigrate.safety
  return cfg.lock_budget == false
end

-- gate(migrator, cfg, out, opts): before migrate (and --pretend) runs
-- anything, the pending migrations' findings printed as warnings; an
-- error finding (and with --strict or strict = true any finding not
-- silenced) stops the run, exit 1, nothing changed. The lint runs each up
-- once more (recording): on SQLite and MySQL, whose rules are few, only
-- with --strict. 'entries' (refresh, fresh: every migration file, all of
-- them to run again) default to the pending migrations.
function M.gate(m, cfg, out, opts, entries, empty)
  if not gates(cfg, opts, m.db.driver) then return end
  local strict = opts.strict or cfg.strict == true
  local pending = entries or m:pending()
  if #pending == 0 then return end
  local findings, notes = M.check({ db = m.db, schema = m.schema, grammar = m.db.grammar,
    entries = pending, atomic = opts.atomic, budgets_off = M.budgets_off(m, cfg), empty = empty })
  M.print(out, findings, notes, strict)
  local n = M.blocking(findings, strict)
  if n > 0 then
    errors.raise("migration", ("the safety lint found %d problem(s) that stop the run%s:"
      .. " nothing was migrated (each rule's safe form is above; unsafe_ok silences one)")
      :format(n, strict and " (--strict)" or ""))
  end
end

-- the findings that stop a run: errors, and with 'strict' every warning
function M.blocking(findings, strict)
  local n = 0
  for _, f in ipairs(findings) do
    if not f.silenced and (strict or f.severity == "error") then n = n + 1 end
  end
  return n
end

return M
