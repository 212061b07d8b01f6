-- spec/unit/cli_spec.lua: the command line of lua/lmigrate/cli.lua without
-- the binary or a database. M.parse is checked directly; the binding of
-- options to a command (flags, values, --opt=value, counts) and its usage
-- errors through M.main, with every command module replaced by one that
-- records what it was given and lmigrate.output's error() recording the
-- error object, so nothing connects and nothing is printed.
local cli = require("lmigrate.cli")
local commands = require("lmigrate.commands")
local errors = require("lmigrate.errors")
local output = require("lmigrate.output")

-- {======================================================
-- M.main with the command modules stubbed
-- ======================================================

-- main(argv) -> { status, ctx (what the command got, or nil), command
-- (the module run), error (the error object output reported), stdout }
local function main(argv)
  local r = {}
  local saved, real_new = {}, output.new
  for _, c in ipairs(commands.list) do
    saved[c.module] = package.loaded[c.module]
    package.loaded[c.module] = function(ctx)
      r.ctx, r.command = ctx, c.name
      return 0
    end
  end
  local out = { text = "" }
  output.new = function()
    return { error = function(_, e) r.error = e end,
             print = function(_, text) out.text = out.text .. text .. "\n" end }
  end
  local ok, status = pcall(cli.main, argv)
  output.new = real_new
  for _, c in ipairs(commands.list) do package.loaded[c.module] = saved[c.module] end
  assert(ok, status)
  r.status, r.stdout = status, out.text
  return r
end

local function show(argv)
  return "lmigrate " .. table.concat(argv, " ")
end

-- }======================================================

describe("cli.parse", function()
  -- { argv, command, raw options, positional arguments }
  local CASES = {
    { {}, nil, {}, {} },
    { { "migrate" }, "migrate", {}, {} },
    { { "migrate", "--step" }, "migrate", { "--step" }, {} },
    { { "migrate", "--step", "--pretend" }, "migrate", { "--step", "--pretend" }, {} },
    -- a word after an option is kept with it: the command decides whether it is a value
    { { "rollback", "--step", "2" }, "rollback", { { "--step", "2" } }, {} },
    { { "migrate", "--step", "extra" }, "migrate", { { "--step", "extra" } }, {} },
    { { "rollback", "--step=2" }, "rollback", { "--step=2" }, {} },
    { { "status", "--database=sqlite:a=b.db" }, "status", { "--database=sqlite:a=b.db" }, {} },
    { { "status", "--database", "--quiet" }, "status", { "--database", "--quiet" }, {} },
    { { "make:migration", "create_users", "--create", "users" }, "make:migration",
      { { "--create", "users" } }, { "create_users" } },
    { { "make:migration", "a", "b" }, "make:migration", {}, { "a", "b" } },
    -- a lone "--" and single-dash words are plain words
    { { "migrate", "--" }, "migrate", {}, { "--" } },
    { { "migrate", "-x" }, "migrate", {}, { "-x" } },
    { { "--version" }, "--version", {}, {} },
    { { "-V" }, "--version", {}, {} },
    { { "--help" }, "help", {}, {} },
    { { "-h" }, "help", {}, {} },
    { { "migrate", "--help" }, "help", {}, { "migrate" } },
    { { "-h", "migrate" }, "help", {}, { "migrate" } },
  }

  for _, case in ipairs(CASES) do
    it(show(case[1]), function()
      local name, opts, args = cli.parse(case[1])
      assert.equals(case[2], name)
      assert.same(case[3], opts)
      assert.same(case[4], args)
    end)
  end
end)

describe("cli.main binds options", function()
  -- { argv, command run, options, positional arguments }
  local CASES = {
    { { "migrate" }, "migrate", {}, {} },
    { { "migrate", "--step", "--pretend", "--quiet" }, "migrate",
      { step = true, pretend = true, quiet = true }, {} },
    { { "migrate", "--seed", "--atomic", "--force" }, "migrate",
      { seed = true, atomic = true, force = true }, {} },
    { { "rollback", "--step", "2" }, "rollback", { step = 2 }, {} },
    { { "rollback", "--step=3" }, "rollback", { step = 3 }, {} },
    { { "rollback", "--batch", "10", "--pretend" }, "rollback", { batch = 10, pretend = true }, {} },
    { { "migrate:rollback", "--step", "1" }, "rollback", { step = 1 }, {} },
    { { "status", "--database", "sqlite:x.db" }, "status", { database = "sqlite:x.db" }, {} },
    { { "status", "--database=sqlite:a=b.db", "--json" }, "status",
      { database = "sqlite:a=b.db", json = true }, {} },
    { { "migrate:status", "--connection", "a", "--database", "sqlite:x.db" }, "status",
      { connection = "a", database = "sqlite:x.db" }, {} },
    { { "make:seed", "S", "--connection=a,b" }, "make:seed", { connection = "a,b" }, { "S" } },
    { { "status", "--path", "db/m" }, "status", { path = "db/m" }, {} },
    { { "sql", "--dialect", "mysql", "--down" }, "sql", { dialect = "mysql", down = true }, {} },
    { { "seed", "--class=UserSeeder" }, "seed", { class = "UserSeeder" }, {} },
    { { "db:seed", "--class", "UserSeeder" }, "seed", { class = "UserSeeder" }, {} },
    { { "migrate:fresh", "--seed" }, "fresh", { seed = true }, {} },
    { { "make:migration", "create_users", "--create=users" }, "make:migration",
      { create = "users" }, { "create_users" } },
    { { "make:migration", "add_x", "--table", "users", "--path", "db/m" }, "make:migration",
      { table = "users", path = "db/m" }, { "add_x" } },
    -- a flag gives the word after it back to the arguments
    { { "make:seed", "--quiet", "PostSeeder" }, "make:seed", { quiet = true }, { "PostSeeder" } },
    { { "help", "migrate" }, "help", {}, { "migrate" } },
    { { "migrate", "--help" }, "help", {}, { "migrate" } },
    { {}, "help", {}, {} },
  }

  for _, case in ipairs(CASES) do
    it(show(case[1]), function()
      local r = main(case[1])
      assert.is_nil(r.error)
      assert.equals(0, r.status)
      assert.equals(case[2], r.command)
      assert.same(case[3], r.ctx.opts)
      assert.same(case[4], r.ctx.args)
    end)
  end

  it("binds a count as an integer", function()
    local r = main { "rollback", "--step", "2" }
    assert.equals("integer", math.type(r.ctx.opts.step))
  end)

  it("resolves the configuration for a command that works on a database", function()
    assert.is_table(main({ "status" }).ctx.config)
    assert.is_nil(main({ "make:migration", "a" }).ctx.config)
    assert.is_nil(main({ "help" }).ctx.config)
  end)

  it("prints the version for --version and -V, running no command", function()
    local version = require("lmigrate.core").version
    for _, argv in ipairs { { "--version" }, { "-V" } } do
      local r = main(argv)
      assert.equals(0, r.status)
      assert.is_nil(r.command, show(argv))
      assert.equals("lmigrate " .. version .. "\n", r.stdout)
    end
  end)
end)

describe("cli.main refuses", function()
  -- { argv, the message of the usage error }
  local CASES = {
    { { "frobnicate" }, "unknown command 'frobnicate' (see lmigrate help)" },
    { { "migrate", "--bogus" }, "unknown option '--bogus' for 'migrate' (see lmigrate help migrate)" },
    { { "migrate", "--bogus=1" }, "unknown option '--bogus' for 'migrate' (see lmigrate help migrate)" },
    { { "status", "--step" }, "unknown option '--step' for 'status' (see lmigrate help status)" },
    { { "help", "--quiet" }, "unknown option '--quiet' for 'help' (see lmigrate help help)" },
    { { "migrate", "--step=yes" }, "option '--step' takes no value" },
    { { "migrate", "--pretend=" }, "option '--pretend' takes no value" },
    { { "status", "--database" }, "option '--database' needs a value" },
    { { "status", "--database=" }, "option '--database' needs a value" },
    { { "status", "--database", "--quiet" }, "option '--database' needs a value" },
    { { "rollback", "--step" }, "option '--step' needs a value" },
    { { "rollback", "--step", "0" },
      "option '--step' needs a whole number from 1 to 9223372036854775807, got '0'" },
    { { "rollback", "--step", "-1" },
      "option '--step' needs a whole number from 1 to 9223372036854775807, got '-1'" },
    { { "rollback", "--step", "1.5" },
      "option '--step' needs a whole number from 1 to 9223372036854775807, got '1.5'" },
    { { "rollback", "--step=abc" },
      "option '--step' needs a whole number from 1 to 9223372036854775807, got 'abc'" },
    { { "rollback", "--batch", "2x" },
      "option '--batch' needs a whole number from 1 to 9223372036854775807, got '2x'" },
    { { "rollback", "--batch", "0x10" },
      "option '--batch' needs a whole number from 1 to 9223372036854775807, got '0x10'" },
    -- past math.maxinteger: once read as the latest batch, or as one step
    { { "rollback", "--batch", "99999999999999999999" },
      "option '--batch' needs a whole number from 1 to 9223372036854775807, got '99999999999999999999'" },
    { { "rollback", "--step", "9223372036854775808" },
      "option '--step' needs a whole number from 1 to 9223372036854775807, got '9223372036854775808'" },
    { { "migrate", "extra" }, "unexpected argument 'extra' for 'migrate' (see lmigrate help migrate)" },
    { { "migrate", "--step", "extra" },
      "unexpected argument 'extra' for 'migrate' (see lmigrate help migrate)" },
    { { "status", "a", "b" }, "unexpected argument 'a' for 'status' (see lmigrate help status)" },
  }

  for _, case in ipairs(CASES) do
    it(show(case[1]), function()
      local r = main(case[1])
      assert.is_nil(r.command, "a command ran")
      assert.is_true(errors.is(r.error), "not an lmigrate error: " .. tostring(r.error))
      assert.equals("usage", r.error.kind)
      assert.equals(case[2], r.error.message)
      assert.equals(2, r.status)
    end)
  end
end)
