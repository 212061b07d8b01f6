-- lmigrate status [--json]: every migration, ran or pending, its batch,
-- and whether its file changed since it ran.
local json = require("lmigrate.json")
local session = require("lmigrate.run.session")

local KEYS = { "migration", "ran", "batch", "ran_at", "modified" }

local function print_json(list, several, name)
  local items = {}
  for i, s in ipairs(list) do
    local item = { migration = s.migration, ran = s.ran, batch = s.batch, ran_at = s.ran_at,
                   modified = s.modified, missing = s.missing, connection = several and name or nil }
    local keys = { table.unpack(KEYS) }
    if s.missing then keys[#keys + 1] = "missing" end
    if s.partial then   -- MySQL: partly applied (run/partial.lua)
      item.partial, item.applied_statements = true, s.partial.applied
      item.statements, item.failed_statement = s.partial.total, s.partial.failed
      for _, k in ipairs { "partial", "applied_statements", "statements", "failed_statement" } do
        keys[#keys + 1] = k
      end
    end
    if s.backfill then  -- a backfill under way (run/backfill.lua)
      local b = s.backfill
      item.backfill, item.backfill_table, item.backfill_rows = true, b.table, b.rows_done
      item.backfill_key, item.backfill_last_key = b.key, b.last_key
      -- a key of several columns: its names and its values as lists
      if #b.columns > 1 then item.backfill_key, item.backfill_last_key = b.columns, b.values end
      for _, k in ipairs { "backfill", "backfill_table", "backfill_rows", "backfill_key",
                           "backfill_last_key" } do
        keys[#keys + 1] = k
      end
      if b.down then   -- a rollback's: its down has committed
        item.backfill_down = true
        keys[#keys + 1] = "backfill_down"
      end
    end
    if several then keys[#keys + 1] = "connection" end
    items[i] = json.encode(item, keys)
  end
  return items
end

local function print_rows(out, list)
  if #list == 0 then
    out:info("No migrations found.")
    return
  end
  out:row("Migration name", "", "Batch / Status", "bold")
  for _, s in ipairs(list) do
    if s.missing then
      out:row(s.migration, "[" .. s.batch .. "]", "Ran, file missing", "red")
    elseif s.ran and s.partial then   -- MySQL: its down stopped part-way
      out:row(s.migration, "[" .. s.batch .. "]", ("Partly rolled back (%d of %s statements)")
        :format(s.partial.applied, s.partial.total and tostring(s.partial.total) or "?"), "red")
    elseif s.ran and s.backfill then   -- its down committed, its backfill under way
      local b = s.backfill
      out:row(s.migration, "[" .. s.batch .. "]", b.table and ("Rolling back: backfilling %s (%d rows done,"
        .. " last %s %s)"):format(b.table, b.rows_done, b.key, b.last_key or "none")
        or "Rolled back, still in the history", "yellow")
    elseif s.ran then
      out:row(s.migration, "[" .. s.batch .. "]", s.modified and "Ran, modified" or "Ran",
        s.modified and "yellow" or "green")
    elseif s.partial then
      out:row(s.migration, "", ("Partly applied (%d of %s statements)"):format(s.partial.applied,
        s.partial.total and tostring(s.partial.total) or "?"), "red")
    elseif s.backfill then
      local b = s.backfill
      out:row(s.migration, "", b.table and ("Backfilling %s (%d rows done, last %s %s)"):format(b.table,
        b.rows_done, b.key, b.last_key or "none") or "Backfilled, not recorded", "yellow")
    else
      out:row(s.migration, "", "Pending", "yellow")
    end
  end
end

return function(ctx)
  local several = #ctx.config.connections > 1
  local items = {}
  session.each(ctx.config, ctx.out, { lock = false, readonly = true }, function(m, c, out)
    local list = m:status()
    if ctx.result then  -- lmigrate.run's result
      local all = ctx.result.migrations or {}
      for _, s in ipairs(list) do
        s.connection = several and c.name or nil
        all[#all + 1] = s
      end
      ctx.result.migrations = all
    end
    if ctx.opts.json then
      for _, item in ipairs(print_json(list, several, c.name)) do items[#items + 1] = item end
    else
      print_rows(out, list)
    end
  end)
  if ctx.opts.json then ctx.out:print("[" .. table.concat(items, ",\n ") .. "]") end
  return 0
end
