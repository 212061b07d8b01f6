-- Runs coroutines whose drivers wait for a socket, resuming whichever is
-- ready. Nothing else blocks, so several connections progress at once in
-- one thread. A driver's wait is a yield tagged with M.WAIT, so that it
-- passes through the coroutines a migration makes of its own (an iterator
-- around self.db:query) instead of reaching the migration's code, and so
-- that a migration's own stray coroutine.yield is told apart and refused.
local core = require("lmigrate.core")

local M = {}

local resume, yield, status = coroutine.resume, coroutine.yield, coroutine.status
local isyieldable, create = coroutine.isyieldable, coroutine.create
local pack, unpack = table.pack, table.unpack

-- the tag of a driver's yield: (WAIT, "read"|"write"|"sleep", fd, deadline)
M.WAIT = setmetatable({}, { __name = "lmigrate.wait", __tostring = function() return "lmigrate.wait" end })
local WAIT = M.WAIT

-- waits in this thread: -> true when fd is ready, false when the
-- deadline (of core.clock) passed first; "sleep" waits for no descriptor
local function block(mode, fd, deadline)
  local t = deadline and math.max(0, deadline - core.clock()) or nil
  if mode == "sleep" then
    core.wait({}, t)
    return false
  end
  return #core.wait({ [fd] = mode }, t) > 0
end

-- wait(mode, fd, deadline?) -> true when fd is ready for mode, false when
-- 'deadline' (a time of core.clock) came first; inside a scheduled
-- coroutine by yielding to the scheduler, else in core.wait
function M.wait(mode, fd, deadline)
  if isyieldable() then return yield(WAIT, mode, fd, deadline) end
  return block(mode, fd, deadline)
end

-- sleep(seconds): lets the other connections run meanwhile
function M.sleep(seconds)
  M.wait("sleep", nil, core.clock() + seconds)
end

-- what a yield that is no driver's wait means, as the error of its coroutine
local function stray(res)
  local parts = {}
  for i = 2, res.n do parts[#parts + 1] = type(res[i]) end
  return ("lmigrate: the migration called coroutine.yield(%s) outside a coroutine of its own"
    .. " (lmigrate runs up, down and run in a coroutine of its own; yield only inside"
    .. " coroutines you create)"):format(table.concat(parts, ", "))
end

-- resumes co until it finishes; a coroutine inside another scheduled one
-- passes its waits up, so only the outermost loop ever blocks.
-- -> true, results... | false, err
function M.run(co, ...)
  local res = pack(resume(co, ...))
  while true do
    if not res[1] then return false, res[2] end
    if status(co) == "dead" then return unpack(res, 1, res.n) end
    if res[2] ~= WAIT then return false, stray(res) end
    local mode, fd, deadline = res[3], res[4], res[5]
    if isyieldable() then
      res = pack(resume(co, yield(WAIT, mode, fd, deadline)))
    else
      res = pack(resume(co, block(mode, fd, deadline)))
    end
  end
end

-- {======================================================
-- The coroutine library a migration sees while it runs: resume and wrap
-- pass a driver's waits up to the scheduler, then carry on
-- ======================================================

-- resume(co, ...) as coroutine.resume, passing driver waits through
local function pass_resume(co, ...)
  local res = pack(resume(co, ...))
  while res[1] and res[2] == WAIT and status(co) == "suspended" do
    res = pack(resume(co, M.wait(res[3], res[4], res[5])))
  end
  return unpack(res, 1, res.n)
end

local function pass_wrap(fn)
  local co = create(fn)
  return function(...)
    local res = pack(pass_resume(co, ...))
    if not res[1] then error(res[2], 0) end
    return unpack(res, 2, res.n)
  end
end

local installed = 0
local real = { resume = coroutine.resume, wrap = coroutine.wrap }

-- guard(on): while any migration, seeder or lmigrate.lua runs (counted, as
-- several connections run theirs at once), coroutine.resume and wrap pass
-- driver waits through
function M.guard(on)
  if on then
    installed = installed + 1
    coroutine.resume, coroutine.wrap = pass_resume, pass_wrap   -- luacheck: ignore 122
  else
    installed = installed - 1
    if installed == 0 then
      coroutine.resume, coroutine.wrap = real.resume, real.wrap   -- luacheck: ignore 122
    end
  end
end

-- }======================================================

-- {======================================================
-- Background tasks: a coroutine a job starts beside itself (the lease's
-- heartbeat, the watcher that says who blocks a statement) on a
-- connection of its own, run by the same loop as the jobs
-- ======================================================

local loops = {}   -- the M.all loops running, innermost last: each a function adding a task

-- spawn(fn) -> a task handle { stopped, done, err }, or nil outside M.all:
-- fn runs beside the jobs until it returns; task:stop() asks it to (its
-- sleeps end at once) and the loop drops it when the jobs are done
function M.spawn(fn)
  local add = loops[#loops]
  if not add then return nil end
  local task = { stopped = false, done = false }
  function task.stop() task.stopped = true end
  add(fn, task)
  return task
end

-- }======================================================

-- runs every function of 'jobs' in its own coroutine, all at once, and
-- the tasks they spawn beside them.
-- -> { { ok = true, value } | { ok = false, err }, ... } in the order given
function M.all(jobs)
  local results, waiting, live = {}, {}, {}   -- waiting: index -> { mode, fd, deadline }
  for i, fn in ipairs(jobs) do
    live[i] = { co = create(fn) }
  end
  local remaining = #jobs
  local function finish(i, ok, err, value)
    local task = live[i]
    live[i] = nil
    if task.bg then
      task.bg.done, task.bg.err = true, not ok and err or nil
      return
    end
    results[i] = ok and { ok = true, value = value } or { ok = false, err = err }
    remaining = remaining - 1
  end
  local function step(i, ...)
    local task = live[i]
    local res = pack(resume(task.co, ...))
    if not res[1] then finish(i, false, res[2])
    elseif status(task.co) == "dead" then finish(i, true, nil, res[2])
    elseif res[2] ~= WAIT then finish(i, false, stray(res))
    else
      waiting[i] = { mode = res[3], fd = res[4], deadline = res[5] }
    end
  end
  local n = #jobs
  loops[#loops + 1] = function(fn, bg)
    n = n + 1
    live[n] = { co = create(fn), bg = bg }
    waiting[n] = { mode = "sleep", deadline = 0 }   -- started by the loop's next round
  end
  for i = 1, #jobs do step(i) end
  -- one task waiting on its socket (a run of one connection, at every
  -- round trip): the round without its sets to build and sort; false when
  -- that is not the case
  local function lone()
    local only, w = next(waiting)
    if not (w and w.fd) or next(waiting, only) ~= nil then return false end
    local t = w.deadline and math.max(0, w.deadline - core.clock()) or nil
    local ready = #core.wait({ [w.fd] = w.mode }, t) > 0
    if ready or (w.deadline and core.clock() >= w.deadline) then
      waiting[only] = nil
      step(only, ready)
    end
    return true
  end
  local function round()
    local want, timeout, now = {}, nil, core.clock()
    for i, w in pairs(waiting) do
      local bg = live[i].bg
      if bg and bg.stopped and w.mode == "sleep" then w.deadline = now end
      if w.fd then want[w.fd] = w.mode end
      if w.deadline then timeout = math.min(timeout or math.huge, math.max(0, w.deadline - now)) end
    end
    local ready = {}
    for _, fd in ipairs(core.wait(want, timeout)) do ready[fd] = true end
    now = core.clock()
    local due = {}
    for i, w in pairs(waiting) do
      if (w.fd and ready[w.fd]) or (w.deadline and now >= w.deadline) then due[#due + 1] = i end
    end
    table.sort(due)
    for _, i in ipairs(due) do
      local w = waiting[i]
      waiting[i] = nil
      step(i, w.fd ~= nil and ready[w.fd] == true)
    end
  end
  while remaining > 0 do
    if not lone() then round() end
  end
  loops[#loops] = nil
  return results
end

return M
