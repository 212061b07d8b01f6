-- tests/crash/fixture.lua: the migrations the kill and race harnesses run,
-- and what "consistent" means after a kill or a race: the history is the
-- first p migrations in order, the schema and row counts are exactly those
-- of p migrations applied one after the other (the references), each
-- migration's up ran once more than its down if it is applied and as often
-- otherwise (probe_log, which lives outside the migrations), and the
-- integrity and foreign-key checks pass.
--
-- The six migrations: tables with foreign keys and rows, a column with an
-- index added, and two changes that SQLite does by rebuilding the table
-- (one of them of a table others reference).
local helpers = require("spec.helpers")

local M = {}

local function log(dir, name)
  return ('  self.db:insert("probe_log", { dir = %q, migration = %q })'):format(dir, name)
end

-- the rows each table gets: tbl -> { n, the Lua expression of row i };
-- a replay of the journal (partial) inserts them too
local ROWS = {}

local function rows(tbl, n, row)
  ROWS[tbl] = { n, row }
  return ([[
  local rows = {}
  for i = 1, %d do rows[i] = %s end
  self.db:insert(%q, rows)]]):format(n, row, tbl)
end

-- { name, up, down }: each up and down also logs itself
local DEFS = {
  { "2026_01_01_000001_create_parents",
    '  self.schema:create("parents", function(t)\n    t:id()\n'
      .. '    t:string("name", 100)\n  end)\n' .. rows("parents", 300, '{ name = "p" .. i }'),
    '  self.schema:drop("parents")' },
  { "2026_01_01_000002_create_children",
    '  self.schema:create("children", function(t)\n    t:id()\n'
      .. '    t:foreign_id("parent_id"):constrained("parents"):on_delete("cascade")\n'
      .. '    t:string("note"):nullable()\n  end)\n'
      .. rows("children", 600, '{ parent_id = (i % 300) + 1, note = "n" .. i }'),
    '  self.schema:drop("children")' },
  { "2026_01_01_000003_add_score",
    '  self.schema:table("children", function(t) t:integer("score"):default(0):index() end)\n'
      .. '  self.db:execute("UPDATE children SET score = id % 7")',
    '  self.schema:table("children", function(t) t:drop_index({ "score" }) end)\n'
      .. '  self.schema:table("children", function(t) t:drop_column("score") end)' },
  { "2026_01_01_000004_change_note",
    '  self.schema:table("children", function(t) t:text("note"):nullable():change() end)',
    '  self.schema:table("children", function(t) t:string("note"):nullable():change() end)' },
  { "2026_01_01_000005_widen_parents",
    '  self.schema:table("parents", function(t) t:string("name", 200):change() end)',
    '  self.schema:table("parents", function(t) t:string("name", 100):change() end)' },
  { "2026_01_01_000006_create_tags",
    '  self.schema:create("tags", function(t)\n    t:id()\n'
      .. '    t:foreign_id("parent_id"):constrained("parents")\n    t:string("label"):unique()\n  end)\n'
      .. rows("tags", 400, '{ parent_id = (i % 300) + 1, label = "t" .. i }'),
    '  self.schema:drop("tags")' },
}

M.NAMES = {}
for i, d in ipairs(DEFS) do M.NAMES[i] = d[1] end
M.N = #DEFS

-- writes the first n migrations (all by default) into the project
function M.write(project, n)
  for i = 1, n or M.N do
    local d = DEFS[i]
    project:write(d[1], helpers.migration { up = d[2] .. "\n" .. log("up", d[1]),
                                            down = d[3] .. "\n" .. log("down", d[1]) })
  end
end

-- the table the migrations log their runs in, made before any of them runs
function M.prepare(project)
  project:with_db(function(db)
    db:run("CREATE TABLE probe_log (dir VARCHAR(8) NOT NULL, migration VARCHAR(100) NOT NULL)")
  end)
end

local OWN = { migrations = true, probe_log = true }

-- the schema and the rows, as text that two states compare by
local function snapshot(db)
  local out = {}
  for _, t in ipairs(db:tables()) do
    if not OWN[t] then
      out[#out + 1] = "table " .. t .. " rows " .. db:count(t)
      for _, c in ipairs(db:columns(t)) do
        out[#out + 1] = ("  %s %s %s %s"):format(c.name, tostring(c.type):lower(),
          c.notnull and "not null" or "null", tostring(c.default))
      end
      for _, kind in ipairs { "unique_sets", "indexes" } do
        local sets = {}
        for cols in pairs(db[kind](db, t)) do sets[#sets + 1] = cols end
        table.sort(sets)
        out[#out + 1] = "  " .. kind .. " " .. table.concat(sets, " ")
      end
      for _, fk in ipairs(db:foreign_keys(t)) do
        out[#out + 1] = ("  fk %s -> %s.%s %s"):format(fk.from, fk.table, fk.to, fk.on_delete)
      end
    end
  end
  return table.concat(out, "\n")
end

-- state(project) -> { history = { names }, snapshot, log = { name -> ups - downs }, bad = { ... },
-- journal = { rows of the statement journal (MySQL) } }
function M.state(project)
  return project:with_db(function(db)
    local s = { history = {}, log = {} }
    for _, h in ipairs(db:history()) do s.history[#s.history + 1] = h.migration end
    s.snapshot = snapshot(db)
    for _, r in ipairs(db:query("SELECT dir, migration FROM probe_log")) do
      s.log[r.migration] = (s.log[r.migration] or 0) + (r.dir == "up" and 1 or -1)
    end
    s.bad = db:integrity()
    s.journal = db:journal()
    return s
  end)
end

-- what the journal of state 's' says, with n migrations in the history:
-- its rows must all be "applied" rows of migration n + 1 (its up stopped)
-- or of migration n (its down stopped), positions 1..j -> j (0: nothing
-- partly applied) and whether they are a down's, or nil after recording
-- why not
local function journaled(p, where, s, n)
  local down = s.journal[1] ~= nil and s.journal[1].migration == M.NAMES[n]
  local name = M.NAMES[down and n or n + 1]
  for j, r in ipairs(s.journal) do
    if r.migration ~= name or r.state ~= "applied" or r.position ~= j then
      return p:fail(where, "the journal is not the first statements of %s (%s): row %d is %s"
        .. " statement %s of %s (%s)", tostring(name), down and "the last in the history, its down"
        or "the one after the history", j, tostring(r.state), tostring(r.position), r.migration,
        r.statement)
    end
  end
  return #s.journal, down
end

-- check(p, where, state, refs) -> the number of migrations applied, the
-- number of statements of the next one (or of the last one's down) the
-- journal names (MySQL) and whether they are a down's, or nil after
-- recording why the state is not consistent. The schema must be that of
-- those migrations and statements applied (partial()).
function M.check(p, where, s, refs)
  local ok = true
  for _, why in ipairs(s.bad) do ok = p:check(false, where, "%s", why) end
  local n = #s.history
  for i, name in ipairs(s.history) do
    if name ~= M.NAMES[i] then
      return p:fail(where, "the history is not the first %d migrations in order: %s", n,
                    table.concat(s.history, ", "))
    end
  end
  local j, down = journaled(p, where, s, n)
  if not j then return nil end
  local expect = refs and (j > 0 and M.partial(refs, n, s.journal) or refs[n])
  if expect and s.snapshot ~= expect then
    ok = p:check(false, where, "the schema is not that of %d migrations applied%s:\n%s\n--- expected\n%s",
                 n, j > 0 and (" and the %d statement(s) of %s%s the journal names"):format(j,
                 M.NAMES[down and n or n + 1], down and "'s down" or "") or "", s.snapshot, expect)
  end
  for i, name in ipairs(M.NAMES) do
    local want = i <= n and 1 or 0
    if (s.log[name] or 0) ~= want then
      ok = p:check(false, where, "%s: its up ran %d time(s) more than its down, expected %d", name,
                   s.log[name] or 0, want)
    end
  end
  if ok then return n, j, down end
  return nil
end

-- runs the statement 'text' of the journal on db: as it is, but for a
-- db:insert (journaled as "INSERT INTO t (...) VALUES ... (db:insert, n
-- rows)"), whose rows are the fixture's
local function replay(db, text)
  local tbl, n = text:match("^INSERT INTO [`\"]([%w_]+)[`\"] %b() VALUES %.%.%. %(db:insert, (%d+) rows%)$")
  if not tbl then return db:run(text) end
  local def = assert(ROWS[tbl], "no rows known for " .. tbl)
  assert(tonumber(n) == def[1], text)
  local row = assert(load("local i = ...; return " .. def[2]))
  for i = 1, def[1] do
    local r = row(i)
    local cols, marks, vals = {}, {}, {}
    for k, v in pairs(r) do
      cols[#cols + 1], marks[#marks + 1], vals[#vals + 1] = db.dialect:ident(k), "?", v
    end
    db:run(("INSERT INTO %s (%s) VALUES (%s)"):format(db.dialect:ident(tbl), table.concat(cols, ", "),
      table.concat(marks, ", ")), table.unpack(vals))
  end
end

-- partial(refs, n, journal) -> the snapshot of n migrations applied and then
-- the statements of the 'journal' rows (of migration n + 1, or of n's
-- down) run one
-- after the other, on a database of its own: what the schema must be
-- when the journal says they are applied. Cached by n and the rows.
function M.partial(refs, n, journal)
  local texts = {}
  for i, r in ipairs(journal) do texts[i] = r.statement end
  local key = n .. "\0" .. table.concat(texts, "\0")
  if refs.partials[key] then return refs.partials[key] end
  local project = helpers.project(refs.dialect)
  M.prepare(project)
  if n > 0 then
    M.write(project, n)
    project:ok("migrate")
  end
  project:with_db(function(db)
    for _, text in ipairs(texts) do replay(db, text) end
  end)
  local snap = M.state(project).snapshot
  project:cleanup()
  refs.partials[key] = snap
  return snap
end

-- references(p, dialect) -> refs[0..N] (the snapshot of each number of
-- migrations, applied one at a time) and the seconds a migrate of all
-- and a rollback of all take; checks on the way that each rollback comes
-- back to the reference before it
function M.references(p, dialect)
  local project = helpers.project(dialect)
  M.prepare(project)
  local refs = { [0] = M.state(project).snapshot, dialect = dialect, partials = {} }
  for i = 1, M.N do
    M.write(project, i)
    local r = project:run("migrate")
    if not p:check(r.status == 0, dialect, "reference migrate %d failed\n%s", i, helpers.describe_run(r)) then
      project:cleanup()
      return nil
    end
    refs[i] = M.state(project).snapshot
  end
  for i = M.N - 1, 0, -1 do
    project:ok("rollback", "--step", "1")
    M.check(p, tostring(dialect) .. " reference rollback to " .. i, M.state(project), refs)
  end
  local core = helpers.core
  local t0 = core.clock()
  project:ok("migrate")
  local up = core.clock() - t0
  t0 = core.clock()
  project:ok("reset")
  local down = core.clock() - t0
  project:cleanup()
  return refs, up, down
end

return M
