-- lmigrate.str: Laravel's Str helpers that data steps and seeders call
-- (Str::slug, Str::random, Str::uuid, Str::ulid, Str::snake, Str::plural,
-- ...), by their snake_case names, giving what Laravel's give for ASCII
-- text. The values that must not repeat (uuid, uuid7, ulid, random) take the
-- system's randomness, never lmigrate.fake's seeded stream: a migration that
-- fills a key column gives each row a value of its own. Case changes know
-- ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic letters; ascii()
-- and slug() transliterate the Latin
-- letters of Latin-1 and Latin Extended-A (é -> e, ß -> ss, Ł -> L) and drop
-- the other non-ASCII characters.
local core = require("lmigrate.core")
local errors = require("lmigrate.errors")

local M = {}

-- raises at the line of the user's code (errors.raise_at_user)
local function fail(name, msg)
  errors.raise_at_user("lmigrate.str." .. name .. ": " .. msg, "lmigrate/str")
end

-- the string argument of 'fn' (a number is its text, as PHP's strings)
local function text(fn, v)
  if type(v) == "number" then return tostring(v) end
  if type(v) ~= "string" then fail(fn, "expects a string, got " .. type(v)) end
  return v
end

-- {======================================================
-- Unique values: uuid, uuid7, ulid, random
-- ======================================================

local function hex(bytes)
  return (bytes:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

-- the 16 bytes of a UUID as its text, with its version and RFC 9562's variant
local function uuid_text(bytes, version)
  local b = { bytes:byte(1, 16) }
  b[7] = (b[7] & 0x0f) | (version << 4)
  b[9] = (b[9] & 0x3f) | 0x80
  local h = hex(string.char(table.unpack(b)))
  return ("%s-%s-%s-%s-%s"):format(h:sub(1, 8), h:sub(9, 12), h:sub(13, 16), h:sub(17, 20), h:sub(21, 32))
end

-- milliseconds since 1970 of 'time' (Unix seconds, a number), else now
local function ms_of(fn, time)
  if time == nil then return core.unixms() end
  if type(time) ~= "number" or time < 0 then
    fail(fn, "expects the time as Unix seconds, got " .. tostring(time))
  end
  return math.floor(time * 1000)
end

-- uuid() -> a version 4 (random) UUID, Str::uuid
function M.uuid()
  return uuid_text(core.random_bytes(16), 4)
end

-- uuid7(time?) -> a version 7 UUID, its first 48 bits the time in
-- milliseconds (Str::uuid7): ordered by creation, as Laravel 11's HasUuids keys
function M.uuid7(time)
  local ms = ms_of("uuid7", time)
  return uuid_text(string.pack(">I6", ms & 0xffffffffffff) .. core.random_bytes(10), 7)
end

local CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

-- ulid(time?) -> a ULID (Str::ulid, as text): 10 characters of the time in
-- milliseconds, 16 random, Crockford's base 32
function M.ulid(time)
  local ms = ms_of("ulid", time)
  local out = {}
  for i = 10, 1, -1 do
    local d = ms & 31
    out[i] = CROCKFORD:sub(d + 1, d + 1)
    ms = ms >> 5
  end
  -- 80 random bits: two integers of 40 bits, 8 characters each
  local r = core.random_bytes(10)
  for half = 0, 1 do
    local v = string.unpack(">I5", r, 1 + half * 5)
    for i = 8, 1, -1 do
      local d = v & 31
      out[10 + half * 8 + i] = CROCKFORD:sub(d + 1, d + 1)
      v = v >> 5
    end
  end
  return table.concat(out)
end

-- is_uuid(value), is_ulid(value) -> whether value has their form
function M.is_uuid(value)
  return type(value) == "string" and value:match("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-"
    .. "%x%x%x%x%x%x%x%x%x%x%x%x$") ~= nil
end

function M.is_ulid(value)
  return type(value) == "string" and #value == 26
    and value:match("^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]+$") ~= nil
end

local ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

-- random(length = 16) -> that many letters and digits (Str::random)
function M.random(length)
  length = length == nil and 16 or math.tointeger(length)
  if not length or length < 0 then fail("random", "expects a length of 0 or more") end
  local out, n = {}, 0
  while n < length do
    local bytes = core.random_bytes(math.min(length - n + 8, 65536))
    for i = 1, #bytes do
      if n == length then break end
      local b = bytes:byte(i)
      if b < 248 then   -- 248 = 4 * 62: every character as likely
        n = n + 1
        out[n] = ALNUM:sub(b % 62 + 1, b % 62 + 1)
      end
    end
  end
  return table.concat(out)
end

-- }======================================================

-- {======================================================
-- Case and words
-- ======================================================

-- the letters of more than one byte with a case: Latin-1 and Latin
-- Extended-A, Greek, Cyrillic (lower -> upper and back)
local TO_UPPER, TO_LOWER = {}, {}
local function pair(up, low)
  TO_UPPER[utf8.char(low)], TO_LOWER[utf8.char(up)] = utf8.char(up), utf8.char(low)
end
for cp = 0xC0, 0xDE do if cp ~= 0xD7 then pair(cp, cp + 0x20) end end
for cp = 0x100, 0x17E, 2 do
  if cp < 0x138 or cp > 0x148 then
    if cp ~= 0x130 then pair(cp, cp + 1) end
  end
end
for cp = 0x139, 0x147, 2 do pair(cp, cp + 1) end
for cp = 0x179, 0x17D, 2 do pair(cp, cp + 1) end
pair(0x178, 0xFF)
for cp = 0x391, 0x3A9 do if cp ~= 0x3A2 then pair(cp, cp + 0x20) end end
for cp = 0x410, 0x42F do pair(cp, cp + 0x20) end
for cp = 0x400, 0x40F do pair(cp, cp + 0x50) end

local MULTI = "[\192-\247][\128-\191]*"
local function lower(s) return (s:lower():gsub(MULTI, TO_LOWER)) end
local function upper(s) return (s:upper():gsub(MULTI, TO_UPPER)) end

-- the first character (UTF-8) changed by 'f', the rest as it is
local function first(s, f)
  local n = s:match("^[\192-\247][\128-\191]*()") or 2
  return f(s:sub(1, n - 1)) .. s:sub(n)
end

-- lower, upper, ucfirst, lcfirst
function M.lower(value) return lower(text("lower", value)) end
function M.upper(value) return upper(text("upper", value)) end
function M.ucfirst(value) return first(text("ucfirst", value), upper) end
function M.lcfirst(value) return first(text("lcfirst", value), lower) end

-- title(value) -> each word capitalised, the rest lower case (mb_convert_case's title case)
function M.title(value)
  local s = lower(text("title", value))
  return (s:gsub("()(%a)", function(at, c)
    local before = at > 1 and s:sub(at - 1, at - 1) or ""
    if before:match("[%w']") then return c end
    return c:upper()
  end))
end

-- snake(value, delimiter = "_") -> "fooBar" -> "foo_bar"; as Laravel's, each
-- capital starts a word ("HTTPRequest" -> "h_t_t_p_request") and spaces go
function M.snake(value, delimiter)
  local s = text("snake", value)
  delimiter = delimiter == nil and "_" or text("snake", delimiter)
  if s:match("^%l+$") then return s end
  -- PHP's ucwords: the first letter and each after whitespace capitalised
  s = s:gsub("^%l", string.upper):gsub("(%s)(%l)", function(w, c) return w .. c:upper() end)
  s = s:gsub("%s+", "")
  -- a delimiter before each capital but the first character (Laravel's (.)(?=[A-Z]))
  local out = {}
  for i = 1, #s do
    local c = s:sub(i, i)
    if i > 1 and c:match("%u") then out[#out + 1] = delimiter end
    out[#out + 1] = c
  end
  s = table.concat(out)
  return lower(s)
end

-- kebab(value) -> snake with "-"
function M.kebab(value) return M.snake(text("kebab", value), "-") end

-- studly(value) -> "foo_bar baz-qux" -> "FooBarBazQux"
function M.studly(value)
  local s = text("studly", value):gsub("[%-_]", " ")
  local out = {}
  for word in (s .. " "):gmatch("(.-) ") do out[#out + 1] = word:sub(1, 1):upper() .. word:sub(2) end
  return table.concat(out)
end
M.pascal = M.studly

-- camel(value) -> "foo_bar" -> "fooBar"
function M.camel(value) return M.lcfirst(M.studly(text("camel", value))) end

-- plural(value, count = 2), singular(value): Laravel's inflector (English), the case kept
function M.plural(value, count)
  local s = text("plural", value)
  if count ~= nil and (type(count) ~= "number" or math.abs(count) == 1) then
    if type(count) ~= "number" then fail("plural", "expects the count as a number") end
    return s
  end
  if not s:match("[%w\128-\255]$") then return s end
  return core.plural(s)
end

function M.singular(value) return core.singular(text("singular", value)) end

-- limit(value, limit = 100, end = "...") -> at most 'limit' characters (UTF-8), then 'end'
function M.limit(value, limit, ending)
  local s = text("limit", value)
  limit = limit == nil and 100 or math.tointeger(limit)
  if not limit or limit < 0 then fail("limit", "expects a limit of 0 or more") end
  ending = ending == nil and "..." or text("limit", ending)
  if (utf8.len(s) or #s) <= limit then return s end
  local cut = utf8.offset(s, limit + 1) or (limit + 1)
  return (s:sub(1, cut - 1):gsub("%s+$", "")) .. ending
end

-- }======================================================

-- {======================================================
-- ascii, slug
-- ======================================================

-- the Latin letters from U+00C0 and U+0100 on, in order ('' drops one)
local LATIN = {
  [0xC0] = "A A A A A A AE C E E E E I I I I D N O O O O O x O U U U U Y TH ss "
    .. "a a a a a a ae c e e e e i i i i d n o o o o o '' o u u u u y th y",
  [0x100] = "A a A a A a C c C c C c C c D d D d E e E e E e E e E e G g G g G g G g "
    .. "H h H h I i I i I i I i I i IJ ij J j K k k L l L l L l L l L l N n N n N n "
    .. "'n N n O o O o O o OE oe R r R r R r S s S s S s S s T t T t T t U u U u U u "
    .. "U u U u U u W w Y y Y Z z Z z Z z s",
}
local TO_ASCII = {}
for start, list in pairs(LATIN) do
  local cp = start
  for r in list:gmatch("%S+") do
    TO_ASCII[utf8.char(cp)] = r == "''" and "" or r
    cp = cp + 1
  end
end
-- German's own: ä -> ae (Laravel's ascii($value, 'de'))
local GERMAN = { ["ä"] = "ae", ["ö"] = "oe", ["ü"] = "ue", ["Ä"] = "AE", ["Ö"] = "OE", ["Ü"] = "UE" }
-- the punctuation text carries: quotes, dashes, the ellipsis, a no-break space
local PUNCT = { ["‘"] = "'", ["’"] = "'", ["‚"] = "'", ["“"] = '"', ["”"] = '"', ["„"] = '"',
                ["–"] = "-", ["—"] = "-", ["…"] = "...", ["\u{a0}"] = " " }

-- ascii(value, language = "en") -> the value in ASCII: Latin letters
-- transliterated, other non-ASCII characters dropped
function M.ascii(value, language)
  local s = text("ascii", value)
  local de = language == "de"
  return (s:gsub("[\192-\247][\128-\191]*", function(ch)
    return (de and GERMAN[ch]) or TO_ASCII[ch] or PUNCT[ch] or ""
  end):gsub("[\128-\255]", ""))
end

local function pattern_quote(s) return (s:gsub("%W", "%%%0")) end

local UTF8_CHAR = "[%z\1-\127\194-\244][\128-\191]*"

-- slug(title, separator = "-", language = "en", dictionary = { ["@"] = "at" })
-- -> Laravel's URL slug: "Hello World @ Café" -> "hello-world-at-cafe". A
-- false language keeps non-ASCII letters as they are (every character of
-- more than one byte counts as a letter then).
function M.slug(title, separator, language, dictionary)
  local s = text("slug", title)
  separator = separator == nil and "-" or text("slug", separator)
  if language == nil then language = "en" end
  if dictionary == nil then dictionary = { ["@"] = "at" } end
  if type(dictionary) ~= "table" then fail("slug", "expects the dictionary as a table") end
  if language then s = M.ascii(s, language) end
  -- dashes and underscores: the separator
  local flip = separator == "-" and "_" or "-"
  s = s:gsub(pattern_quote(flip) .. "+", (separator:gsub("%%", "%%%%")))
  local keys = {}
  for k in pairs(dictionary) do keys[#keys + 1] = text("slug", k) end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local word = separator .. text("slug", dictionary[k]) .. separator
    s = s:gsub(pattern_quote(k), (word:gsub("%%", "%%%%")))
  end
  s = lower(s)
  -- each character of the separator, whitespace, letters and digits stay; runs
  -- of the separator's characters and whitespace become one separator
  local own = {}
  for ch in separator:gmatch(UTF8_CHAR) do own[ch] = true end
  local out, gap = {}, false
  for ch in s:gmatch(UTF8_CHAR) do
    if own[ch] or ch:match("^%s$") then
      gap = true
    elseif ch:match("^%w$") or #ch > 1 then
      if gap and #out > 0 then out[#out + 1] = separator end
      gap = false
      out[#out + 1] = ch
    end
  end
  return table.concat(out)
end

return M
