-- spec/unit/redact_spec.lua: redact.text, the one redaction of what
-- lmigrate prints (issue #13, defect 8): no URL's password, no
-- password=value, no password lmigrate was given, whole or quoted alone.
local redact = require("lmigrate.redact")

describe("redact.text", function()
  before_each(function() redact.forget() end)

  local URLS = {
    { "cannot connect (postgres://u:hunter22@h/db)", "cannot connect (postgres://u@h/db)" },
    { "see 'postgresql://app:s3cr%2Fet@h:5432/db?sslmode=disable'",
      "see 'postgresql://app@h:5432/db?sslmode=disable'" },
    { "mysql://root:pw-pw@localhost/app?socket=/tmp/s", "mysql://root@localhost/app?socket=/tmp/s" },
    { "sloppy: postgres://u:SEC/RET@host/db", "sloppy: postgres://u@host/db" },
    { "sloppy: postgres://u:p@ss@host/db", "sloppy: postgres://u@host/db" },
    { "no user info: postgres://host/db", "no user info: postgres://host/db" },
    { "postgres://h/db?sslmode=require&password=hunter22&x=1",
      "postgres://h/db?sslmode=require&password=***&x=1" },
    { "host='h' password='it\\'s hunter22' dbname='d'", "host='h' password=*** dbname='d'" },
    { "PASSWORD = plain22 user=u", "PASSWORD = *** user=u" },
    { "the hint postgres://user:pass@host:port/db stays",
      "the hint postgres://user:pass@host:port/db stays" },
  }
  for _, c in ipairs(URLS) do
    it(c[1], function() assert.equals(c[2], redact.text(c[1])) end)
  end

  it("hides a remembered password wherever it shows, raw or decoded", function()
    redact.remember("postgres://u:pa%2Fss%zzword@h/db")
    assert.equals('invalid percent-encoded token: "***"',
                  redact.text('invalid percent-encoded token: "pa%2Fss%zzword"'))
    redact.remember("postgres://u:s3cr%40t@h/db")
    assert.equals("port *** is bad", redact.text("port s3cr@t is bad"))
    redact.remember("host=h password='q\\'uoted' user=u")
    assert.equals("value *** refused", redact.text("value q'uoted refused"))
    redact.secret("fieldsecret", "u h db")
    assert.equals("not ***", redact.text("not fieldsecret"))
  end)

  it("leaves what the URL shows anyway, and passwords under 3 bytes, as words", function()
    redact.remember("postgres://postgres:postgres@localhost/app")
    redact.remember("postgres://u:ab@localhost/app")
    assert.equals('failed for user "postgres" (postgres://postgres@localhost/app), ab',
      redact.text('failed for user "postgres" (postgres://postgres:postgres@localhost/app), ab'))
  end)

  it("passes what is no string", function()
    assert.equals(42, redact.text(42))
    assert.is_nil(redact.text(nil))
  end)
end)
