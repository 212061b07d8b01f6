-- lmigrate.md5, lmigrate.sha1, lmigrate.digest (src/lm_digest.c): PHP's
-- md5(), sha1() and hash(): the standards' test vectors, every length
-- around a block's padding against coreutils' md5sum/sha1sum/sha256sum,
-- raw bytes, errors at the caller's line.
local lmigrate = require("lmigrate")

local function sum(tool, data)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
  local p = assert(io.popen(tool .. " " .. path))
  local out = p:read("*a")
  p:close()
  os.remove(path)
  return out:match("^(%x+)")
end

describe("lmigrate digests", function()
  it("give the standards' test vectors", function()
    assert.equal("d41d8cd98f00b204e9800998ecf8427e", lmigrate.md5(""))
    assert.equal("900150983cd24fb0d6963f7d28e17f72", lmigrate.md5("abc"))
    assert.equal("a9993e364706816aba3e25717850c26c9cd0d89d", lmigrate.sha1("abc"))
    assert.equal("da39a3ee5e6b4b0d3255bfef95601890afd80709", lmigrate.sha1(""))
    assert.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      lmigrate.digest("sha256", "abc"))
    assert.equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      lmigrate.digest("sha256", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
    local a = ("a"):rep(1000000)
    assert.equal("7707d6ae4e027c70eea2a935c2296f21", lmigrate.md5(a))
    assert.equal("34aa973cd4c4daa4f61eeb2bdbad27316534016f", lmigrate.sha1(a))
    assert.equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
      lmigrate.digest("sha256", a))
  end)

  it("agree with coreutils at every length around the padding, any byte", function()
    local bytes = {}
    for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
    local all = table.concat(bytes)
    for _, n in ipairs { 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000 } do
      local data = (all:rep(4)):sub(1, n)
      assert.equal(sum("md5sum", data), lmigrate.md5(data), "md5 of " .. n)
      assert.equal(sum("sha1sum", data), lmigrate.sha1(data), "sha1 of " .. n)
      assert.equal(sum("sha256sum", data), lmigrate.digest("sha256", data), "sha256 of " .. n)
      assert.equal(lmigrate.md5(data), lmigrate.digest("md5", data))
      assert.equal(lmigrate.sha1(data), lmigrate.digest("sha1", data))
    end
  end)

  it("give the raw bytes when asked, a number's text as PHP's", function()
    local raw = lmigrate.digest("sha256", "abc", true)
    assert.equal(32, #raw)
    assert.equal("ba7816bf", ("%02x%02x%02x%02x"):format(raw:byte(1, 4)))
    assert.equal(16, #lmigrate.md5("abc", true))
    assert.equal(20, #lmigrate.sha1("abc", true))
    assert.equal(lmigrate.md5("42"), lmigrate.md5(42))
  end)

  it("refuse bad input at the caller's line", function()
    local ok, err = pcall(function() lmigrate.digest("sha512", "x") end)
    assert.is_false(ok)
    assert.matches("digest_spec%.lua:%d+: lmigrate%.digest: the algorithm is md5, sha1 or sha256, "
      .. "not sha512", err)
    ok, err = pcall(function() lmigrate.md5(nil) end)
    assert.is_false(ok)
    assert.matches("digest_spec%.lua:%d+: lmigrate%.md5: expects the data as a string, got nil", err)
    ok, err = pcall(function() lmigrate.sha1({}) end)
    assert.is_false(ok)
    assert.matches("digest_spec%.lua:%d+: lmigrate%.sha1: expects the data as a string, got table", err)
  end)
end)
