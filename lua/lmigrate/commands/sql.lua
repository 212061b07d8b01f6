-- lmigrate sql [--dialect D] [--down]: the whole migration script,
-- offline. Every up in order (--down: every down, newest first), each in
-- a transaction with the statement that records it in the history table,
-- after the statement creating that table: applied by hand, lmigrate
-- then sees those migrations as applied. A migration's schema reads
-- (has_table, get_columns, ...) answer from the schema the script has
-- built so far (schema/model.lua); with --down, the one every up builds,
-- run first without writing their SQL. An online = true migration's
-- autocommit steps (run/online.lua) follow its COMMIT, its history row
-- after them.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")
local invoke = require("lmigrate.run.invoke")
local loader = require("lmigrate.run.loader")
local online = require("lmigrate.run.online")
local others = require("lmigrate.run.others")
local Pretend = require("lmigrate.db.pretend")
local Repository = require("lmigrate.run.repository")
local Schema = require("lmigrate.schema")
local keys = require("lmigrate.schema.foreign_keys")

local DIALECTS = { sqlite = true, postgres = true, mysql = true }

local function statements(w, list)
  for _, sql in ipairs(list) do w(sql .. ";") end
end

local function instance(e, db, schema)
  return loader.instance(e.class, db, schema)
end

-- --down: the schema every up builds, for the downs' reads, their SQL
-- not written; an up that fails offline ends the model there: a read
-- after it fails, saying so, and a down that reads nothing still runs
local function build_model(files, where)
  for _, e in ipairs(files) do
    if type(e.class.up) == "function" then
      local db, schema = where(e)
      local ok, err = pcall(invoke, e, instance(e, db, schema), "up", "migration")
      db:take()
      keys.script_switch(db)
      if not ok then
        schema.model:incomplete(("%s, whose up fails offline: %s"):format(e.name,
          errors.is(err) and err.message or errors.text(err)))
        return
      end
    end
  end
end

return function(ctx)
  local cfg = ctx.config
  local dialect = ctx.opts.dialect or cfg.connections[1].driver
  if not DIALECTS[dialect] then
    errors.raise("usage", ("unknown dialect '%s' (expected sqlite, postgres or mysql)"):format(dialect))
  end
  local g = core.grammar(dialect)
  -- SQLite: the rebuilds read the schema the script builds in a shadow (db/shadow.lua)
  local shadow = dialect == "sqlite" and require("lmigrate.db.shadow").open(g) or nil
  local db = Pretend.new(g, nil, shadow)
  db.connection_name = cfg.connections[1].name   -- the script is this connection's
  local schema = Schema.new(db, g)
  local files = loader.discover(cfg.migrations)
  -- a migration naming another connection: its SQL in that connection's
  -- dialect (run/others.lua), each such connection with its own model
  local views = {}
  local function where(e)
    local name = others.named_by(e.class)
    if name == nil or name == db.connection_name then return db, schema end
    local v = views[name]
    if not v then
      local c = others.resolve(cfg.named or function() return nil end, name,
        ("%s: the migration's connection"):format(e.file))
      local g2 = core.grammar(c.driver)
      local d2 = Pretend.new(g2, nil, c.driver == "sqlite" and require("lmigrate.db.shadow").open(g2)
        or nil)
      d2.connection_name = name
      v = { db = d2, schema = Schema.new(d2, g2), name = name }
      views[name] = v
    end
    return v.db, v.schema, v.name
  end
  -- schema:connection(other): not written offline
  db.others = { schema_for = function(_, name)
    if not (cfg.named and cfg.named(name)) then return nil end
    error(("lmigrate: schema:connection('%s'): `lmigrate sql` writes a migration's statements on"
      .. " one connection; this one reaches another (see `lmigrate migrate --pretend`)"):format(name), 3)
  end }
  for _, e in ipairs(files) do
    loader.load(e)
    where(e)   -- an unknown connection fails before anything is written
  end
  local down = ctx.opts.down
  local out = {}
  local function w(s) out[#out + 1] = s end
  local history = g:quote(cfg.table)
  w(("-- lmigrate %s: %s script for %s, %d migration(s)"):format(core.version,
    down and "rollback" or "migration", dialect, #files))
  schema:create_if_not_exists(cfg.table, Repository.define)
  if down then
    db:take()
    build_model(files, where)
  else
    statements(w, db:take())
  end
  local first, last, dir = 1, #files, 1
  if down then first, last, dir = #files, 1, -1 end
  for i = first, last, dir do
    local e = files[i]
    local method = down and "down" or "up"
    if type(e.class[method]) ~= "function" then
      errors.raise("migration", e.file .. ": the migration has no " .. method .. " function",
        { migration = e.name, file = e.file })
    end
    local edb, eschema, there = where(e)
    local m = instance(e, edb, eschema)
    local tx = m.transaction ~= false
    edb.depth = tx and 1 or 0   -- a COMMIT of its own is refused, as when it runs
    -- online = true: what runs outside the transaction, after its COMMIT
    local steps = online.open(edb, e.class, tx)
    invoke(e, m, method, "migration")
    edb.deferred = nil
    w("")
    w("-- " .. e.name .. (there and (" -- on connection '%s' (%s): run these statements there")
      :format(there, edb.driver) or ""))
    -- SQLite ignores PRAGMA foreign_keys inside the transaction
    local keys_off, keys_on = keys.script_switch(edb)
    if tx and keys_off then w(keys_off .. ";") end
    if tx then w("BEGIN;") end
    statements(w, edb:take())
    if there then
      -- its history row: on this script's connection, once that committed
      if tx then w("COMMIT;") end
      if tx and keys_on then w(keys_on .. ";") end
      tx, keys_on = false, nil
      w(("-- its history row, on connection '%s' (this script's):"):format(db.connection_name))
    end
    local row = down and ("DELETE FROM %s WHERE migration = %s;"):format(history, g:literal(e.name))
      or ("INSERT INTO %s (migration, batch, checksum) VALUES (%s, 1, %s);")
        :format(history, g:literal(e.name), g:literal(e.checksum))
    local later = steps and #steps > 0
    if not later then w(row) end
    if tx then w("COMMIT;") end
    if tx and keys_on then w(keys_on .. ";") end
    if later then
      w("-- online = true: outside the transaction, one by one")
      for _, s in ipairs(steps) do w(s.sql .. ";") end
      w(row)
    end
  end
  ctx.out:print(table.concat(out, "\n"))
  return 0
end
