--- Runs scripts in runtimes of their own, and spawns threads that run them (spec §6).
-- Keeps its bookkeeping in lunatik._ENV: `runtimes` and `threads`, rcu tables keyed by script.
-- @module lunatik.runner

local lunatik = require("lunatik")
local thread = require("thread")
local rcu = require("rcu")

local runner = {}
local env = lunatik._ENV

--- Drops a ".lua" suffix (as Lunatik does, with its unescaped '.').
local function trim(script)
	return (string.gsub(script, "(%w+).lua", "%1"))
end

--- Makes the bookkeeping tables, unless they are there: a second `lunatik load` (or the daemon,
-- which runs this at its start) must not forget the runtimes that are running (Lunatik's
-- replaces them).
-- @differs Lunatik's startup replaces the tables, forgetting the running scripts.
function runner.startup()
	env.runtimes = env.runtimes or rcu.table()
	env.threads = env.threads or rcu.table()
end

--- Creates a runtime for `script`; extra arguments go to lunatik.runtime (the sleep flag).
-- @raise "<script> is already running"
function runner.run(script, ...)
	script = trim(script)
	if env.runtimes[script] then
		error(string.format("%s is already running", script))
	end
	local rt = lunatik.runtime(script, ...)
	env.runtimes[script] = rt
	return rt
end

--- Runs `script` and starts a thread resuming the function the script returned.
function runner.spawn(script, ...)
	local rt = runner.run(script, ...)
	local name = string.match(script, "(%w*/*%w*)$")
	local t = thread.run(rt, name)
	env.threads[script] = t
	return t
end

--- Stops the thread and the runtime of `script` (unknown names are ignored).
function runner.stop(script)
	script = trim(script)
	local t = env.threads[script]
	if t then
		t:stop()
		env.threads[script] = nil
	end
	local rt = env.runtimes[script]
	if rt then
		rt:stop()
		env.runtimes[script] = nil
	end
end

--- The names of the running scripts, joined with ", ".
function runner.list()
	local list = {}
	rcu.map(env.runtimes, function(script)
		table.insert(list, script)
	end)
	return table.concat(list, ", ")
end

--- Stops every runtime.
function runner.shutdown()
	rcu.map(env.runtimes, function(script)
		runner.stop(script)
	end)
end

return runner
