-- spec/unit/docs_spec.lua: every method the C core registers on its
-- blueprint, column, foreign key and index handles (found in their
-- metatables, as tests/fuzz/lua_fuzz.lua finds them, so a method added
-- later is caught), and every method of self.schema, self.db, Migration
-- and Seeder, is in the reference (docs/reference.md) and in the LuaLS
-- definition file (types/lmigrate.lua).
local core = require("lmigrate.core")

local source = os.getenv("LMIGRATE_SOURCE") or "."

local function read(rel)
  local f = assert(io.open(source .. "/" .. rel, "r"))
  local text = f:read("a")
  f:close()
  return text
end

-- the sorted method names of the metatable of 'obj'
local function methods(obj)
  local names = {}
  local index = rawget(getmetatable(obj), "__index")
  for k, v in pairs(index) do
    if type(k) == "string" and type(v) == "function" and k:sub(1, 2) ~= "__" then
      names[#names + 1] = k
    end
  end
  table.sort(names)
  return names
end

-- the functions of a Lua class table, not the private ones
local function functions(t)
  local names = {}
  for k, v in pairs(t) do
    if type(v) == "function" and not k:match("^_") then names[#names + 1] = k end
  end
  table.sort(names)
  return names
end

local bp = core.blueprint("posts", "create")
local KINDS = {
  { class = "Blueprint", names = methods(bp) },
  { class = "Column", names = methods(bp:string("title")) },
  { class = "Foreign", names = methods(bp:foreign("user_id")) },
  { class = "Index", names = methods(bp:index("title")) },
  { class = "Schema", names = functions(require("lmigrate.schema").class) },
  { class = "DB", names = functions(require("lmigrate.db").class) },
  { class = "Migration", names = functions(require("lmigrate.migration")) },
  { class = "Seeder", names = functions(require("lmigrate.seeder")) },
}

-- the reference's sections, by the class whose methods they list
local SECTIONS = {
  Blueprint = "## The blueprint", Column = "## Column modifiers", Foreign = "## Foreign keys",
  Index = "## Index handles", Schema = "## self.schema", DB = "## self.db",
  Migration = "## A migration", Seeder = "## Seeders",
}

-- the text of the section of 'doc' that starts with 'head', up to the next "## "
local function section(doc, head)
  local from = assert(doc:find("\n" .. head .. "\n", 1, true), "no section " .. head)
  local to = doc:find("\n## ", from + #head + 2, true)
  return doc:sub(from, to or #doc)
end

describe("the documentation", function()
  local reference = read("docs/reference.md")
  local types = read("types/lmigrate.lua")

  it("finds the methods it checks", function()
    for _, k in ipairs(KINDS) do
      assert.truthy(#k.names > 0, "no methods found for " .. k.class)
    end
    assert.truthy(#KINDS[1].names > 100, "the blueprint's methods were not all found")
  end)

  for _, k in ipairs(KINDS) do
    it("reference.md lists every " .. k.class .. " method with an example", function()
      local text = section(reference, SECTIONS[k.class])
      local missing = {}
      for _, name in ipairs(k.names) do
        -- a table row: | `name(...)...` | `example` | what |
        local prefix = k.class == "Migration" and "Migration:" or ""
        if not text:find("\n| `" .. prefix .. name .. "(", 1, true) then
          missing[#missing + 1] = name
        end
      end
      assert.same({}, missing)
    end)

    it("types/lmigrate.lua defines every " .. k.class .. " method", function()
      local missing = {}
      for _, name in ipairs(k.names) do
        if not types:find("\nfunction " .. k.class .. ":" .. name .. "(", 1, true) then
          missing[#missing + 1] = name
        end
      end
      assert.same({}, missing)
    end)
  end

  it("types/lmigrate.lua is a ---@meta file that Lua reads, with the classes", function()
    assert.equals("---@meta", types:match("^[^\n]*"))
    assert.truthy(load(types, "=types/lmigrate.lua", "t"))
    for _, class in ipairs { "Blueprint", "Column", "Schema", "DB", "Migration", "Seeder" } do
      assert.truthy(types:find("\n---@class " .. class .. "\n", 1, true), class)
    end
  end)

  it("README links into the reference, which has the commands, configuration and exit codes", function()
    assert.truthy(read("README.md"):find("docs/reference.md", 1, true))
    for _, head in ipairs { "## Commands", "## Configuration", "## Exit codes", "## Editor setup" } do
      assert.truthy(reference:find("\n" .. head .. "\n", 1, true), head)
    end
    for _, c in ipairs(require("lmigrate.commands").list) do
      assert.truthy(reference:find("\n### `" .. c.name .. "`\n", 1, true), c.name)
    end
  end)
end)
