-- A backfill's walk (run/backfill.lua): batch after batch in key order,
-- each in a short transaction with its progress row (the last key, the
-- rows done), so a batch and its record commit or vanish together.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local keys = require("lmigrate.run.backfill_key")
local progress = require("lmigrate.run.backfill_progress")
local scheduler = require("lmigrate.run.scheduler")

local M = {}

local function filtered(db, b)
  local q = db:table(b.table)
  local w = b.where
  if type(w) == "string" then q:where_raw(w) elseif w ~= nil then q:where(w) end
  return q
end

local function after(db, b, last) return keys.bound(db, filtered(db, b), b.cols, last, ">") end

-- one batch after key 'last' -> rows done, the new last key, whether it was the last batch
local function batch(db, b, last)
  if b.fn then
    local rows = keys.order(after(db, b, last), b.cols):limit(b.batch):get()
    if rows[1] == nil then return 0, last, true end
    local key = keys.of(rows[#rows], b.cols, b.table)
    b.fn(rows, db)
    return #rows, key, #rows < b.batch
  end
  -- the declarative form: the batch's last key, then one UPDATE of the range
  local q = keys.order(after(db, b, last), b.cols):offset(b.batch - 1)
  local upper
  if #b.cols == 1 then
    local v = q:value(b.cols[1])
    upper = v ~= nil and { v } or nil
  else
    local r = q:first(b.cols)
    upper = r and keys.of(r, b.cols, b.table)
  end
  local n = keys.bound(db, after(db, b, last), b.cols, upper, "<="):update(b.set)
  return n, upper or last, upper == nil
end

local function save(w, p, last, done, final)
  local v, kind = nil, nil
  if last ~= nil then v, kind = keys.encode(last) end
  w.db:execute("UPDATE " .. w.quoted .. " SET last_key = ?, key_type = ?, rows_done = ?, state = ?,"
    .. " updated_at = CURRENT_TIMESTAMP WHERE id = ?", v or core.null, kind or core.null, done,
    w.state(final), p.id)
end

-- one batch and its progress row, in a transaction -> rows, last key, final
local function step_batch(w, b, p, last, done)
  local n, key, final = batch(w.db, b, last)
  save(w, p, key, done + n, final)
  return n, key, final
end

-- a batch's failure as an error naming the line of the file that was
-- running (an xpcall handler: the stack is still there)
local function placed(entry, what)
  return function(err)
    if errors.is(err) and (err[what] or err.kind == "usage") then return err end
    local line, source = nil, "@" .. entry.file
    for level = 2, 60 do
      local info = debug.getinfo(level, "Sl")
      if not info then break end
      if info.source == source and (info.currentline or 0) > 0 then line = info.currentline break end
    end
    local fields = { file = entry.file, line = line }
    fields[what] = entry.name
    if errors.is(err) then fields.sql, fields.code, fields.errno = err.sql, err.code, err.errno end
    return errors.new("migration", errors.text(err), fields)
  end
end

-- run(w, entry, b, p): backfill b from its progress row p to its end;
-- w = { db, out, quoted (the progress table), state(final), what }
function M.run(w, entry, b, p)
  local db = w.db
  b.cols = keys.columns(p.key_column)
  local last = keys.decode(p.last_key, p.key_type)
  local done = math.tointeger(tonumber(p.rows_done)) or 0
  local line = progress.new(w.out, b, done, function() return after(db, b, last):count() end)
  while true do
    db:begin()
    local ok, n, key, final = xpcall(step_batch, placed(entry, w.what), w, b, p, last, done)
    if ok then
      local committed, err = pcall(db.commit, db)
      if not committed then ok, n = false, err end
    end
    if not ok then
      while db.depth > 0 do pcall(db.rollback, db) end
      line:stop(false)
      error(n, 0)
    end
    done, last = done + n, key
    if final then break end
    line:update(done)
    if b.pause > 0 then scheduler.sleep(b.pause) end
  end
  line:stop(true, done)
end

return M
