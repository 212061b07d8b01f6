-- A partly applied migration (MySQL): what the journal (run/journal.lua)
-- says of a migration that stopped half-way, and the user's two ways on:
-- `migrate --resume` (after fixing the file: runs on from where it
-- stopped, once the statements already applied are found unchanged) and
-- `rollback --partial` (undoes them). Until one of them is run, migrate
-- and rollback refuse to go past it; status shows it.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local journal = require("lmigrate.run.journal")
local undo = require("lmigrate.run.undo")

local M = {}

local null = core.null

local TITLE = { mysql = "MySQL" }
local function title(m) return TITLE[m.db.driver] or m.db.driver end

local function value(v)
  if v == null then return nil end
  return v
end

-- a "running" row (run/journal.lua writes it before its statement runs)
-- -> the row, "applied", or nil (the statement did not apply: the row is
-- gone). While its connection lives the statement may still be running
-- (MySQL finishes a statement whose client was killed; a live run holds
-- the migration lock): the row stays as it is, not applied. Once the
-- connection has ended, the table the statement changes tells: its
-- fingerprint differs from the one taken before (applied) or not.
local function settle(m, q, r)
  local live = m.db:first("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE id = ?",
    value(r.connection) or -1)
  if tonumber(live.n) > 0 then return nil end
  local before, now = value(r.fingerprint), undo.fingerprint(m.db, m.db.grammar, r.statement)
  if before == nil or now == nil then
    errors.raise("migration", ("statement %d of %s (%s) was running when its run stopped, and"
      .. " whether it applied cannot be told from the schema: check it, then set the state of its"
      .. " row (id %s) in %s to 'applied', or delete the row if it did not apply"):format(r.position,
      r.migration, r.statement, tostring(r.id), journal.table_name(m)), { migration = r.migration })
  end
  -- "+": the table was there, its definition unread (a down's DROP TABLE)
  if before == now or (before == "+" and now ~= "-") then
    m.db:execute("DELETE FROM " .. q .. " WHERE id = ?", r.id)
    return nil
  end
  journal.mark(m, r.migration, r.position, "applied")
  r.state = "applied"
  return r
end

-- the journal's migrations that have no history row -> { name = {
-- name, applied = { row by position }, failed = row | nil, total } }, and
-- those that have one (their down stopped: "downs") -> the same; and
-- whether there were stale rows (those of a step that committed:
-- journal_table.lua), which are left out
function M.read(m)
  if not journal.applies(m) then return {}, {}, false end
  local ran = {}
  for _, r in ipairs(m.repo:ran()) do ran[r.migration] = true end
  local g = m.db.grammar
  local q = g:quote(journal.table_name(m))
  local rows = journal.rows(m, "SELECT id, migration, position, total, state, statement, checksum,"
    .. " inverse, note, " .. g:quote("connection") .. ", " .. g:quote("down") .. ", fingerprint FROM "
    .. q .. " ORDER BY migration, position, id")
  if not rows then return {}, {}, false end
  local out, downs, stale = {}, {}, false
  for _, r in ipairs(rows) do
    if (r.down == 1) ~= (ran[r.migration] == true) then
      stale, r = true, nil
    elseif r.state == "running" then
      r = settle(m, q, r)
    end
    if r then
      local map = ran[r.migration] and downs or out
      local p = map[r.migration] or { name = r.migration, applied = {}, down = ran[r.migration] }
      map[r.migration] = p
      r.inverse, r.note, r.total = value(r.inverse), value(r.note), value(r.total)
      if r.state == "failed" then p.failed = r else p.applied[#p.applied + 1] = r end
      p.total = r.total or p.total
    end
  end
  return out, downs, stale
end

local function first_of(map)
  local first
  for name, p in pairs(map) do
    if #p.applied > 0 and (not first or name < first.name) then first = p end
  end
  return first
end

-- the partly applied migration, first by name, or nil; and the one whose
-- down stopped part-way (still in the history), or nil. Asked by the
-- commands that change the database, before they do (twice: read once,
-- until a step runs): the stale rows a kill left (before the run's sweep)
-- go first
function M.find(m)
  if not m.found then
    local ups, downs, stale = M.read(m)
    journal.sweep(m, stale)
    m.found = { first_of(ups), first_of(downs) }
  end
  return m.found[1], m.found[2]
end

local function counted(p)
  return ("%d of %s statements"):format(#p.applied, p.total and tostring(p.total) or "?")
end

local function hint(p)
  return ("%s is partly applied (%s%s): fix the migration and run `lmigrate migrate --resume`,"
    .. " or undo those statements with `lmigrate rollback --partial`"):format(p.name, counted(p),
    p.failed and (", statement " .. p.failed.position .. " failed") or ", interrupted")
end

local function down_hint(p)
  return ("the down of %s stopped part-way (%s of it applied%s): fix the down if it failed and run"
    .. " `lmigrate rollback --step 1`, which runs it on from there"):format(p.name, counted(p),
    p.failed and (", statement " .. p.failed.position .. " failed") or ", interrupted")
end

-- the applied statements must be the plan's first ones -> position -> row
local function check_prefix(m, entry, p, method)
  local plan = journal.plan(m, entry, method)
  local down = method == "down"
  local cmd = down and "rollback" or "--resume"
  if not plan then
    errors.raise("migration", ("%s: %s cannot be planned again (its %s fails before it runs:"
      .. " run `lmigrate %s --pretend` to see why)"):format(cmd, entry.name, down and "down" or "up",
      down and "rollback" or "migrate"), { migration = entry.name })
  end
  local skip = {}
  for _, r in ipairs(p.applied) do
    local st = plan.statements[r.position]
    if not st or st.checksum ~= r.checksum then
      errors.raise("migration", ("%s: statement %d of %s was applied as `%s`, but the file now"
        .. " has %s there: %s needs the applied statements unchanged%s"):format(cmd, r.position,
        entry.name, r.statement, st and ("`" .. st.text .. "`") or "no statement", cmd,
        down and "" or " (undo them with `lmigrate rollback --partial`)"),
        { migration = entry.name, file = entry.file })
    end
    skip[r.position] = r
  end
  return skip
end

-- migrate's first guard (before it looks for pending migrations): a down
-- that stopped part-way must be run on first
function M.refuse_down(m, opts)
  if opts.pretend or not journal.applies(m) then return end
  local _, down = M.find(m)
  if down then errors.raise("migration", down_hint(down)) end
end

-- migrate's guard: --atomic is refused; a partly applied migration stops
-- the run unless --resume, which puts it first with its applied statements
function M.check_migrate(m, pending, opts)
  if not journal.applies(m) then
    if opts.resume then
      errors.raise("usage", ("--resume: nothing is partly applied on %s, where each migration runs"
        .. " in a transaction"):format(m.db.driver))
    end
    return pending
  end
  if opts.atomic then
    errors.raise("usage", ("migrate --atomic is not possible on %s: it commits each schema statement"
      .. " at once, so a batch cannot be all or nothing (lmigrate journals each statement"
      .. " instead: see `lmigrate migrate --resume`)"):format(title(m)))
  end
  if opts.pretend then return pending end
  local p = M.find(m)
  if not p then
    if opts.resume then errors.raise("usage", "--resume: no migration is partly applied") end
    return pending
  end
  if not opts.resume then errors.raise("migration", hint(p)) end
  local list = {}
  for _, e in ipairs(pending) do
    if e.name == p.name then table.insert(list, 1, e) else list[#list + 1] = e end
  end
  if list[1].name ~= p.name then
    errors.raise("migration", ("--resume: the file of %s, partly applied, is missing from %s")
      :format(p.name, m.path), { migration = p.name })
  end
  list[1].resume = check_prefix(m, list[1], p)
  m.out:info(("Resuming %s after its %s."):format(p.name, counted(p)))
  return list
end

-- rollback's guard: what is partly applied is undone first
function M.check_rollback(m, opts)
  if opts.pretend or not journal.applies(m) then return end
  local p = M.find(m)
  if p then errors.raise("migration", hint(p)) end
end

-- the rollback of 'list' (its entries, newest first, loaded once): a down
-- that stopped part-way runs on first, its applied statements skipped
-- once they are found unchanged in the down's plan
function M.continue_down(m, list, opts)
  if opts.pretend or not journal.applies(m) then return end
  local _, down = M.find(m)
  if not down then return end
  if not list[1] or list[1].name ~= down.name then
    errors.raise("migration", down_hint(down) .. " (it is not the first this rollback undoes)",
      { migration = down.name })
  end
  list[1].resume = check_prefix(m, list[1], down, "down")
  m.out:info(("Rolling back %s on after its %s."):format(down.name, counted(down)))
end

-- status: each partly applied migration's item gets .partial
function M.annotate(m, list)
  if not journal.applies(m) then return list end
  local found, downs = M.read(m)
  for _, item in ipairs(list) do
    local p = (item.ran and downs or found)[item.migration]
    if p and #p.applied > 0 then
      item.partial = { applied = #p.applied, total = p.total, down = p.down,
                       failed = p.failed and p.failed.position or nil }
    end
  end
  return list
end

local function shorten(text)
  text = text:gsub("%s+", " ")
  return #text > 60 and (text:sub(1, 57) .. "...") or text
end

-- rollback --partial: the applied statements, newest first, undone by
-- their inverses; each row goes once its statement is undone (or cannot
-- be), so a failed undo can be run again
function M.rollback_partial(m)
  if not journal.applies(m) then
    errors.raise("usage", ("rollback --partial: nothing is partly applied on %s, where each"
      .. " migration runs in a transaction"):format(m.db.driver))
  end
  local p, down = M.find(m)
  if not p and down then errors.raise("migration", "rollback --partial: " .. down_hint(down)) end
  if not p then errors.raise("usage", "rollback --partial: no migration is partly applied") end
  m.found = nil
  m.out:info(("Undoing the %s applied of %s."):format(counted(p), p.name))
  local q = m.db.grammar:quote(journal.table_name(m))
  local kept, notes = {}, {}
  for i = #p.applied, 1, -1 do
    local r = p.applied[i]
    local t0 = core.clock()
    local label = ("%d: %s"):format(r.position, shorten(r.statement))
    if r.inverse then
      if r.inverse ~= "" then
        local ok, err = pcall(m.db.execute, m.db, r.inverse)
        if not ok then
          m.out:finish(label, core.clock() - t0, false)
          if errors.is(err) then
            err.message = ("cannot undo statement %d of %s (%s): %s"):format(r.position, p.name,
              r.statement, err.message)
          end
          error(err, 0)
        end
      end
      m.out:finish(label, core.clock() - t0, true)
      if r.note then notes[#notes + 1] = ("Statement %d undone: %s."):format(r.position, r.note) end
    else
      kept[#kept + 1] = r
      m.out:row(label, "", "KEPT", "yellow")
    end
    m.db:execute("DELETE FROM " .. q .. " WHERE id = ?", r.id)
  end
  journal.delete(m, p.name)
  for _, n in ipairs(notes) do m.out:info(n) end
  for _, r in ipairs(kept) do
    m.out:info(("Could not undo statement %d (%s): %s."):format(r.position, shorten(r.statement),
      r.note or "no known inverse"))
  end
  m.out:info(p.name .. " is pending again.")
  return #p.applied - #kept
end

return M
