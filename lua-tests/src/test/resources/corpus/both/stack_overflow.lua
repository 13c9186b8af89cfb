-- A stack overflow reaches an xpcall message handler, which runs (with a little stack to
-- spare) on the stack where the overflow was raised, and whose result xpcall returns; an
-- overflow in the handler itself is an error in error handling. (Each overflow takes lua5.4
-- about 0.2 s: few of them here.)
local function overflow() local function f() return f() + 1 end f() end
print(xpcall(overflow, function(m) return "handled: " .. m end))
print(pcall(overflow))
local calls = 0
local _, tb = xpcall(overflow, function(m) calls = calls + 1 return debug.traceback(m) end)
print(calls, tb:match("^[^\n]*"), tb:find("%(skipping %d+ levels%)") ~= nil)
print(xpcall(overflow, function(m) local function g() return g() + 1 end return g() end))
print(select('#', xpcall(function() error("not an overflow") end, function(m) return 1, 2, 3 end)))
print(coroutine.wrap(function() return xpcall(overflow, function(m) return "in co: " .. m end) end)())
