-- lua/lmigrate/run/schema_client.lua's credentials: the password of a
-- PostgreSQL conninfo taken out of it (schema:dump and the schema load
-- export it as PGPASSWORD from a 0600 script, never on a command line),
-- whatever form it has, and the [client] option file of a MySQL
-- connection (its password there, not in argv).
local client = require("lmigrate.run.schema_client")

describe("schema_client.pg_split", function()
  -- { conninfo, what is left of it, the password }
  local CASES = {
    { "postgres://u:s3cr%40t@h:5432/app", "postgres://u@h:5432/app", "s3cr@t" },
    { "postgresql://u@h/app?password=p%20w%26&sslmode=require", "postgresql://u@h/app?sslmode=require",
      "p w&" },
    { "postgres://u@h/app?sslmode=require&password=x", "postgres://u@h/app?sslmode=require", "x" },
    { "postgres://u@h/app?password=x", "postgres://u@h/app", "x" },
    { "postgres://u@h/app", "postgres://u@h/app", nil },
    { "host='h' password='it\\'s \\\\ x' dbname='d'", "host='h'  dbname='d'", "it's \\ x" },
    { "host='h' user='u'", "host='h' user='u'", nil },
    { "password=abc host=h", " host=h", "abc" },
  }
  for _, case in ipairs(CASES) do
    it("splits " .. case[1], function()
      local info, password = client.pg_split(case[1])
      assert.equals(case[2], info)
      assert.equals(case[3], password)
    end)
  end
end)

describe("schema_client.mysql_options", function()
  it("writes the login, the server and the TLS files, each value quoted", function()
    assert.equals('[client]\nuser="u"\npassword="p\\"w\\\\x"\nhost="h"\nport="3307"\n'
      .. 'ssl-ca="/ca.pem"\nssl-verify-server-cert\n',
      client.mysql_options { user = "u", password = 'p"w\\x', host = "h", port = 3307,
                             ssl_ca = "/ca.pem", ssl_mode = "VERIFY_IDENTITY" })
  end)

  it("leaves out what is not given and turns TLS off for ssl-mode DISABLED", function()
    assert.equals('[client]\nuser="root"\nsocket="/run/mysqld/mysqld.sock"\nskip-ssl\n',
      client.mysql_options { user = "root", password = "", socket = "/run/mysqld/mysqld.sock",
                             ssl_mode = "disabled" })
  end)
end)
