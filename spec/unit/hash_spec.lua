-- lmigrate.hash (lua/lmigrate/hash.lua, src/lm_hash.c): bcrypt hashes as
-- PHP's password_hash makes them, checked against hashes PHP made, and the
-- errors of bad input at the caller's line.
local lmigrate = require("lmigrate")
local hash = require("lmigrate.hash")

-- Laravel's own test fixture and factory hash of "password" ($2y$, 10 rounds), made by PHP
local PHP_PASSWORD = "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi"

describe("lmigrate.hash", function()
  it("is lmigrate.hash, and lmigrate.bcrypt is its make", function()
    assert.equal(hash, lmigrate.hash)
    local h = lmigrate.bcrypt("secret", { rounds = 4 })
    assert.matches("^%$2y%$04%$[./A-Za-z0-9]+$", h)
    assert.is_true(hash.check("secret", h))
  end)

  it("checks a hash PHP made", function()
    assert.is_true(hash.check("password", PHP_PASSWORD))
    assert.is_false(hash.check("Password", PHP_PASSWORD))
    assert.is_false(hash.check("", PHP_PASSWORD))
  end)

  it("makes PHP's $2y$ form, with 12 rounds by default (Laravel's), a salt of its own each time", function()
    local a, b = hash.make("password"), hash.make("password")
    assert.equal(60, #a)
    assert.matches("^%$2y%$12%$", a)
    assert.are_not.equal(a, b)
    assert.is_true(hash.check("password", a))
    assert.is_true(hash.check("password", b))
    assert.is_false(hash.check("password ", a))
  end)

  it("takes the rounds Laravel's options give, and a number as the value", function()
    local h = hash.make(123456, { rounds = 5 })
    assert.matches("^%$2y%$05%$", h)
    assert.is_true(hash.check("123456", h))
    assert.is_true(hash.check(123456, h))
  end)

  it("hashes bytes past ASCII as they are", function()
    local h = hash.make("pässwörd ✓", { rounds = 4 })
    assert.is_true(hash.check("pässwörd ✓", h))
    assert.is_false(hash.check("passwort ✓", h))
  end)

  it("reads the first 72 bytes of a long password, as PHP's bcrypt (any length)", function()
    local long = ("x"):rep(72)
    local h = hash.make(long .. ("y"):rep(1000), { rounds = 4 })
    assert.is_true(hash.check(long, h))
    assert.is_true(hash.check(long .. "z", h))
    assert.is_false(hash.check(("x"):rep(71), h))
  end)

  it("tells a hash's algorithm and rounds, and when it needs a rehash", function()
    assert.same({ algo = "2y", algo_name = "bcrypt", options = { cost = 10 } }, hash.info(PHP_PASSWORD))
    assert.same({ algo_name = "unknown", options = {} }, hash.info("plain"))
    assert.is_true(hash.is_hashed(PHP_PASSWORD))
    assert.is_false(hash.is_hashed("password"))
    assert.is_false(hash.is_hashed(nil))
    assert.is_true(hash.needs_rehash(PHP_PASSWORD))
    assert.is_false(hash.needs_rehash(PHP_PASSWORD, { rounds = 10 }))
    assert.is_true(hash.needs_rehash("plain", { rounds = 10 }))
  end)

  it("checks an empty or missing hash as false", function()
    assert.is_false(hash.check("password", ""))
    assert.is_false(hash.check("password", nil))
  end)

  it("refuses bad input at the caller's line", function()
    local function raises(pattern, fn)
      local ok, err = pcall(fn)
      assert.is_false(ok)
      assert.matches("hash_spec%.lua:%d+: " .. pattern, err)
    end
    raises("lmigrate%.hash%.make: a value with a NUL byte", function() hash.make("a\0b") end)
    raises("lmigrate%.hash%.make: expects the value to hash as a string, got nil", function() hash.make() end)
    raises("lmigrate%.hash%.make: expects the value to hash as a string, got table",
      function() hash.make({}) end)
    raises("lmigrate%.hash%.make: rounds must be a whole number from 4 to 31, got 3",
      function() hash.make("x", { rounds = 3 }) end)
    raises("lmigrate%.hash%.make: rounds must be a whole number from 4 to 31, got 32",
      function() hash.make("x", { rounds = 32 }) end)
    raises("lmigrate%.hash%.make: rounds must be a whole number from 4 to 31, got 4.5",
      function() hash.make("x", { rounds = 4.5 }) end)
    raises("lmigrate%.hash%.make: takes the option rounds, not 'cost'",
      function() hash.make("x", { cost = 4 }) end)
    raises("lmigrate%.hash%.make: expects options as a table", function() hash.make("x", 10) end)
    raises("lmigrate%.hash%.make: takes the option rounds",
      function() lmigrate.bcrypt("x", { round = 4 }) end)
    raises("lmigrate%.hash%.check: the hash does not use the bcrypt algorithm",
      function() hash.check("x", "$1$abc$def") end)
    raises("lmigrate%.hash%.check: a value with a NUL byte", function() hash.check("a\0", PHP_PASSWORD) end)
  end)

  it("answers a malformed bcrypt hash with false, not a crash", function()
    local core = require("lmigrate.core")
    for _, bad in ipairs { "$2y$10$", "$2y$10$" .. ("!"):rep(53), "$2y$99$" .. ("a"):rep(53), "*0", "$" } do
      assert.is_false(core.bcrypt_check("password", bad), bad)
    end
  end)
end)
