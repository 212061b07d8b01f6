-- The servers spec/integration/14-sql_spec.lua runs `lmigrate sql`'s
-- scripts on, one backend per dialect: set a project's database up, apply
-- a script (sqlite3, psql, the mariadb client), ask what it made (tables,
-- columns, indexes, column types, rows) and tear it down.
--
--   local backends = require("spec.support.sql_backends")(PG, MARIADB)
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local quote = helpers.quote
local capture = helpers.capture

-- PG, MARIADB: spec.support.servers.need's answers (nil: not in this run)
return function(PG, MARIADB)

  local function plain(v)
    if v == nil or v == helpers.core.null then return nil end
    return tostring(v)
  end

  -- SQLite and PostgreSQL: questions through lmigrate.core's drivers
  local function driver_rows(project, sql)
    return project:with_db(function(db)
      local rows = db:query(sql)
      for _, r in ipairs(rows) do
        for k, v in pairs(r) do r[k] = plain(v) end
      end
      return rows
    end)
  end

  -- SQLite and PostgreSQL: the project's own introspection
  local function driver_tables(project) return project:tables() end

  local function driver_columns(project, tbl)
    local t = {}
    for _, c in ipairs(project:columns(tbl)) do t[#t + 1] = c.name end
    return t
  end

  local function driver_column_types(project, tbl)
    local t = {}
    for _, c in ipairs(project:columns(tbl)) do t[c.name] = c.type end
    return t
  end

  local backends = {}

  backends.sqlite = {
    dialect = "sqlite",
    prelude = "PRAGMA foreign_keys = ON;\n",   -- the sqlite3 shell leaves them off
    setup = function(project)
      project.db_path = project.dir .. "/applied.sqlite"
    end,
    teardown = function() end,
    apply = function(project, script)
      return servers.run_script("sqlite", nil, project.db_path, script)
    end,
    url = function(project) return "sqlite:" .. project.db_path end,
    rows = driver_rows,
    tables = driver_tables,
    columns = driver_columns,
    indexes = function(project, tbl)
      local t = {}
      for _, r in ipairs(driver_rows(project, ("SELECT name, sql FROM sqlite_master WHERE "
          .. "type = 'index' AND tbl_name = '%s' AND sql IS NOT NULL"):format(tbl))) do
        t[r.name] = r.sql
      end
      return t
    end,
    types = { status = "^VARCHAR%(255%)$", ui = "^INTEGER$", active = "^BOOLEAN$",
              meta = "^TEXT$", uid = "^CHAR%(36%)$", y = "^INTEGER$", ud = "^DECIMAL%(6, 2%)$" },
    column_types = driver_column_types,
  }

  backends.postgres = {
    dialect = "postgres",
    setup = function() end,
    teardown = function() end,
    apply = function(project, script)
      return servers.run_script("postgres", PG, project:url(), script)
    end,
    url = function(project) return project:url() end,
    rows = driver_rows,
    tables = driver_tables,
    columns = driver_columns,
    indexes = function(project, tbl)
      local t = {}
      for _, r in ipairs(driver_rows(project, ("SELECT indexname, indexdef FROM pg_indexes "
          .. "WHERE schemaname = current_schema() AND tablename = '%s'"):format(tbl))) do
        t[r.indexname] = r.indexdef
      end
      return t
    end,
    types = { status = "^character varying$", ui = "^integer$", active = "^boolean$",
              meta = "^json$", data = "^jsonb$", uid = "^uuid$", ip = "^inet$", net = "^cidr$",
              mac = "^macaddr$", y = "^smallint$", bin = "^bytea$", ratio = "^double precision$",
              seen_at = "^timestamp without time zone$" },
    column_types = driver_column_types,
  }

  -- MariaDB: the mariadb client on the socket, one database per project

  -- the client's --batch escapes: \\ \n \t \0; a lone NULL is SQL NULL
  local function mysql_field(s)
    if s == "NULL" then return nil end
    return (s:gsub("\\(.)", { n = "\n", t = "\t", ["0"] = "\0", ["\\"] = "\\" }))
  end

  -- rows of a query as { col = text | nil }; names are given by 'cols'
  local function mysql_rows(project, sql, cols)
    local file = os.tmpname()
    helpers.write_file(file, sql .. ";\n")
    local status, out = capture(MARIADB:client(project.mysql_db) .. " < " .. quote(file))
    os.remove(file)
    assert(status == 0, "mariadb: " .. out .. "\n" .. sql)
    local rows = {}
    for line in out:gmatch("([^\n]*)\n") do
      local r, i = {}, 0
      for field in (line .. "\t"):gmatch("([^\t]*)\t") do
        i = i + 1
        r[cols[i]] = mysql_field(field)
      end
      rows[#rows + 1] = r
    end
    return rows
  end

  local function mysql_list(project, sql)
    local t = {}
    for _, r in ipairs(mysql_rows(project, sql, { "v" })) do t[#t + 1] = r.v end
    return t
  end

  backends.mysql = {
    dialect = "sqlite",   -- the project folder only: the mariadb client applies the script
    url = function(project)
      return helpers.dialects.mysql:url_of(project.mysql_db)
    end,
    setup = function(project)
      project.mysql_db = "lmigrate_sql_" .. assert(project.dir:match("([%w]+)$"))
      local status, out = capture(MARIADB:client(MARIADB.database)
        .. " -e " .. quote("CREATE DATABASE `" .. project.mysql_db .. "`"))
      assert(status == 0, "cannot create the MariaDB database: " .. out)
    end,
    teardown = function(project)
      if project.mysql_db then
        capture(MARIADB:client() .. " -e " .. quote("DROP DATABASE IF EXISTS `" .. project.mysql_db .. "`"))
      end
    end,
    apply = function(project, script)
      return servers.run_script("mariadb", MARIADB, project.mysql_db, script)
    end,
    rows = function(project, sql)
      -- the column names, in order, from "SELECT a AS x, b, ... FROM"
      local cols = {}
      local list = assert(sql:match("^SELECT (.-) FROM "), sql)
      for item in (list .. ","):gmatch("%s*(.-)%s*,") do
        cols[#cols + 1] = item:match("AS (%w+)$") or item
      end
      return mysql_rows(project, sql, cols)
    end,
    tables = function(project)
      return mysql_list(project, "SELECT table_name FROM information_schema.tables "
        .. "WHERE table_schema = DATABASE() ORDER BY table_name")
    end,
    columns = function(project, tbl)
      return mysql_list(project, ("SELECT column_name FROM information_schema.columns "
        .. "WHERE table_schema = DATABASE() AND table_name = '%s' ORDER BY ordinal_position"):format(tbl))
    end,
    indexes = function(project, tbl)
      local t = {}
      for _, r in ipairs(mysql_rows(project, ("SELECT index_name, index_type, "
          .. "GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM information_schema.statistics "
          .. "WHERE table_schema = DATABASE() AND table_name = '%s' GROUP BY index_name, index_type")
          :format(tbl), { "name", "type", "cols" })) do
        t[r.name] = r.type .. " (" .. r.cols .. ")"
      end
      return t
    end,
    -- the server shows the ENUM's values as SQL literals: the backslash doubled
    types = { status = "^enum%('draft','it''s live','back\\\\slash'%)$", ui = "^int%(%d+%) unsigned$",
              active = "^tinyint%(1%)$", y = "^year", uid = "^char%(36%)$", us = "unsigned$",
              ud = "^decimal%(6,2%) unsigned$", tt = "^tinytext$", mt = "^mediumtext$",
              lt = "^longtext$", bin = "^blob$", medium = "^mediumint" },
    column_types = function(project, tbl)
      local t = {}
      for _, r in ipairs(mysql_rows(project, ("SELECT column_name, column_type FROM "
          .. "information_schema.columns WHERE table_schema = DATABASE() AND table_name = '%s'")
          :format(tbl), { "name", "type" })) do
        t[r.name] = r.type
      end
      return t
    end,
  }

  return backends
end
