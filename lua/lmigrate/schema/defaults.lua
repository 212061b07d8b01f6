-- Laravel's Schema::defaultStringLength, defaultTimePrecision,
-- defaultMorphKeyType, morphUsingUuids and morphUsingUlids in snake_case. They are
-- process-wide, as Laravel's statics are (held in C, core.schema_defaults,
-- and taken by each blueprint when it is made): an app calls them at the
-- top of lmigrate.lua, where a Laravel app calls them in a service provider,
--   require("lmigrate.schema").default_string_length(191)
-- so that every run has them; self.schema:default_string_length(191) in a
-- migration holds for what runs after it in the same process. Called
-- without an argument, each returns the value in force (Laravel's
-- Builder::$defaultStringLength, $defaultTimePrecision and
-- $defaultMorphKeyType, which Nova's migration reads).
local core = require("lmigrate.core")

local M = {}

-- self.schema:f(x) and require("lmigrate.schema").f(x) alike
local function value(first, second)
  if type(first) == "table" then return second end
  return first
end

-- default_string_length([n]) -> n: string()'s and char()'s length, and that
-- of the *_type column of morphs(), when the call gives none (255)
function M.default_string_length(a, b)
  local n = value(a, b)
  if n ~= nil and (math.type(n) ~= "integer" or n < 1 or n > 65535) then
    error("lmigrate: default_string_length expects a length (a whole number from 1 to 65535), got "
      .. tostring(n), 2)
  end
  return (core.schema_defaults(n))
end

-- default_time_precision([p]) -> p: the precision of date_time(),
-- date_time_tz(), time(), time_tz(), timestamp(), timestamp_tz() and of
-- the helpers made of them (timestamps(), datetimes(), soft_deletes(), ...)
-- when the call gives none: 0 (Laravel's default: each dialect's type as
-- without this call), 1 to 6, or false (Laravel's null; lmigrate.null
-- too): no precision at all, the database's own (PostgreSQL's 6)
function M.default_time_precision(a, b)
  local p = value(a, b)
  if p == core.null then p = false end
  if p ~= nil and p ~= false and (math.type(p) ~= "integer" or p < 0 or p > 6) then
    error("lmigrate: default_time_precision expects a precision (a whole number from 0 to 6, "
      .. "or false for none), got " .. tostring(p), 2)
  end
  local _, _, now = core.schema_defaults(nil, nil, p)
  return now
end

local KEY_TYPES = { int = true, uuid = true, ulid = true }

-- default_morph_key_type([type]) -> type: what morphs() and nullable_morphs()
-- make their *_id of: "int" (an unsigned BIGINT, the default), "uuid", "ulid"
function M.default_morph_key_type(a, b)
  local t = value(a, b)
  if t ~= nil and not KEY_TYPES[t] then
    error("lmigrate: default_morph_key_type: the morph key type must be 'uuid', 'ulid', or 'int', got "
      .. tostring(t), 2)
  end
  local _, now = core.schema_defaults(nil, t)
  return now
end

function M.morph_using_uuids() return M.default_morph_key_type("uuid") end
function M.morph_using_ulids() return M.default_morph_key_type("ulid") end

return M
