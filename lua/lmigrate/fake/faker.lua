-- Faker's names on lmigrate.fake (fake/init.lua installs them), by their
-- snake_case names with Faker's arguments, so that a Laravel factory's
-- fake()->numberBetween(1, 10), ->randomElement([...]), ->company(),
-- ->dateTimeBetween('-1 year', 'now'), ->optional()->... port call for
-- call. The values are en_US-like, from the small lists here; they come
-- from the generator's seeded stream as the others do (a seed, the same
-- rows). What Faker has and this does not: the locales, regexify, the
-- person's gender-specific names, payment and barcode data.

local core = require("lmigrate.core")

local L = {
  company_suffixes = { "Inc", "LLC", "Ltd", "Group", "PLC", "and Sons", "Partners", "Co" },
  job_titles = {
    "Accountant", "Architect", "Baker", "Carpenter", "Chemist", "Designer", "Developer",
    "Economist", "Editor", "Electrician", "Engineer", "Gardener", "Geologist", "Historian",
    "Journalist", "Librarian", "Mechanic", "Nurse", "Pharmacist", "Photographer", "Pilot",
    "Plumber", "Surveyor", "Teacher", "Translator", "Veterinarian", "Writer",
  },
  street_suffixes = { "Street", "Avenue", "Road", "Lane", "Drive", "Court", "Place", "Way",
                      "Boulevard", "Terrace" },
  city_prefixes = { "North", "South", "East", "West", "New", "Lake", "Port", "Fort" },
  city_suffixes = { "ville", "town", "burgh", "field", "haven", "port", "mouth", "side" },
  states = {
    { "Alabama", "AL" }, { "Alaska", "AK" }, { "Arizona", "AZ" }, { "California", "CA" },
    { "Colorado", "CO" }, { "Florida", "FL" }, { "Georgia", "GA" }, { "Illinois", "IL" },
    { "Maine", "ME" }, { "Michigan", "MI" }, { "Nevada", "NV" }, { "New York", "NY" },
    { "Ohio", "OH" }, { "Oregon", "OR" }, { "Texas", "TX" }, { "Utah", "UT" },
    { "Vermont", "VT" }, { "Virginia", "VA" }, { "Washington", "WA" }, { "Wyoming", "WY" },
  },
  countries = {
    { "Argentina", "AR" }, { "Australia", "AU" }, { "Brazil", "BR" }, { "Canada", "CA" },
    { "Chile", "CL" }, { "China", "CN" }, { "Denmark", "DK" }, { "Egypt", "EG" },
    { "France", "FR" }, { "Germany", "DE" }, { "India", "IN" }, { "Italy", "IT" },
    { "Japan", "JP" }, { "Kenya", "KE" }, { "Mexico", "MX" }, { "Netherlands", "NL" },
    { "Nigeria", "NG" }, { "Norway", "NO" }, { "Poland", "PL" }, { "Portugal", "PT" },
    { "Spain", "ES" }, { "Sweden", "SE" }, { "United Kingdom", "GB" }, { "United States", "US" },
  },
  colors = { "black", "blue", "fuchsia", "gray", "green", "lime", "maroon", "navy", "olive",
             "orange", "purple", "red", "silver", "teal", "white", "yellow" },
  titles = { "Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Prof." },
  currencies = { "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "CNY", "SEK", "NZD", "BRL", "INR" },
  timezones = { "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
                "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
                "Asia/Tokyo", "Asia/Kolkata", "Asia/Shanghai", "Australia/Sydney", "Africa/Lagos" },
  languages = { "en", "fr", "de", "es", "it", "pt", "nl", "sv", "pl", "ja", "zh", "hi", "ar" },
  locales = { "en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_BR", "nl_NL", "ja_JP" },
  free_domains = { "gmail.com", "yahoo.com", "hotmail.com" },
  tlds = { "com", "net", "org", "info", "biz" },
  files = {
    { "txt", "text/plain" }, { "csv", "text/csv" }, { "html", "text/html" }, { "pdf", "application/pdf" },
    { "json", "application/json" }, { "zip", "application/zip" }, { "png", "image/png" },
    { "jpg", "image/jpeg" }, { "gif", "image/gif" }, { "svg", "image/svg+xml" }, { "mp3", "audio/mpeg" },
    { "mp4", "video/mp4" },
  },
  phone_formats = { "###-###-####", "(###) ###-####", "+1-###-###-####", "###.###.####" },
}

local LETTERS = "abcdefghijklmnopqrstuvwxyz"
local PASSWORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*+-=?@^_"

-- the seconds of strtotime's relative forms Faker's dates take: "now",
-- "today", "yesterday", "tomorrow", "+1 week", "-30 years", "2 days ago"
local UNITS = { second = 1, sec = 1, minute = 60, min = 60, hour = 3600, day = 86400, week = 604800,
                fortnight = 1209600 }

return function(G, P)
  local below, integer, pick, bad = P.below, P.integer, P.pick, P.bad

  local function char_of(s) local k = below(#s) + 1 return s:sub(k, k) end

  -- {======================================================
  -- Numbers, picks, patterns
  -- ======================================================

  function G.number_between(lo, hi) return integer(lo or 0, hi or 2147483647) end
  function G.random_digit() return below(10) end
  function G.random_digit_not_null() return below(9) + 1 end
  function G.random_digit_not(n) local d = below(9) return d >= n and d + 1 or d end
  -- random_number(nb_digits?, strict = false): up to nb_digits digits (exactly, strict)
  function G.random_number(digits, strict)
    digits = digits or integer(1, 9)
    if math.type(digits) ~= "integer" or digits < 1 or digits > 18 then
      bad("random_number", "expects 1 to 18 digits")
    end
    local top = 1
    for _ = 1, digits do top = top * 10 end
    return integer(strict and top // 10 or 0, top - 1)
  end
  -- random_float(max_decimals = 2, min = 0, max = min + 1000000)
  function G.random_float(decimals, lo, hi)
    lo = lo or 0
    return G.float(lo, hi or lo + 1000000, decimals or 2)
  end
  function G.random_element(list) return pick(list or { "a", "b", "c" }) end
  function G.random_key(t)
    local keys = {}
    for k in pairs(t or {}) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    return pick(keys)
  end
  -- random_elements(list, count = 1, allow_duplicates = false) -> a list
  function G.random_elements(list, count, dupes)
    list, count = list or { "a", "b", "c" }, count or 1
    if type(list) ~= "table" then bad("random_elements", "expects a list") end
    if not dupes and count > #list then
      bad("random_elements", ("cannot pick %d distinct elements of %d"):format(count, #list))
    end
    if dupes then
      local out = {}
      for i = 1, count do out[i] = pick(list) end
      return out
    end
    -- the first 'count' of a shuffle of the positions, in the list's order (as Faker's)
    local at = G.shuffle((function() local t = {} for i = 1, #list do t[i] = i end return t end)())
    local keep = {}
    for i = 1, count do keep[at[i]] = true end
    local out = {}
    for i = 1, #list do if keep[i] then out[#out + 1] = list[i] end end
    return out
  end
  function G.random_letter() return char_of(LETTERS) end
  function G.random_ascii() return string.char(33 + below(94)) end
  -- numerify("###") digits for #, lexify("???") letters for ?, bothify both and * either
  function G.numerify(s) return ((s or "###"):gsub("#", function() return tostring(below(10)) end)) end
  function G.lexify(s) return ((s or "????"):gsub("%?", function() return char_of(LETTERS) end)) end
  function G.bothify(s)
    s = G.lexify(G.numerify(s or "## ??"))
    return (s:gsub("%*", function() return below(2) == 0 and tostring(below(10)) or char_of(LETTERS) end))
  end
  function G.asciify(s) return ((s or "****"):gsub("%*", function() return G.random_ascii() end)) end

  -- }======================================================

  -- {======================================================
  -- Text, people, companies, places
  -- ======================================================

  -- text(max_nb_chars = 200): sentences up to that length, ending with a full stop
  function G.text(max)
    max = max or 200
    if math.type(max) ~= "integer" or max < 5 then bad("text", "expects at least 5 characters") end
    local out = ""
    while true do
      local s = G.sentence()
      local longer = out == "" and s or out .. " " .. s
      if #longer > max then break end
      out = longer
    end
    if out == "" then   -- no whole sentence fits: words, then a full stop
      local w = G.words(30):sub(1, max - 1):gsub("%s*%S*$", "")
      if w == "" then w = G.word():sub(1, max - 1) end
      out = w:sub(1, 1):upper() .. w:sub(2) .. "."
    end
    return out
  end
  G.real_text = G.text
  -- sentences(n = 3, as_text = false), paragraphs(n = 3, as_text = false): a list, or one text
  function G.sentences(n, as_text)
    local t = {}
    for i = 1, n or 3 do t[i] = G.sentence() end
    return as_text and table.concat(t, " ") or t
  end
  function G.paragraphs(n, as_text)
    local t = {}
    for i = 1, n or 3 do t[i] = G.paragraph() end
    return as_text and table.concat(t, "\n\n") or t
  end
  -- slug(nb_words = 6, variable_nb_words = true): as Faker's, the count of words
  -- varied to 60..140 % of nb_words, plus one (Faker's randomizeNbElements), unless
  -- variable_nb_words is false: a factory's bare slug gives 4 to 9 words, as under Faker
  function G.slug(n, variable)
    n = n or 6
    if math.type(n) ~= "integer" then bad("slug", "expects a whole number of words") end
    if n <= 0 then return "" end
    if variable ~= false then n = n * integer(60, 140) // 100 + 1 end
    return (G.words(n):gsub(" ", "-"))
  end
  function G.title() return pick(L.titles) end
  G.title_male, G.title_female = G.title, G.title
  G.user_name = G.username
  G.safe_email = G.email
  function G.free_email() return G.username() .. "@" .. pick(L.free_domains) end
  G.company_email = G.email
  function G.password(lo, hi)
    local n = integer(lo or 6, hi or 20)
    local t = {}
    for i = 1, n do t[i] = char_of(PASSWORD_CHARS) end
    return table.concat(t)
  end
  function G.company_suffix() return pick(L.company_suffixes) end
  function G.company() return G.last_name() .. " " .. G.company_suffix() end
  function G.job_title() return pick(L.job_titles) end
  function G.phone_number() return G.numerify(pick(L.phone_formats)) end
  G.e164_phone_number = function() return "+1" .. G.numerify("##########") end
  function G.building_number() return tostring(integer(1, 9999)) end
  function G.street_suffix() return pick(L.street_suffixes) end
  function G.street_name() return G.last_name() .. " " .. G.street_suffix() end
  function G.street_address() return G.building_number() .. " " .. G.street_name() end
  function G.city()
    if below(2) == 0 then return pick(L.city_prefixes) .. " " .. G.last_name() end
    return G.last_name() .. pick(L.city_suffixes)
  end
  function G.state() return pick(L.states)[1] end
  function G.state_abbr() return pick(L.states)[2] end
  function G.postcode() return G.numerify("#####") end
  G.zip_code = G.postcode
  function G.country() return pick(L.countries)[1] end
  function G.country_code() return pick(L.countries)[2] end
  function G.address()
    return G.street_address() .. "\n" .. G.city() .. ", " .. G.state_abbr() .. " " .. G.postcode()
  end
  -- latitude(min = -90, max = 90), longitude(min = -180, max = 180): six decimals
  function G.latitude(lo, hi) return G.float(lo or -90, hi or 90, 6) end
  function G.longitude(lo, hi) return G.float(lo or -180, hi or 180, 6) end

  -- }======================================================

  -- {======================================================
  -- The internet, colours, files, codes
  -- ======================================================

  function G.tld() return pick(L.tlds) end
  function G.domain_word() return G.last_name():lower() end
  function G.domain_name() return G.domain_word() .. "." .. G.tld() end
  function G.ipv4()
    return ("%d.%d.%d.%d"):format(integer(1, 254), below(256), below(256), integer(1, 254))
  end
  function G.local_ipv4() return ("192.168.%d.%d"):format(below(256), integer(1, 254)) end
  function G.ipv6()
    local t = {}
    for i = 1, 8 do t[i] = ("%x"):format(below(65536)) end
    return table.concat(t, ":")
  end
  function G.mac_address()
    local t = {}
    for i = 1, 6 do t[i] = ("%02X"):format(below(256)) end
    return table.concat(t, ":")
  end
  -- image_url(width = 640, height = 480): a placeholder image's address
  function G.image_url(w, h) return ("https://placehold.co/%dx%d.png"):format(w or 640, h or 480) end
  function G.hex_color() return ("#%06x"):format(below(0x1000000)) end
  G.safe_hex_color = G.hex_color
  function G.rgb_color() return ("%d,%d,%d"):format(below(256), below(256), below(256)) end
  function G.rgb_color_as_array() return { below(256), below(256), below(256) } end
  function G.color_name() return pick(L.colors) end
  G.safe_color_name = G.color_name
  function G.currency_code() return pick(L.currencies) end
  function G.timezone() return pick(L.timezones) end
  function G.language_code() return pick(L.languages) end
  function G.locale() return pick(L.locales) end
  function G.file_extension() return pick(L.files)[1] end
  function G.mime_type() return pick(L.files)[2] end
  -- md5(), sha1(), sha256(): of random bytes, as Faker's
  for _, algo in ipairs { "md5", "sha1", "sha256" } do
    G[algo] = function()
      return core.digest(algo, string.pack("<i8i8", P.bits(), P.bits()))
    end
  end
  G.uuid4 = G.uuid

  -- }======================================================

  -- {======================================================
  -- Dates as Faker's: strtotime's forms or Unix seconds
  -- ======================================================

  -- the Unix seconds of a Faker date argument: nil (its default), Unix
  -- seconds, a date text fake.date takes, or a relative form from now
  local function when(method, v, default)
    if v == nil then v = default end
    if type(v) == "number" then return math.floor(v) end
    if type(v) ~= "string" then bad(method, "expects a date, 'now', '-1 year' or Unix seconds") end
    local now = os.time()
    local s = v:lower():gsub("^%s+", ""):gsub("%s+$", "")
    if s == "now" then return now end
    local midnight = now - now % 86400
    if s == "today" or s == "midnight" then return midnight end
    if s == "yesterday" then return midnight - 86400 end
    if s == "tomorrow" then return midnight + 86400 end
    local sign, n, unit = s:match("^([+-]?)%s*(%d+)%s*(%a+)$")
    local ago = false
    if not n then
      n, unit = s:match("^(%d+)%s*(%a+)%s+ago$")
      sign, ago = "-", true
    end
    if n then
      unit = unit:gsub("s$", "")
      local k = tonumber(n) * ((sign == "-" or ago) and -1 or 1)
      if UNITS[unit] then return now + k * UNITS[unit] end
      if unit == "month" or unit == "year" then   -- calendar months, as strtotime's
        local d = os.date("!*t", now)
        local months = d.year * 12 + (d.month - 1) + (unit == "year" and 12 or 1) * k
        local y, m = months // 12, months % 12 + 1
        local days = { 31, (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) and 29 or 28, 31, 30, 31, 30,
                       31, 31, 30, 31, 30, 31 }
        local day = math.min(d.day, days[m])
        return P.seconds_of(method, ("%04d-%02d-%02d %02d:%02d:%02d"):format(y, m, day, d.hour, d.min, d.sec))
      end
    end
    return P.seconds_of(method, v)
  end

  local function stamp(s) return P.format_date(s) .. " " .. P.format_time(s) end

  -- date_time_between(start = "-30 years", end = "now") -> "YYYY-MM-DD HH:MM:SS" (UTC)
  function G.date_time_between(from, to)
    local a, b = when("date_time_between", from, "-30 years"), when("date_time_between", to, "now")
    if a > b then bad("date_time_between", "expects start <= end") end
    return stamp(a + below(b - a + 1))
  end
  -- date_time(max = "now"), date_time_this_year/month/decade, unix_time(max = "now"), iso8601(max)
  function G.date_time(max) return stamp(below(when("date_time", max, "now") + 1)) end
  function G.unix_time(max) return below(when("unix_time", max, "now") + 1) end
  function G.iso8601(max)
    local s = below(when("iso8601", max, "now") + 1)
    return P.format_date(s) .. "T" .. P.format_time(s) .. "+0000"
  end
  function G.date_time_this_year() return G.date_time_between("-1 year", "now") end
  function G.date_time_this_month() return G.date_time_between("-1 month", "now") end
  function G.date_time_this_decade() return G.date_time_between("-10 years", "now") end
  function G.date_time_this_century() return G.date_time_between("-100 years", "now") end

  -- }======================================================
  return L
end
