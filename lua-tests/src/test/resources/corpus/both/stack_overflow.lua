-- A stack overflow reaches an xpcall message handler, which runs (with a little stack to
-- spare) and whose result xpcall returns; an overflow in the handler itself is an error in
-- error handling.
print(xpcall(function() local function f() return f() + 1 end f() end, function(m) return "handled: " .. m end))
print(xpcall(function() local function f() return 1 + f() end return f() end, function(m) return "handled: " .. m end))
print(pcall(function() local function f() return f() + 1 end f() end))
local depth = 0
print(xpcall(function() local function f() return f() + 1 end f() end, function(m) depth = depth + 1 return debug.traceback(m, 1):match("^[^\n]*") end))
print(depth)
print(xpcall(function() local function f() return f() + 1 end f() end, function(m) local function g() return g() + 1 end return g() end))
print(xpcall(function() local function f() return f() + 1 end f() end, function(m) error("again") end))
print(select('#', xpcall(function() local function f() return f() + 1 end f() end, function(m) return 1, 2, 3 end)))
local co = coroutine.wrap(function() return xpcall(function() local function f() return f() + 1 end f() end, function(m) return "in co: " .. m end) end)
print(co())
print(pcall(string.rep, "x", -1))
local function deep(n) if n == 0 then return xpcall(function() local function f() return f() + 1 end f() end, function(m) return "deep: " .. m end) end return deep(n - 1) end
print(deep(100))
