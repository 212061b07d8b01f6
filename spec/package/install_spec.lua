-- spec/package/install_spec.lua: what `cmake --install` puts into a
-- prefix (cmake/Install.cmake), tried as a user would: the binary runs;
-- the man page renders with `man -l` without a warning and has a section
-- per command with its options; the bash and zsh completions load (by
-- bash-completion's loader, zsh's fpath, or `source <(lmigrate completion
-- SHELL)`) without an error and complete commands, options, connection
-- names of lmigrate.lua, folders and dialects (zsh under a pty, zpty);
-- and what `lmigrate help --man` and `lmigrate completion bash|zsh` print
-- is what was installed: one source, the command table.
local helpers = require("spec.helpers")
local commands = require("lmigrate.commands")

local quote = helpers.quote

-- runs a shell command line in folder 'cwd' (default: here) with 'env' set
-- and without the sanitizer preload (bash, zsh, man and cmake are not ours
-- to check) -> status, stdout, stderr
local function sh(cmd, env, cwd)
  local out, err = os.tmpname(), os.tmpname()
  local vars = {}
  for k, v in pairs(env or {}) do vars[#vars + 1] = quote(k .. "=" .. v) end
  table.sort(vars)
  local line = ("unset LD_PRELOAD; cd %s && env %s %s >%s 2>%s </dev/null"):format(
    quote(cwd or "."), table.concat(vars, " "), cmd, quote(out), quote(err))
  local status = helpers.sh(line)
  local o, e = helpers.read_file(out) or "", helpers.read_file(err) or ""
  os.remove(out)
  os.remove(err)
  return status, o, e
end

local function each_option(fn)
  for _, c in ipairs(commands.list) do
    for key in pairs(c.options) do fn(c, "--" .. key:gsub("_", "-")) end
  end
end

describe("cmake --install", function()
  local prefix, bin, man, bash, zsh, project, env

  setup(function()
    prefix = helpers.mktemp_dir()
    local status, o, e = sh(("cmake --install %s --prefix %s"):format(quote(helpers.build),
                                                                   quote(prefix)))
    assert(status == 0, "cmake --install failed:\n" .. o .. e)
    bin = prefix .. "/bin/lmigrate"
    man = prefix .. "/share/man/man1/lmigrate.1"
    bash = prefix .. "/share/bash-completion/completions/lmigrate"
    zsh = prefix .. "/share/zsh/site-functions/_lmigrate"
    -- a project with two connections and a folder of its own to complete
    project = helpers.project("sqlite")
    helpers.write_file(project:path("lmigrate.lua"), 'return { default = "main", connections = {'
      .. ' main = { driver = "sqlite", database = "a.db" },'
      .. ' replica = { driver = "sqlite", database = "b.db" } } }\n')
    helpers.sh("mkdir -p " .. quote(project:path("schema_dir")))
    env = { PATH = prefix .. "/bin:" .. os.getenv("PATH"), HOME = project.dir,
            LC_ALL = "C.UTF-8", XDG_DATA_DIRS = prefix .. "/share" }
  end)

  teardown(function()
    if project then project:cleanup() end
    if prefix and not helpers.keep then helpers.sh("rm -rf " .. quote(prefix)) end
  end)

  local function lmigrate(...)
    return helpers.assert_status(0, helpers.run({ ... }, { bin = bin, cwd = project.dir }))
  end

  it("installs bin/lmigrate, which runs", function()
    local r = lmigrate("--version")
    assert.equals("lmigrate " .. require("lmigrate.core").version .. "\n", r.stdout)
    for _, f in ipairs({ man, bash, zsh }) do assert.is_true(helpers.exists(f), f) end
  end)

  it("refuses what completion and help --man do not take: exit 2", function()
    for _, args in ipairs({ { "completion" }, { "completion", "fish" },
                            { "completion", "bash", "zsh" }, { "help", "migrate", "--man" } }) do
      local r = helpers.run(args, { bin = bin, cwd = project.dir })
      helpers.assert_status(2, r)
      assert.equals("", r.stdout)
    end
    local r = lmigrate("completion", "connections")
    assert.equals("main\nreplica\n", r.stdout)
  end)

  -- {======================================================
  -- The man page
  -- ======================================================

  describe("the man page", function()
    it("is what lmigrate help --man prints", function()
      assert.equals(lmigrate("help", "--man").stdout, helpers.read_file(man))
    end)

    it("renders with man -l without a warning", function()
      local status, text, err = sh("MANWIDTH=80 man --warnings=w -l " .. quote(man), env)
      assert(status == 0, "man -l failed (man-db: scripts/install-deps.sh installs it):\n" .. err)
      assert.equals("", err)
      for _, head in ipairs({ "NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "COMMON OPTIONS",
                              "CONFIGURATION", "ENVIRONMENT", "FILES", "EXIT STATUS" }) do
        assert.truthy(text:find("\n" .. head .. "\n", 1, true), head .. " missing:\n" .. text)
      end
      for _, var in ipairs({ "DATABASE_URL", "LMIGRATE_ENV", "APP_ENV", "NO_COLOR" }) do
        assert.truthy(text:find(var, 1, true), var .. " missing from ENVIRONMENT")
      end
      for _, e in ipairs(commands.exit_status) do
        assert.truthy(text:find("\n       " .. e[1] .. "%s+" .. e[2]:gsub("%p", "%%%0")), e[2])
      end
    end)

    it("has a section per command, with the command's usage and options", function()
      local _, text = sh("MANWIDTH=200 man -l " .. quote(man), env)
      for _, c in ipairs(commands.list) do
        local i = text:find("\n   " .. c.name .. "\n", 1, true)
        assert(i, "no section for " .. c.name .. ":\n" .. text)
        local section = text:sub(i, (text:find("\n   %S", i + 4) or #text))
        assert.truthy(section:find(c.usage, 1, true), c.usage .. " not in:\n" .. section)
        for key in pairs(c.options) do
          local where = section
          if helpers.contains(commands.common, key) then
            where = text:match("\nCOMMON OPTIONS\n(.-)\n%u")
          end
          assert.truthy(where:find("--" .. key:gsub("_", "-"), 1, true),
                        c.name .. " --" .. key .. " not in its section:\n" .. section)
        end
      end
    end)
  end)

  -- }======================================================

  -- {======================================================
  -- bash
  -- ======================================================

  -- completes each line of 'lines' in bash with the installed script
  -- loaded as 'load' says -> the completions of each, one line each
  local function bash_complete(lines, load)
    local script = { load, "COMP_WORDBREAKS=${COMP_WORDBREAKS:-$' \\t\\n\"'\"'\"'><=;|&(:'}" }
    for _, line in ipairs(lines) do
      script[#script + 1] = ("COMP_LINE=%s; COMP_POINT=${#COMP_LINE}; _lmigrate;"
        .. " printf '%%s\\n' \"${COMPREPLY[*]}\""):format(quote(line))
    end
    local file = project:path("complete.bash")
    helpers.write_file(file, table.concat(script, "\n") .. "\n")
    local status, out, err = sh("bash --norc --noprofile " .. quote(file), env, project.dir)
    assert(status == 0 and err == "", "bash failed:\n" .. err)
    return helpers.lines((out:gsub("\n\n", "\n<none>\n")))
  end

  local BASH_CASES = {
    { "lmigrate mig", "migrate migrate:rollback migrate:reset migrate:refresh migrate:fresh"
      .. " migrate:status" },
    { "lmigrate make:m", "migration" },          -- ':' breaks words in bash
    { "lmigrate migrate --at", "--atomic" },
    { "lmigrate rollback --st", "--step" },
    { "lmigrate migrate --connection ", "main replica" },
    { "lmigrate status --connection=r", "replica" },
    { "lmigrate status --path sch", "schema_dir" },
    { "lmigrate sql --dialect p", "postgres" },
    { "lmigrate help ro", "rollback" },
    { "lmigrate completion z", "zsh" },
    { "lmigrate --ve", "--version" },
  }

  describe("the bash completion", function()
    it("is what lmigrate completion bash prints", function()
      assert.equals(lmigrate("completion", "bash").stdout, helpers.read_file(bash))
    end)

    it("loads without an error: sourced, and by bash-completion's loader from share/", function()
      local status, out, err = sh(("bash --norc --noprofile -c %s"):format(
        quote(". " .. quote(bash) .. " && complete -p lmigrate")), env)
      assert.equals(0, status, err)
      assert.equals("", err)
      assert.equals("complete -F _lmigrate lmigrate\n", out)
      local framework = "/usr/share/bash-completion/bash_completion"
      assert(helpers.exists(framework), framework .. " missing: scripts/install-deps.sh installs"
             .. " bash-completion")
      -- the loader returns 124 when it found one ("try again")
      status, out, err = sh(("bash --norc --noprofile -c %s"):format(quote(". " .. framework
        .. " && _completion_loader lmigrate; complete -p lmigrate")), env)
      assert.equals(0, status, err)
      assert.equals("complete -F _lmigrate lmigrate\n", out)
    end)

    it("completes commands, options, connections of lmigrate.lua, folders and dialects", function()
      local lines = {}
      for i, case in ipairs(BASH_CASES) do lines[i] = case[1] end
      for _, load in ipairs({ ". " .. quote(bash), "source <(lmigrate completion bash)" }) do
        local got = bash_complete(lines, load)
        for i, case in ipairs(BASH_CASES) do
          assert.equals(case[2], got[i], ("%s: '%s'"):format(load, case[1]))
        end
      end
    end)

    it("offers every command and every option of each command", function()
      local lines, want = {}, {}
      each_option(function(c, opt)
        lines[#lines + 1] = "lmigrate " .. c.name .. " " .. opt
        want[#want + 1] = opt
      end)
      lines[#lines + 1] = "lmigrate "
      local got = bash_complete(lines, ". " .. quote(bash))
      for i, opt in ipairs(want) do
        assert.truthy((" " .. got[i] .. " "):find(" " .. opt .. " ", 1, true), lines[i])
      end
      for _, c in ipairs(commands.list) do
        assert.truthy((" " .. got[#got] .. " "):find(" " .. c.name .. " ", 1, true), c.name)
      end
    end)
  end)

  -- }======================================================

  -- {======================================================
  -- zsh
  -- ======================================================

  -- A zsh that drives an interactive zsh through a pty: it loads compinit
  -- (and LOAD), waits until the line editor has the terminal (zle-line-init:
  -- typed before, ^D would be the tty's end of file), then types each
  -- INPUT, TAB and ^X^D, a widget writing the completed line into OUT.
  -- 30 s at most.
  local ZPTY = [[
zmodload zsh/zpty
out=$1 load=$2; shift 2
: >$out
zpty z zsh -f -i
zpty -w z "PS1='> '; unsetopt beep; autoload -Uz compinit; compinit -u -D; $load;"\
" _dump() { print -r -- \"<\$BUFFER>\" >>$out; BUFFER=''; }; zle -N _dump;"\
" bindkey '^X^D' _dump; zle-line-init() { print -n '<RE''ADY>' }; zle -N zle-line-init"
zpty -r z chunk '*<READY>*' || exit 1
sleep 0.2
for input in "$@"; do
  zpty -w -n z "$input"$'\t\x18\x04'
done
for i in {1..300}; do
  (( $(wc -l <$out) >= $# )) && break
  zpty -r -t z chunk
  sleep 0.1
done
zpty -d z
]]

  local ZSH_CASES = {
    { "lmigrate make:m", "lmigrate make:migration " },
    { "lmigrate migrate:ro", "lmigrate migrate:rollback " },
    { "lmigrate migrate --at", "lmigrate migrate --atomic " },
    { "lmigrate migrate --connection r", "lmigrate migrate --connection replica " },
    { "lmigrate status --connection=m", "lmigrate status --connection=main " },
    { "lmigrate status --path sch", "lmigrate status --path schema_dir/" },
    { "lmigrate sql --dialect p", "lmigrate sql --dialect postgres " },
    { "lmigrate help rol", "lmigrate help rollback " },
    { "lmigrate completion z", "lmigrate completion zsh " },
  }

  local function zsh_complete(load)
    local driver, out = project:path("zpty.zsh"), project:path("zpty.out")
    helpers.write_file(driver, ZPTY)
    local args = {}
    for i, case in ipairs(ZSH_CASES) do args[i] = quote(case[1]) end
    local status, o, e = sh(("timeout 60 zsh -f %s %s %s %s"):format(quote(driver), quote(out),
      quote(load), table.concat(args, " ")), env, project.dir)
    assert(status == 0, "the zsh under a pty failed:\n" .. o .. e)
    return helpers.lines(helpers.read_file(out))
  end

  describe("the zsh completion", function()
    it("is what lmigrate completion zsh prints", function()
      assert.equals(lmigrate("completion", "zsh").stdout, helpers.read_file(zsh))
    end)

    it("loads without an error: from fpath by compinit, and sourced", function()
      local dir = prefix .. "/share/zsh/site-functions"
      for _, load in ipairs({ "fpath=(" .. quote(dir) .. " $fpath); autoload -Uz compinit;"
                                .. " compinit -u -D",
                              "autoload -Uz compinit; compinit -u -D; source " .. quote(zsh) }) do
        local status, out, err = sh("zsh -f -c " .. quote(load .. "; print -r -- $_comps[lmigrate]"),
                                    env)
        assert.equals(0, status, err)
        assert.equals("", err)
        assert.equals("_lmigrate\n", out)
      end
    end)

    it("completes commands, options, connections of lmigrate.lua, folders and dialects", function()
      local dir = prefix .. "/share/zsh/site-functions"
      for _, load in ipairs({ "fpath=(" .. dir .. " $fpath); compinit -u -D",
                              "source <(lmigrate completion zsh)" }) do
        local got = zsh_complete(load)
        for i, case in ipairs(ZSH_CASES) do
          assert.equals("<" .. case[2] .. ">", got[i], ("%s: '%s'"):format(load, case[1]))
        end
      end
    end)
  end)

  -- }======================================================
end)
