-- spec/support/shell.lua: files, shell commands and runs of the lmigrate
-- binary, for every spec that needs more than lmigrate.core.
--
--   local shell = require("spec.support.shell")
--   local r = shell.run({ "status" }, { cwd = dir, env = { DATABASE_URL = url } })
--   shell.assert_status(0, r)
--
-- run() keeps stdout, stderr and the exit status apart, and raises when a
-- sanitizer reported something in the child: a child's ASan report fails
-- the spec that ran it, whatever the spec asserts.
local M = {}

local getenv = os.getenv

M.source = getenv("LMIGRATE_SOURCE") or "."
M.build = getenv("LMIGRATE_BUILD") or (M.source .. "/build")
M.bin = getenv("LMIGRATE_BIN") or (M.build .. "/lmigrate")
M.keep = getenv("LMIGRATE_SPEC_KEEP") == "1"   -- keep temp folders

-- a time in the progress lines, like 1.23ms or 12ms
M.TIME = "%d+%.?%d*%s?ms"

-- the Lua patterns that mean a sanitizer caught something in a child; UBSan's
-- "runtime error:" comes after file:line:column, which tells it from a Lua
-- error message that happens to say "runtime error"
local SANITIZER_MARKS = { "ERROR: AddressSanitizer", "%d+:%d+: runtime error:", "LeakSanitizer" }

-- {======================================================
-- Files
-- ======================================================

-- 'sh' single-quoting: safe for any byte string
function M.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
local quote = M.quote

function M.read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

function M.write_file(path, data)
  local f = assert(io.open(path, "wb"))
  assert(f:write(data))
  assert(f:close())
end

function M.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

function M.mktemp_dir()
  local p = assert(io.popen("mktemp -d \"${TMPDIR:-/tmp}/lmigrate-spec.XXXXXX\""))
  local dir = p:read("l")
  p:close()
  assert(dir and dir ~= "", "mktemp -d failed")
  return dir
end

-- a name no other spec run on this host has at the same time: 'prefix'
-- and the random part of a fresh temp folder (removed again)
function M.unique_name(prefix)
  local dir = M.mktemp_dir()
  M.sh("rm -rf " .. quote(dir))
  return prefix .. "_" .. assert(dir:match("([%w]+)$"))
end

-- }======================================================

-- {======================================================
-- Shell commands
-- ======================================================

-- runs a shell command, returns its exit status (number)
function M.sh(cmd)
  local ok, how, code = os.execute(cmd)
  if how == "signal" then return 128 + code end
  return ok and 0 or code
end

function M.has_command(name)
  return M.sh("command -v " .. quote(name) .. " >/dev/null 2>&1") == 0
end

-- runs a database client's command line (sqlite3, psql, mariadb) without
-- the ASan build's LD_PRELOAD (psql hangs at exit under it, and the
-- clients are not ours to check); its status and output (stdout and stderr)
function M.capture(cmd)
  local out = os.tmpname()
  local status = M.sh("unset LD_PRELOAD; " .. cmd .. " >" .. quote(out) .. " 2>&1")
  local text = M.read_file(out) or ""
  os.remove(out)
  return status, text
end

-- }======================================================

-- {======================================================
-- Lines and lists
-- ======================================================

-- lines of a string, without the line ends
function M.lines(s)
  local t = {}
  for line in (s or ""):gmatch("[^\n]*") do
    if line ~= "" then t[#t + 1] = line end
  end
  return t
end

-- index of the first line of 'lines' containing the plain text 'needle'
function M.line_index(lines, needle)
  for i, line in ipairs(lines) do
    if line:find(needle, 1, true) then return i end
  end
  return nil
end

function M.contains(list, value)
  for _, v in ipairs(list) do
    if v == value then return true end
  end
  return false
end

-- true if 's' matches one of the Lua patterns of 'patterns'
function M.matches_any(s, patterns)
  for _, p in ipairs(patterns) do
    if s:find(p) then return true end
  end
  return false
end

-- true if 's' shows "file:line" ('file' plain text, 'line' not followed by a digit)
function M.has_file_line(s, file, line)
  local needle = file .. ":" .. line
  local init = 1
  while true do
    local i, j = s:find(needle, init, true)
    if not i then return false end
    if not s:sub(j + 1, j + 1):match("%d") then return true end
    init = j + 1
  end
end

-- }======================================================

-- {======================================================
-- Runs of the lmigrate binary
-- ======================================================

local has_timeout, root

-- whether the specs run as root (then file permissions do not bind lmigrate)
function M.is_root()
  if root == nil then
    local p = io.popen("id -u")
    root = p:read("l") == "0"
    p:close()
  end
  return root
end

-- the shell command line of a run: the child gets no DATABASE_URL,
-- LMIGRATE_DEV or LD_PRELOAD of ours; the values of opts.env are set;
-- opts.timeout = false runs it without `timeout 120` (so that its pid is
-- lmigrate's own: the kill harness of tests/crash); opts.wrap, a command
-- line lmigrate runs under (valgrind, for tests/memory)
local function command_line(args, opts)
  local cmd = { "cd", quote(opts.cwd or "."), "&&", "exec", "env",
                "-u", "DATABASE_URL", "-u", "LMIGRATE_DEV", "-u", "LD_PRELOAD" }
  if getenv("LMIGRATE_SPEC_PRELOAD") then
    cmd[#cmd + 1] = "ASAN_OPTIONS=detect_leaks=1"
  end
  local keys = {}
  for k in pairs(opts.env or {}) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do cmd[#cmd + 1] = quote(k .. "=" .. opts.env[k]) end
  if has_timeout == nil then
    has_timeout = os.execute("command -v timeout >/dev/null 2>&1") and true or false
  end
  if has_timeout and opts.timeout ~= false then
    cmd[#cmd + 1] = "timeout 120"
  end
  if opts.as_nobody and M.is_root() then   -- permissions bind only the unprivileged
    cmd[#cmd + 1] = "setpriv --reuid=65534 --regid=65534 --clear-groups"
  end
  if opts.wrap then cmd[#cmd + 1] = opts.wrap end   -- a command line it runs under (valgrind)
  cmd[#cmd + 1] = quote(opts.bin or M.bin)
  for _, a in ipairs(args) do cmd[#cmd + 1] = quote(a) end
  return table.concat(cmd, " ")
end

M.command_line = command_line

-- raises at 'level' when a sanitizer reported something in run 'r'
function M.check_sanitizers(r, level)
  for _, mark in ipairs(SANITIZER_MARKS) do
    if r.stderr:find(mark) then
      error(("sanitizer report from: %s\n%s"):format(r.command, r.stderr), level + 1)
    end
  end
end

-- spawn(args, opts) -> a run going on while the caller does something
-- else; run:wait() -> what run() returns, once it has finished
function M.spawn(args, opts)
  opts = opts or {}
  local out = os.tmpname()
  local err = os.tmpname()
  local line = command_line(args, opts)
  local shell = ("( %s ) <%s >%s 2>%s; echo $?"):format(line, opts.stdin and quote(opts.stdin)
                                                           or "/dev/null", quote(out), quote(err))
  local p = assert(io.popen(shell, "r"))
  local run = { command = line }
  function run.wait(_, level)
    level = level or 2
    local status = tonumber(p:read("a"):match("(%d+)%s*$"))
    p:close()
    local r = { status = status, stdout = M.read_file(out) or "",
                stderr = M.read_file(err) or "", command = line }
    os.remove(out)
    os.remove(err)
    r.output = r.stdout .. r.stderr
    M.check_sanitizers(r, level)
    if status == 124 then error("lmigrate timed out: " .. line, level) end
    return r
  end
  return run
end

-- run(args, { cwd =, env =, stdin = path, bin =, as_nobody =, timeout = }) -> { status =,
-- stdout =, stderr =, output = stdout .. stderr, command = }; raises on a sanitizer
-- report or a timeout
function M.run(args, opts)
  return M.spawn(args, opts):wait(3)
end

-- run_at_once({ { args, opts }, ... }) -> { result, ... }: the runs started
-- together (a deploy's replicas), each result as run() gives it
function M.run_at_once(runs)
  local going = {}
  for i, r in ipairs(runs) do going[i] = M.spawn(r[1], r[2]) end
  local results = {}
  for i, g in ipairs(going) do
    results[i] = g:wait(3)
    results[i].command = ("%s (process %d of %d)"):format(results[i].command, i, #runs)
  end
  return results
end

-- a readable description of a run, for assertion messages
function M.describe_run(r)
  return ("$ %s\n[exit %s]\n--- stdout\n%s--- stderr\n%s"):format(r.command, tostring(r.status),
                                                                  r.stdout, r.stderr)
end

-- assert_refused(r, status, words) -> r: the run exited 'status', its
-- output (stderr, then stdout) holds each plain string of 'words', and
-- no stack traceback (bad input is a message, never a traceback)
function M.assert_refused(r, status, words)
  M.assert_status(status, r)
  local out = r.stderr .. r.stdout
  for _, w in ipairs(words or {}) do
    assert(out:find(w, 1, true), ("%q not in the output\n%s"):format(w, M.describe_run(r)))
  end
  assert(not r.stderr:find("stack traceback", 1, true), "a traceback\n" .. M.describe_run(r))
  return r
end

-- asserts the exit status, with the output in the failure message
function M.assert_status(expected, r)
  assert(r.status == expected, ("expected exit status %d\n%s"):format(expected,
                                                                       M.describe_run(r)))
  return r
end

-- }======================================================

return M
