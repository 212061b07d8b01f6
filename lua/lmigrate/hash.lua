-- lmigrate.hash: Laravel's Hash facade with its default driver, bcrypt, for
-- the seeders and data steps that create users (Hash::make('password'),
-- bcrypt('secret')): the same "$2y$" hashes PHP's password_hash makes, which
-- a Laravel application's login accepts. The hashing is libcrypt's
-- (src/lm_hash.c). Laravel's argon2 drivers are not here.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

-- Laravel's config/hashing.php: the rounds of BCRYPT_ROUNDS, else 12
local DEFAULT_ROUNDS = 12

-- raises at the line of the user's code (errors.raise_at_user)
local function fail(name, msg)
  errors.raise_at_user("lmigrate.hash." .. name .. ": " .. msg, "lmigrate/hash")
end

local function check_value(fn, value)
  if type(value) ~= "string" and type(value) ~= "number" then
    fail(fn, "expects the value to hash as a string, got " .. type(value))
  end
  if type(value) == "string" and value:find("\0", 1, true) then
    fail(fn, "a value with a NUL byte cannot be hashed by bcrypt")
  end
  return tostring(value)
end

local function default_rounds(fn)
  local env = os.getenv("BCRYPT_ROUNDS")
  if env == nil or env == "" then return DEFAULT_ROUNDS end
  local n = math.tointeger(tonumber(env))
  if not n or n < 4 or n > 31 then
    fail(fn, ("BCRYPT_ROUNDS is '%s': bcrypt's rounds are a whole number from 4 to 31"):format(env))
  end
  return n
end

-- options: { rounds = n } (Laravel's 'rounds'), n from 4 to 31
local function rounds_of(fn, options)
  if options == nil then return default_rounds(fn) end
  if type(options) ~= "table" then
    fail(fn, "expects options as a table { rounds = n }, got " .. type(options))
  end
  for k in pairs(options) do
    if k ~= "rounds" then fail(fn, ("takes the option rounds, not '%s'"):format(tostring(k))) end
  end
  if options.rounds == nil then return default_rounds(fn) end
  local n = math.tointeger(options.rounds)
  if not n or n < 4 or n > 31 then
    fail(fn, "rounds must be a whole number from 4 to 31, got " .. tostring(options.rounds))
  end
  return n
end

-- info(hashed) -> { algo = "2y", algo_name = "bcrypt", options = { cost = n } }, or
-- { algo_name = "unknown", options = {} } (PHP's password_get_info, as Laravel's Hash::info)
function M.info(hashed)
  local cost = type(hashed) == "string" and #hashed == 60 and hashed:match("^%$2y%$(%d%d)%$")
  if not cost then return { algo_name = "unknown", options = {} } end
  return { algo = "2y", algo_name = "bcrypt", options = { cost = tonumber(cost) } }
end

-- is_hashed(value) -> whether value is a bcrypt hash (Laravel's Hash::isHashed)
function M.is_hashed(value)
  return M.info(value).algo ~= nil
end

-- make(value, options?) -> a new hash of value, with a random salt: two
-- hashes of one password differ, and both check (--random-seed does not
-- fix them). Each takes as long as bcrypt means it to (about 0.2 s at 12
-- rounds): a seeder of many users hashes their password once.
function M.make(value, options)
  local v = check_value("make", value)
  return core.bcrypt(v, rounds_of("make", options))
end

-- check(value, hashed) -> whether value is the password of hashed; false for
-- an empty hash; an error for a hash not bcrypt's (Laravel's verify option)
function M.check(value, hashed)
  local v = check_value("check", value)
  if hashed == nil or hashed == "" then return false end
  if not M.is_hashed(hashed) then fail("check", "the hash does not use the bcrypt algorithm") end
  return core.bcrypt_check(v, hashed)
end

-- needs_rehash(hashed, options?) -> whether hashed was made with other rounds
-- (or is no bcrypt hash)
function M.needs_rehash(hashed, options)
  local info = M.info(hashed)
  return info.algo == nil or info.options.cost ~= rounds_of("needs_rehash", options)
end

return M
