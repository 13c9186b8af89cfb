-- return f(args): tail calls to Lua functions, library functions, methods and callable
-- tables; chains longer than any bound on the Java stack; what the debug library, errors,
-- hooks and coroutines see of them.

-- a chain of 100,000 tail calls runs in constant Lua stack
local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end
print("count", count(100000, 0))

-- mutual recursion, with a non-tail call at every 50th step
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n)
  if n == 0 then return false end
  if n % 50 == 0 then local r = even(n - 1); return r end
  return even(n - 1)
end
print("even", even(10001), even(10000))

-- targets of every kind
local obj = setmetatable({k = 3}, {__index = {twice = function(self, x) return self.k * x * 2 end}})
local callable = setmetatable({}, {__call = function(self, a, b) return "called", a, b end})
local function toMethod(o, x) return o:twice(x) end
local function toLib(s) return string.byte(s, 1, 3) end
local function toCallable(a) return callable(a, a + 1) end
local function toVararg(...) return select("#", ...) end
local function toFour(a) return toVararg(a, a, a) end
print("method", toMethod(obj, 5))
print("lib", toLib("ABCD"))
print("callable", toCallable(1))
print("four", toFour(1))

-- a value that cannot be called: the error names it
local function toNil() local f; return f(1) end
print("nil", pcall(toNil))
local function toNum() local f = 42; return f() end
print("number", pcall(toNum))

-- istailcall and tracebacks
local function where() local i = debug.getinfo(1, "t"); return i.istailcall end
local function viaTail() return where() end
local function viaCall() local r = where(); return r end
print("istailcall", viaTail(), viaCall())
local function tb() return debug.traceback("tb", 1) end
local function t1() return tb() end
local function t2() local s = t1(); return s end
print(t2())

-- error levels count the frames Lua sees: the tail caller is gone
local function raise() error("level 2", 2) end
local function tailRaise() return raise() end
local function callsTailRaise() local ok, e = pcall(tailRaise); return e end
print("level", callsTailRaise())
local function deep(n) if n == 0 then error("deep " .. n) end return deep(n - 1) end
print("deep", pcall(deep, 40))
print("handler", select(2, xpcall(deep, function(m) return "handled: " .. m end, 40)))

-- the caller's frame is gone while the callee runs, also when the callee yields
local co = coroutine.wrap(function(a)
  local function y(v) return coroutine.yield(v) end
  local function w(v) return y(v) end
  local function z(n, v) if n == 0 then return w(v) end return z(n - 1, v) end
  local b = z(40, a + 1)
  local c = z(40, b * 2)
  return "end", c
end)
print("co", co(1), co(10), co(100))

-- a call hook sees each tail call as one
local events = {}
local function leaf() return 1 end
local function mid() return leaf() end
local function top() return mid() end
debug.sethook(function(ev) local i = debug.getinfo(2, "n"); events[#events + 1] = ev .. ":" .. tostring(i and i.name) end, "c")
top()
debug.sethook()
print("hook", table.concat(events, " ", 1, #events - 1))

-- 200 levels of non-tail calls, each making a chain of 40 tail calls
local function chain(n) if n == 0 then return 0 end return chain(n - 1) end
local function rec(d) if d == 0 then return chain(40) end local r = rec(d - 1) + chain(40); return r end
print("rec", rec(200))

-- a coroutine killed by an error in a tail-called function keeps its stack as it was,
-- tail calls included
local function bad(x) error("bad " .. x) end
local function toBad(x) return bad(x) end
local dead = coroutine.create(function(a) return toBad(a) end)
print("dead", coroutine.resume(dead, 7))
print(debug.traceback(dead))
local dead2 = coroutine.create(function(a) local r = toBad(a); return r end)
print("dead2", coroutine.resume(dead2, 8))
print(debug.traceback(dead2))
-- and one that caught it runs on with its marks as they were
local alive = coroutine.wrap(function()
  print("caught", pcall(toBad, 9))
  local function where() return debug.traceback("here", 1) end
  local function viaTail() return where() end
  local s = viaTail()
  coroutine.yield(s)
end)
print(alive())
