-- Runs coroutines that yield ("read"|"write", fd) while a driver waits
-- for its socket, resuming whichever is ready. Nothing else blocks, so
-- several connections progress at once in one thread.
local core = require("lmigrate.core")

local M = {}

-- resumes co until it finishes; a coroutine inside another scheduled one
-- passes its waits up, so only the outermost loop ever blocks.
-- -> true, results... | false, err
function M.run(co, ...)
  local res = table.pack(coroutine.resume(co, ...))
  while true do
    if not res[1] then return false, res[2] end
    if coroutine.status(co) == "dead" then return table.unpack(res, 1, res.n) end
    local mode, fd = res[2], res[3]
    if coroutine.isyieldable() then
      res = table.pack(coroutine.resume(co, coroutine.yield(mode, fd)))
    else
      core.wait({ [fd] = mode })
      res = table.pack(coroutine.resume(co))
    end
  end
end

-- runs every function of 'jobs' in its own coroutine, all at once.
-- -> { { ok = true, value } | { ok = false, err }, ... } in the order given
function M.all(jobs)
  local results, waiting, live = {}, {}, {}
  for i, fn in ipairs(jobs) do
    live[i] = { co = coroutine.create(fn), args = {} }
  end
  local remaining = #jobs
  local function step(i, ...)
    local task = live[i]
    local ok, a, b = coroutine.resume(task.co, ...)
    if not ok then
      results[i] = { ok = false, err = a }
      remaining = remaining - 1
    elseif coroutine.status(task.co) == "dead" then
      results[i] = { ok = true, value = a }
      remaining = remaining - 1
    else
      waiting[b] = { index = i, mode = a }
    end
  end
  for i = 1, #jobs do step(i) end
  while remaining > 0 do
    local want = {}
    for fd, w in pairs(waiting) do want[fd] = w.mode end
    local ready = core.wait(want)
    for _, fd in ipairs(ready) do
      local w = waiting[fd]
      waiting[fd] = nil
      step(w.index)
    end
  end
  return results
end

return M
