-- "did you mean ...?": the nearest known name to a mistyped one, by edit
-- distance (optimal string alignment: a swap of two letters is one edit),
-- and a Laravel camelCase name's snake_case spelling (foreignId ->
-- foreign_id), for unknown commands, options, connections and methods.
local M = {}

-- distance(a, b) -> the number of insertions, deletions, substitutions
-- and swaps of neighbours that turn a into b
function M.distance(a, b)
  local la, lb = #a, #b
  if la == 0 then return lb end
  if lb == 0 then return la end
  local prev2, prev = {}, {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    local cur = { [0] = i }
    local ca = a:byte(i)
    for j = 1, lb do
      local cb = b:byte(j)
      local cost = ca == cb and 0 or 1
      local v = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if i > 1 and j > 1 and ca == b:byte(j - 1) and a:byte(i - 1) == cb then
        v = math.min(v, prev2[j - 2] + 1)
      end
      cur[j] = v
    end
    prev2, prev = prev, cur
  end
  return prev[lb]
end

-- snake(name) -> the snake_case of a camelCase name (dropIfExists ->
-- drop_if_exists), or nil when it has no capital after a lower-case letter
function M.snake(name)
  if not name:find("%l%u") and not name:find("%d%u") then return nil end
  local s = name:gsub("(%u+)(%u%l)", "%1_%2"):gsub("([%l%d])(%u)", "%1_%2")
  return s:lower()
end

-- closest(word, candidates) -> the nearest candidate, or nil when none is
-- near enough (at most a third of the word's letters, and at least one,
-- wrong); 'candidates' is a list or the keys of a table. A camelCase word
-- whose snake_case is a candidate gives that one.
function M.closest(word, candidates)
  word = tostring(word)
  local list = candidates
  if candidates[1] == nil then
    list = {}
    for k in pairs(candidates) do
      if type(k) == "string" then list[#list + 1] = k end
    end
  end
  local snake = M.snake(word)
  local best, bestd
  table.sort(list)
  for _, c in ipairs(list) do
    if snake and c == snake then return c end
    local d = M.distance(word:lower(), c:lower())
    if not bestd or d < bestd then best, bestd = c, d end
  end
  if bestd and bestd <= math.max(1, #word // 3) and bestd < #word then return best end
  return nil
end

-- hint(word, candidates, prefix?) -> " (did you mean 'x'?)" or ""
function M.hint(word, candidates, prefix)
  local c = M.closest(word, candidates)
  if not c then return "" end
  return (" (did you mean '%s%s'?)"):format(prefix or "", c)
end

-- list(candidates, word) -> "did you mean 'x'?" for a near one, else
-- the known names: "a, b, c"
function M.list(candidates, word)
  local c = M.closest(word, candidates)
  if c then return ("did you mean '%s'?"):format(c) end
  local names = {}
  for k in pairs(candidates) do names[#names + 1] = tostring(k) end
  table.sort(names)
  return #names > 0 and ("known: " .. table.concat(names, ", ")) or "none defined"
end

-- the methods of self.schema, self.db, migrations and seeders: what a
-- call of a nil method in a migration or seeder most likely meant
local function lua_methods()
  local list, seen = {}, {}
  -- (require(...)): a first require returns the loader's data too, which the
  -- last item of a list would add to it
  for _, t in ipairs { require("lmigrate.schema").class, require("lmigrate.db").class,
                       require("lmigrate.migration"), (require("lmigrate.seeder")) } do
    for k, v in pairs(t) do
      if type(k) == "string" and type(v) == "function" and not k:match("^_") and not seen[k] then
        seen[k] = true
        list[#list + 1] = k
      end
    end
  end
  return list
end

-- method_hint(msg) -> msg, with "did you mean" added to Lua's "attempt to
-- call a nil value (method 'hasTable')" when a method of self.schema,
-- self.db or the migration is near (the C objects say it themselves)
function M.method_hint(msg)
  local name = msg:match("attempt to call a nil value %(method '([^']+)'%)")
  if not name then return msg end
  local near = M.closest(name, lua_methods())
  -- the name itself: a method the object at hand lacks, no typo
  if not near or near == name then return msg end
  return ("%s (did you mean '%s'?)"):format(msg, near)
end

return M
