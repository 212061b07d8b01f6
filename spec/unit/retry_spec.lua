-- spec/unit/retry_spec.lua: the pieces of the lock budgets without a
-- server: GitLab's schedule (run/retry.lua), the limits a migration gets,
-- the blocker line (run/side.lua), and the scheduler's background tasks
-- (scheduler.spawn), which the lease's heartbeat and the watcher run in.
local core = require("lmigrate.core")
local retry = require("lmigrate.run.retry")
local scheduler = require("lmigrate.run.scheduler")
local side = require("lmigrate.run.side")

describe("retry.SCHEDULE", function()
  it("is GitLab's WithLockRetries table: 41 rows, about 42 minutes in all", function()
    assert.equals(41, #retry.SCHEDULE)
    assert.same({ 0.1, 0.05 }, retry.SCHEDULE[1])
    assert.same({ 1, 60 }, retry.SCHEDULE[11])
    assert.same({ 10, 600 }, retry.SCHEDULE[41])
    local total = 0
    for _, r in ipairs(retry.SCHEDULE) do total = total + r[1] + r[2] end
    assert.is_true(total > 40 * 60 and total < 45 * 60)
  end)

  it("writes durations as the messages do", function()
    assert.equals("100ms", retry.seconds(0.1))
    assert.equals("1.5s", retry.seconds(1.5))
    assert.equals("2s", retry.seconds(2))
    assert.equals("10m", retry.seconds(600))
    assert.equals("1m30s", retry.seconds(90))
  end)
end)

describe("retry.limits", function()
  local m = { connection = { safety = { lock_timeout = 5, lock_budget = 600, lease = 30,
                                        lease_renew = 10 } } }

  it("are the connection's, each overridden by the migration's own field", function()
    assert.same({ lock_timeout = 5, lock_budget = 600 }, retry.limits(m, { class = {} }))
    assert.same({ lock_timeout = 2, lock_budget = false, statement_timeout = 60 },
      retry.limits(m, { class = { lock_timeout = "2s", lock_budget = false,
                                  statement_timeout = "1m" } }))
  end)

  it("refuse a bad value as configuration, naming the migration's file", function()
    local ok, err = pcall(retry.limits, m, { name = "x", file = "db/x.lua",
                                            class = { lock_budget = "lots" } })
    assert.is_false(ok)
    assert.equals("config", err.kind)
    assert.equals("x", err.migration)
    assert.truthy(err.message:find("db/x.lua: lock_budget must be a duration", 1, true))
  end)

  it("know a lock timeout: PostgreSQL's 55P03, MySQL's 1205", function()
    local errors = require("lmigrate.errors")
    assert.is_true(retry.is_lock_timeout(errors.new("database", "x", { code = "55P03" })))
    assert.is_true(retry.is_lock_timeout(errors.new("database", "x", { code = "HY000", errno = 1205 })))
    assert.is_false(retry.is_lock_timeout(errors.new("database", "x", { code = "57014" })))
    assert.is_false(retry.is_lock_timeout("55P03"))
  end)
end)

describe("side.describe", function()
  it("says the lock waited for and who holds it", function()
    local null = {}
    local line, pid = side.describe({ mode = "AccessExclusiveLock", locktype = "relation",
      rel = "songs", pid = 4242, usename = "app", addr = "10.0.0.5", state = "idle in transaction",
      secs = 192.4, query = "UPDATE songs SET plays = plays + 1 WHERE id = 1", qlen = 80 }, null)
    assert.equals("waiting for ACCESS EXCLUSIVE on songs: held by pid 4242 (app@10.0.0.5, idle in"
      .. " transaction for 3m12s: UPDATE songs SET plays = plays + 1 WHERE id = 1 ...)", line)
    assert.equals(4242, pid)
    line = side.describe({ mode = "ShareRowExclusiveLock", locktype = "transactionid", rel = null,
      pid = 7, usename = "u", addr = null, state = "active", secs = 3, query = "", qlen = 0 }, null)
    assert.equals("waiting for SHARE ROW EXCLUSIVE on transactionid: held by pid 7 (u@local, active"
      .. " for 3s)", line)
  end)
end)

describe("scheduler.spawn", function()
  it("is nil outside scheduler.all", function()
    assert.is_nil(scheduler.spawn(function() end))
  end)

  it("runs a task beside the job until it is stopped, and the job waits for it", function()
    local ticks, task = 0, nil
    local r = scheduler.all({ function()
      task = scheduler.spawn(function()
        while not task.stopped do
          ticks = ticks + 1
          scheduler.sleep(10)   -- stop() ends the sleep at once
        end
      end)
      scheduler.sleep(0.05)
      local t0 = core.clock()
      task.stop()
      while not task.done do scheduler.sleep(0.01) end
      return core.clock() - t0
    end })
    assert.is_true(r[1].ok)
    assert.is_true(r[1].value < 1)
    assert.equals(1, ticks)
    assert.is_true(task.done)
  end)

  it("keeps a task's error on its handle, not the job's", function()
    local task
    local r = scheduler.all({ function()
      task = scheduler.spawn(function() error("boom", 0) end)
      scheduler.sleep(0.02)
      return "fine"
    end })
    assert.same({ ok = true, value = "fine" }, r[1])
    assert.equals("boom", task.err)
  end)

  it("drops a task still running when the jobs are done", function()
    local r = scheduler.all({ function()
      scheduler.spawn(function() scheduler.sleep(60) end)
      return 1
    end })
    assert.same({ ok = true, value = 1 }, r[1])
  end)
end)
