-- debug.traceback: of the caller, of another coroutine, with library functions by name
local function clean(s)
  return (s:gsub("0x%x+", "ADDR"))
end

local function run(f) return f() end
local t = {}
function t.x() return debug.traceback("in field", 1) end
print(clean(t.x()))
local obj = {}
function obj:m() local s = debug.traceback("in method"); return s end
print(clean(obj:m()))
local function lf()
  local s = debug.traceback()
  return s
end
print(clean(lf()))
local function outer()
  local f = function() local s = debug.traceback("up"); return s end
  local function g() local s = f(); return s end
  return (g())
end
print(clean(outer()))
print(clean((run(function() local s = debug.traceback("tail"); return s end))))

-- library functions by name
print(select(2, xpcall(function() local x = string.rep(nil, 1) end, debug.traceback)))
print(select(2, pcall(function()
  local ok, e = xpcall(error, debug.traceback, "boom")
  error(e, 0)
end)))
print(select(2, xpcall(function() table.sort({3, 2, 1}, function(a, b) error("cmp") end) end, debug.traceback)))

-- another coroutine's stack, not the caller's
local co = coroutine.create(function(a)
  local function inner(b)
    coroutine.yield(b)
  end
  inner(a)
  return 1
end)
coroutine.resume(co, 1)
print(debug.traceback(co))
print(debug.traceback(co, "msg"))
print(debug.traceback(co, "lvl1", 1))
print(debug.traceback(co, nil, 2))
print(debug.traceback("plain", 1) == debug.traceback("plain", 1))
local dead = coroutine.create(function() local x = nil; return x.y end)
print(coroutine.resume(dead))
print(debug.traceback(dead))
print(debug.traceback(coroutine.running(), "main", 1))
local tt = {}
print(debug.traceback(tt) == tt)
print(debug.traceback(12))
print(debug.traceback(nil))
-- deep stacks are cut
local function deep(n) if n == 0 then return debug.traceback("deep") end return (deep(n - 1)) end
print(deep(30))
