-- MySQL over TLS (issue 9): ssl-mode, ssl-ca, ssl-capath, ssl-cert and
-- ssl-key of a mysql:// URL and of lmigrate.lua, on a MariaDB that offers
-- TLS on TCP (scripts/with-mariadb.sh: a throwaway CA, the server's
-- certificate for localhost and 127.0.0.1, a client certificate of the
-- same CA). A connection made really is encrypted: the migration records
-- the Ssl_cipher of its own session. One that cannot be made as asked
-- exits 3 with the library's message and the TLS options it was tried
-- with, never the password. A server without TLS is one of the spec's
-- own (LMIGRATE_MYSQL_TLS=off scripts/with-mariadb.sh).
local helpers = require("spec.helpers")
local servers = require("spec.support.servers")

local ONE = "2026_01_01_000001_create_one"
local PW = "tls-Secret-pw9"

-- nothing of the MYSQL_* variables may rescue (or break) a connection
local MY_POISON = { MYSQL_HOST = "192.0.2.1", MYSQL_TCP_PORT = "1", MYSQL_PWD = "lmigrate-wrong" }

local quote = helpers.quote

-- a path as a URL parameter's value: what the URL could misread is %XX
local function esc(s)
  return (s:gsub("[^%w/._-]", function(c) return ("%%%02X"):format(c:byte()) end))
end

-- the source tree, absolute: runs happen in the project's folder
local function source_dir()
  local p = assert(io.popen("cd " .. quote(helpers.source) .. " && pwd"))
  local dir = p:read("l")
  p:close()
  return dir
end

local function assert_no_password(r)
  assert.is_nil(r.output:find(PW, 1, true), "the password is printed\n" .. helpers.describe_run(r))
end

-- exit 3, every plain string of 'says' on stderr, no traceback, no password
local function assert_cannot_connect(r, says)
  helpers.assert_status(3, r)
  for _, s in ipairs(says) do
    assert(r.stderr:find(s, 1, true), ("stderr does not say %q\n%s"):format(s, helpers.describe_run(r)))
  end
  assert.is_nil(r.stderr:find("stack traceback", 1, true), helpers.describe_run(r))
  assert.is_nil(r.stdout:find("DONE", 1, true), helpers.describe_run(r))
  assert_no_password(r)
end

local WHAT = "MySQL over TLS [#mysql]"
local server = servers.need_mysql_tls(WHAT)

if server then
  describe(WHAT, function()
    local my = helpers.dialects.mysql
    local tls, port = server.tls, server.port
    local user, x509_user   -- 'u'@'127.0.0.1' with password PW; the second REQUIRE X509
    local tmp, other_ca, capath
    local project

    setup(function()
      tmp = helpers.mktemp_dir()
      -- a CA of the spec's own, which signed nothing of the server's
      other_ca = tmp .. "/other-ca.pem"
      assert.equals(0, helpers.sh(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
        .. "-subj '/CN=lmigrate spec other CA' -keyout %s -out %s >/dev/null 2>&1")
        :format(quote(tmp .. "/other-ca-key.pem"), quote(other_ca))))
      -- the server's CA as an ssl-capath folder (named by its hash)
      capath = tmp .. "/capath"
      assert.equals(0, helpers.sh(("mkdir %s && cp %s %s/ && openssl rehash %s")
        :format(quote(capath), quote(tls.ca), quote(capath), quote(capath))))
      user, x509_user = helpers.unique_name("lm_tls"), helpers.unique_name("lm_x509")
      local admin = my:open()
      for _, u in ipairs { { user, "" }, { x509_user, " REQUIRE X509" } } do
        admin:run(("CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s'%s"):format(u[1], PW, u[2]))
        admin:run(("GRANT ALL ON `lmigrate\\_spec\\_%%`.* TO '%s'@'127.0.0.1'"):format(u[1]))
      end
      admin:close()
    end)

    teardown(function()
      local admin = my:open()
      for _, u in ipairs { user, x509_user } do
        if u then admin:exec(("DROP USER IF EXISTS '%s'@'127.0.0.1'"):format(u)) end
      end
      admin:close()
      if tmp and not helpers.keep then helpers.sh("rm -rf " .. quote(tmp)) end
    end)

    before_each(function()
      project = helpers.project(my)
      -- records the cipher of the migration's own session ("": no TLS)
      project:write(ONE, helpers.migration {
        name = "CreateOne",
        up = [[
  self.schema:create("one", function(t)
    t:increments("id")
    t:string("cipher")
  end)
  local row = self.db:query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")[1]
  self.db:execute("INSERT INTO one (cipher) VALUES (?)", row.Value)]],
        down = '  self.schema:drop("one")',
      })
    end)

    after_each(function()
      if project then project:cleanup() end
      project = nil
    end)

    -- the URL of the project's database over TCP with the query 'q';
    -- opts.user (default: user), opts.host (default 127.0.0.1)
    local function url(q, opts)
      opts = opts or {}
      return ("mysql://%s:%s@%s:%s/%s%s"):format(opts.user or user, PW, opts.host or "127.0.0.1",
        port, project.my_db, q and ("?" .. q) or "")
    end

    local function cipher()
      return project:with_db(function(db) return db:scalar("SELECT cipher FROM one") end)
    end

    -- migrate and status work with 'args' (--database URL, or none:
    -- lmigrate.lua); -> the cipher of the migration's session
    local function migrates(args)
      local r = project:run({ "migrate", table.unpack(args) }, { env = MY_POISON })
      helpers.assert_status(0, r)
      assert_no_password(r)
      assert.same({ ONE }, project:applied())
      local s = project:run({ "status", table.unpack(args) }, { env = MY_POISON })
      helpers.assert_status(0, s)
      assert(s.stdout:find(ONE, 1, true), helpers.describe_run(s))
      assert_no_password(s)
      return cipher()
    end

    local function assert_tls(c)
      assert(c ~= "" and c ~= nil, "the session has no TLS cipher")
    end

    local function cannot(q, opts)
      return project:run({ "migrate", "--database", url(q, opts) }, { env = MY_POISON })
    end

    it("ssl-mode=REQUIRED over TCP migrates, status works, the session is encrypted", function()
      assert_tls(migrates { "--database", url("ssl-mode=REQUIRED") })
    end)

    it("ssl-mode=VERIFY_CA with the server's CA (ssl-ca) migrates over TLS", function()
      assert_tls(migrates { "--database", url("ssl-mode=VERIFY_CA&ssl-ca=" .. esc(tls.ca)) })
    end)

    it("ssl_mode=VERIFY_IDENTITY with ssl_ca (the '_' spelling) migrates: the name is 127.0.0.1",
      function()
        assert_tls(migrates { "--database", url("ssl_mode=VERIFY_IDENTITY&ssl_ca=" .. esc(tls.ca)) })
      end)

    it("sslmode=verify-full with ssl-capath (a hashed CA folder) migrates over TLS", function()
      assert_tls(migrates { "--database", url("sslmode=verify-full&ssl-capath=" .. esc(capath)) })
    end)

    it("VERIFY_CA with another CA exits 3 naming it", function()
      assert_cannot_connect(cannot("ssl-mode=VERIFY_CA&ssl-ca=" .. esc(other_ca)),
        { "TLS/SSL error", "certificate", "ssl-mode=VERIFY_CA, ssl-ca=" .. other_ca })
      assert.same({}, project:tables())
    end)

    it("REQUIRED with another CA exits 3 too: a CA given is always checked", function()
      assert_cannot_connect(cannot("ssl-mode=REQUIRED&ssl-ca=" .. esc(other_ca)),
        { "TLS/SSL error", "ssl-mode=REQUIRED, ssl-ca=" .. other_ca })
    end)

    it("VERIFY_IDENTITY exits 3 when the certificate does not name the host (127.1)", function()
      -- 127.1 is 127.0.0.1 to the resolver, not to the certificate's names
      assert_cannot_connect(cannot("ssl-mode=VERIFY_IDENTITY&ssl-ca=" .. esc(tls.ca), { host = "127.1" }),
        { "the server's certificate does not name the host '127.1'", "ssl-mode=VERIFY_IDENTITY" })
    end)

    it("VERIFY_CA checks the CA, not the name: 127.1 migrates", function()
      assert_tls(migrates { "--database",
        url("ssl-mode=VERIFY_CA&ssl-ca=" .. esc(tls.ca), { host = "127.1" }) })
    end)

    it("VERIFY_IDENTITY without ssl-ca checks the system's CAs: exits 3", function()
      assert_cannot_connect(cannot("ssl-mode=VERIFY_IDENTITY"),
        { "TLS/SSL error", "the system's CA certificates" })
    end)

    it("VERIFY_CA without ssl-ca or ssl-capath exits 2 (nothing to check against)", function()
      local r = cannot("ssl-mode=VERIFY_CA")
      helpers.assert_refused(r, 2, { "ssl-mode VERIFY_CA needs ssl-ca or ssl-capath" })
      assert_no_password(r)
    end)

    it("a user that REQUIRE X509 gets in with ssl-cert and ssl-key", function()
      assert_tls(migrates { "--database", url(("ssl-mode=VERIFY_IDENTITY&ssl-ca=%s&ssl-cert=%s&ssl-key=%s")
        :format(esc(tls.ca), esc(tls.cert), esc(tls.key)), { user = x509_user }) })
    end)

    it("a user that REQUIRE X509 exits 3 without a client certificate", function()
      assert_cannot_connect(cannot("ssl-mode=VERIFY_CA&ssl-ca=" .. esc(tls.ca), { user = x509_user }),
        { "Access denied for user '" .. x509_user .. "'" })
    end)

    it("ssl-mode=DISABLED connects without TLS", function()
      assert.equals("", migrates { "--database", url("ssl-mode=DISABLED") })
    end)

    it("ssl-mode=DISABLED connects without TLS even with ssl-ca, ssl-cert and ssl-key", function()
      assert.equals("", migrates { "--database", url(("ssl-mode=DISABLED&ssl-ca=%s&ssl-cert=%s&ssl-key=%s")
        :format(esc(tls.ca), esc(tls.cert), esc(tls.key))) })
    end)

    it("lmigrate.lua's fields (ssl_mode, ssl_ca, ssl_cert, ssl_key) connect over TLS", function()
      helpers.write_file(project:path("lmigrate.lua"), ([[
return { default = "main", connections = { main = {
  driver = "mysql", host = "127.0.0.1", port = %s, user = %q, password = %q, database = %q,
  ssl_mode = "VERIFY_IDENTITY", ssl_ca = %q, ssl_cert = %q, ssl_key = %q } } }
]]):format(port, x509_user, PW, project.my_db, tls.ca, tls.cert, tls.key))
      assert_tls(migrates {})
    end)

    it("lmigrate.lua's url with ssl_ca beside it: the field counts", function()
      helpers.write_file(project:path("lmigrate.lua"), ([[
return { default = "main", connections = { main = {
  driver = "mysql", url = %q, ssl_ca = %q } } }
]]):format(url("ssl-mode=VERIFY_CA"), other_ca))
      assert_cannot_connect(project:run({ "migrate" }, { env = MY_POISON }),
        { "main", "ssl-ca=" .. other_ca })
    end)

    it("ssl-mode=REQUIRED to a server without TLS exits 3", function()
      -- a server of its own, as with-mariadb.sh starts it without TLS
      local inner = ([[exec "$0" migrate --database ]]
        .. [["mysql://root@127.0.0.1:$LMIGRATE_MYSQL_PORT/$LMIGRATE_MYSQL_DATABASE?ssl-mode=REQUIRED"]])
      local env = { LMIGRATE_MYSQL_TLS = "off" }
      for k, v in pairs(MY_POISON) do env[k] = v end
      local r = project:run({}, { env = env,
        wrap = quote(source_dir() .. "/scripts/with-mariadb.sh") .. " sh -c " .. quote(inner) })
      assert_cannot_connect(r, { "ssl-mode asks for TLS, but the server does not offer it" })
    end)
  end)
end
