-- No password in anything lmigrate prints. redact.text(s) is the one
-- redaction every error path goes through (output.lua's error, the
-- connection messages, config's URL messages): the password of every URL
-- in 's' goes (scheme://user:password@host -> scheme://user@host), so does
-- every password=value (a URL parameter, a key=value conninfo), and each
-- password lmigrate was given (redact.remember) is replaced wherever it
-- shows, also where a driver quotes it alone ("invalid percent-encoded
-- token: ..."). The user name stays: it says which login failed.
local M = {}

local secrets = {}   -- set of the passwords given
local list = {}      -- the same, longest first

-- percent-decoding, as libpq and MariaDB's client read a URL
local function decode(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- a password shorter than 3 bytes is hidden only where it sits in a URL
-- or a password=value: as a word of its own it would blank out letters of
-- every message. Nor is one that the URL shows anyway (the user's name
-- too, as in postgres://postgres:postgres@...): hiding it would hide the
-- user, the host or the database of every message instead.
local function add(s, shown)
  if type(s) ~= "string" or #s < 3 or secrets[s] then return end
  if shown and shown:find(s, 1, true) then return end
  secrets[s] = true
  list[#list + 1] = s
  table.sort(list, function(a, b) return #a > #b end)
end

-- the value of key=value at 'i' (a conninfo value may be '...' with
-- backslash escapes): -> the value as written, the index after it
local function value_at(s, i)
  if s:sub(i, i) ~= "'" then
    local j = s:find("[%s&;'\"]", i) or (#s + 1)
    return s:sub(i, j - 1), j
  end
  local j = i + 1
  while j <= #s do
    local c = s:sub(j, j)
    if c == "\\" then j = j + 2
    elseif c == "'" then return s:sub(i, j), j + 1
    else j = j + 1 end
  end
  return s:sub(i), #s + 1
end

-- each password=value of 's' -> fn(start, stop) on the value's bytes
local function each_password(s, fn)
  local init = 1
  while true do
    local _, e = s:lower():find("password%s*=%s*", init)
    if not e then return end
    local v, after = value_at(s, e + 1)
    fn(e + 1, after - 1, v)
    init = math.max(after, e + 1)
  end
end

-- remember(target): the passwords of a URL or a key=value conninfo
-- lmigrate connects with, so that they are hidden wherever they show
function M.remember(target)
  if type(target) ~= "string" then return end
  local found, shown = {}, target
  -- the password as libpq reads it (up to the first '@', unless a '/'
  -- comes first), and as a careless URL means it (up to the last '@'
  -- before the query); 'shown' is the URL without it
  for _, pattern in ipairs({ "^(%a[%w+.-]*://[^:@/]*):([^@/]*)(@.*)$",
                             "^(%a[%w+.-]*://[^:@/]*):([^?]*)(@.*)$" }) do
    local head, pass, tail = target:match(pattern)
    if pass then
      found[#found + 1] = pass
      shown = head .. tail
    end
  end
  local cut, last = {}, 1
  each_password(shown, function(i, j, v)
    found[#found + 1] = v:match("^'(.*)'$") or v
    cut[#cut + 1] = shown:sub(last, i - 1)
    last = j + 1
  end)
  cut[#cut + 1] = shown:sub(last)
  shown = table.concat(cut)
  for _, p in ipairs(found) do
    add(p, shown)
    add(decode(p), shown)
    add((p:gsub("\\(.)", "%1")), shown)
  end
end

-- secret(s, shown?): one more password to hide (a password field of
-- lmigrate.lua); 'shown' is what is printed of the connection anyway
-- (its user, host, database), where it is not hidden
function M.secret(s, shown)
  if type(s) == "string" or type(s) == "number" then add(tostring(s), shown) end
end

-- forget(): no password remembered any more (for the specs)
function M.forget()
  secrets, list = {}, {}
end

-- the user information of the URL forms help and messages show
local PLACEHOLDER = { ["user:pass"] = true, ["user:password"] = true }

-- scheme://userinfo@rest -> scheme://user@rest, for every URL of 's'
local function strip_userinfo(s)
  return (s:gsub("(%a[%w+.-]*://)([^%s'\"<>]*)", function(scheme, rest)
    local at
    for i = #rest, 1, -1 do
      if rest:sub(i, i) == "@" then at = i break end
    end
    if not at or PLACEHOLDER[rest:sub(1, at - 1)] then return nil end
    local user = rest:sub(1, at - 1):match("^[^:]*")
    return scheme .. user .. rest:sub(at)
  end))
end

local function hide_passwords(s)
  local parts, last = {}, 1
  each_password(s, function(i, j)
    parts[#parts + 1] = s:sub(last, i - 1) .. "***"
    last = j + 1
  end)
  parts[#parts + 1] = s:sub(last)
  return table.concat(parts)
end

-- text(s) -> s with no password in it (anything else: as it is)
function M.text(s)
  if type(s) ~= "string" then return s end
  for _, p in ipairs(list) do
    local i = 1
    while true do
      local a, b = s:find(p, i, true)
      if not a then break end
      s = s:sub(1, a - 1) .. "***" .. s:sub(b + 1)
      i = a + 3
    end
  end
  return hide_passwords(strip_userinfo(s))
end

return M
