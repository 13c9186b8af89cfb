-- Leaves: compiled functions that call nothing (no loop, no goto, no <close>) run without
-- pushing their frame; the first slow path that may let anything see the stack (a metamethod,
-- an error) pushes it. Positions, tracebacks, levels, errors on dead coroutines, re-entry and
-- yields through such a function must be as if the frame had been there all along.

local function leaf(t) return t.x + 1 end
print("ok", pcall(leaf, {x = 1}))
print("index nil", pcall(leaf, nil))
print("arith nil", pcall(leaf, {}))
local function first4(m) return (debug.traceback(m, 1):match("^(.-\n.-\n.-\n.-)\n")) end
print(select(2, xpcall(leaf, first4, {})))

-- a metamethod called from a leaf sees it one level up, at the line of the access
local seen = {__index = function(t, k)
  local i = debug.getinfo(2, "Sln")
  print("getinfo", i.currentline, i.name, i.short_src, i.what)
  print((debug.traceback("from __index", 1):match("^(.-\n.-\n.-\n.-)\n")))
  return 41
end}
local function field(t)
  local a = 1
  return t.y + a
end
print("field", field(setmetatable({}, seen)))

-- the same leaf entered again through its own metamethod
local depth, again = 0
local re = {__index = function(t, k) depth = depth + 1; if depth < 4 then return again(t) end; return depth end}
again = function(t) return t.z + 100 end
print("re-entered", again(setmetatable({}, re)), depth)

-- an error in a leaf kills a coroutine; the dead coroutine's traceback keeps the leaf's line,
-- and later calls of the leaf do not change it
local co = coroutine.create(function() local v = leaf(nil); return v end)
print("dead", coroutine.resume(co))
print("later", leaf({x = 5}), leaf({x = 6}), pcall(leaf, false))
print(debug.traceback(co))

-- a leaf whose metamethod yields: its effects before the yield happen once
local yielding = {__index = function(t, k) return coroutine.yield(k) end}
local function count(t) t.n = t.n + 1; return t.w end
local obj = setmetatable({n = 0}, yielding)
local w = coroutine.wrap(function() local v = count(obj); return v, obj.n end)
print("yield", w())
print("resume", w(7))
local c2 = coroutine.create(function(o) local v = count(o); return v * 2 end)
print("yield2", coroutine.resume(c2, obj))
print("leaf meanwhile", count(setmetatable({n = 1, w = 3}, yielding)), obj.n)
print("resume2", coroutine.resume(c2, 8))
print("n", obj.n)

-- comparisons, concatenation and length through metamethods, and error levels
local V = {}
V.__lt = function(a, b) return a.v < b.v end
V.__concat = function(a, b) return "cat" end
V.__len = function(a) return select(2, pcall(error, "lvl", 3)) end
local function lt(a, b) return a < b end
local function cat(a) return a .. "x" end
local function len(a) return #a end
local p, q = setmetatable({v = 1}, V), setmetatable({v = 2}, V)
print("meta", lt(p, q), lt(q, p), cat(p), len(p))
local function bad(a) return a < 1 end
print("compare", pcall(bad, {}))
local function errlevel(t) t.k = t.k .. "" end
print("concat nil", pcall(errlevel, {}))
