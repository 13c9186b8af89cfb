-- Coroutines: where a yield may cross a library function that calls back into Lua (as
-- lua5.4: pairs' __pairs, pcall, xpcall bodies, Lua-called metamethods and iterators do;
-- sort, gsub, tostring, load readers, message handlers, require and metamethods called by
-- library functions do not), and the caller's position in errors through coroutine.wrap.
local function try(name, f, ...)
  local co = coroutine.create(f)
  local res = table.pack(coroutine.resume(co, ...))
  local out = {}
  for i = 1, res.n do out[#out + 1] = tostring(res[i]) end
  local res2 = coroutine.status(co) == "suspended" and table.pack(coroutine.resume(co, "resumed")) or {n = 0}
  for i = 1, res2.n do out[#out + 1] = tostring(res2[i]) end
  print(name, table.concat(out, " "), coroutine.status(co))
end
local Y = coroutine.yield
try("pairs", function()
  local t = setmetatable({}, {__pairs = function(t) local v = Y("in __pairs") return next, {v}, nil end})
  for k, v in pairs(t) do return k, v end
end)
try("ipairs __index", function()
  local t = setmetatable({}, {__index = function(t, i) if i < 3 then return Y("idx" .. i) end end})
  local n = 0
  for i, v in ipairs(t) do n = n + 1 end
  return n
end)
try("lua __index", function()
  local t = setmetatable({}, {__index = function(t, k) return Y("index " .. k) end})
  return t.foo
end)
try("lua __newindex", function()
  local t = setmetatable({}, {__newindex = function(t, k, v) Y("newindex") end})
  t.x = 1
  return "done"
end)
try("lua arith", function()
  local t = setmetatable({}, {__add = function(a, b) return Y("add") end, __lt = function() return Y("lt") end,
    __concat = function() return Y("concat") end, __len = function() return Y("len") end,
    __eq = function() return Y("eq") end, __call = function(self, x) return Y("call " .. x) end,
    __unm = function() return Y("unm") end, __le = function() return Y("le") end})
  local u = setmetatable({}, getmetatable(t))
  return t + 1, t < u, t .. "x", #t, t == u, t(5), -t, t <= u
end)
try("sort", function() local t = {3, 2, 1} table.sort(t, function(a, b) Y("cmp") return a < b end) return t[1] end)
try("gsub", function() return (string.gsub("abc", "%w", function(c) return Y(c) end)) end)
try("gsub table __index", function() return (string.gsub("abc", "%w", setmetatable({}, {__index = function(t, c) return Y(c) end}))) end)
try("tostring", function() return tostring(setmetatable({}, {__tostring = function() return Y("ts") end})) end)
try("print", function() print(setmetatable({}, {__tostring = function() return Y("ts") end})) end)
try("load reader", function() return load(function() return Y("reader") end) end)
try("xpcall handler", function() return xpcall(error, function(m) return Y("handler") end, "err") end)
try("xpcall body", function() return xpcall(function() return Y("body") end, print) end)
try("pcall body", function() return pcall(Y, "pcall body") end)
try("require loader", function() package.preload.ymod = function() return Y("loader") end return require("ymod") end)
try("searcher", function() table.insert(package.searchers, 1, function() Y("searcher") end) local ok, e = pcall(require, "zzz") table.remove(package.searchers, 1) return ok end)
try("select", function() return select(2, Y("sel")) end)
try("next", function() return next({}, nil) end)
try("table.concat __index", function() return table.concat(setmetatable({}, {__index = function(t, i) return Y("tc") end, __len = function() return 2 end})) end)
try("table.insert __newindex", function() local t = setmetatable({}, {__newindex = function() Y("ti") end}) table.insert(t, 1) return "ok" end)
try("table.unpack __index", function() return table.unpack(setmetatable({}, {__index = function(t, i) return Y("tu") end}), 1, 2) end)
try("string.format %s", function() return string.format("%s", setmetatable({}, {__tostring = function() return Y("fmt") end})) end)
try("string.rep", function() return string.rep(setmetatable({}, {__tostring = function() return Y("x") end}), 2) end)
try("for iterator", function() for k in function() return Y("iter") end do return k end end)
try("wrap inside", function() return coroutine.wrap(function() return Y("inner") end)() end)
try("setmetatable __metatable", function() return getmetatable(setmetatable({}, {__metatable = "p"})) end)
try("rawequal", function() return rawequal(Y("raw"), 1) end)
try("__index table.sort", function() local t = setmetatable({}, {__index = function(t, i) return Y("si") end, __len = function() return 2 end}) table.sort(t) end)
try("math.max", function() return math.max(Y("mm"), 1) end)
try("tostring __name", function() return tostring(setmetatable({}, {__name = "N"})):match("^N") end)
try("string method __index", function() local mt = getmetatable("") local old = mt.__index mt.__index = function(s, k) mt.__index = old return Y("smi") end return ("x"):foo() end)

-- coroutine.wrap: string errors get the position of a Lua caller
local f = coroutine.wrap(function() error("boom") end)
print(pcall(f))
print(pcall(f))
local g = coroutine.wrap(function() error({}) end)
print(select('#', pcall(g)), type(select(2, pcall(g))))
local h = coroutine.wrap(function() error("lvl0", 0) end)
print(pcall(h))
local k = coroutine.wrap(function() coroutine.yield(1) end)
print(k()); print(k()); print(pcall(k))
local function outer() return f() end
print(pcall(outer))
local n = coroutine.wrap(function() local x = nil; return x.y end)
print(pcall(n))
local e = coroutine.wrap(function() error(42) end)
print(pcall(e))
print(pcall(coroutine.wrap(function() coroutine.wrap(function() error("inner") end)() end)))
local r = coroutine.wrap(function() return coroutine.running() end)
print(pcall(coroutine.wrap(print), 1, 2))
local self
self = coroutine.wrap(function() self() end)
print(pcall(self))
