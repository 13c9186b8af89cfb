-- Basic functions (manual §6.1).

-- select
print(select("#", 1, 2, 3), select(2, "a", "b", "c"), select(-2, "a", "b", "c"))
-- tostring and tonumber with bases
print(tostring(12), tostring("x"), tostring(nil), tostring(false), tostring(-0))
print(tonumber("10", 2), tonumber("ff", 16), tonumber("FF", 16), tonumber("zz", 36), tonumber("Zz", 36), tonumber("777", 8))
print(tonumber("  101  ", 2), tonumber("-101", 2), tonumber("+7", 8), tonumber("8", 8), tonumber("1 0", 2), tonumber("", 10))
print(tonumber("7fffffffffffffff", 16), tonumber("8000000000000000", 16), tonumber("ffffffffffffffffff", 16))
print(tonumber("0x10", 16), tonumber("10", 36), tonumber("-", 10), tonumber("1e1", 10))
print(pcall(tonumber, "10", 1))
print(pcall(tonumber, "10", 37))
print(pcall(tonumber, 10, 16))
print(pcall(tonumber))
print(tonumber("0x"), tonumber("0x1g"), tonumber("1_000"), tonumber("１"))
-- rawequal, rawlen, rawget, rawset
local mt = {__eq = function() return true end, __index = function() return "meta" end,
  __newindex = function() error("no") end, __len = function() return 99 end}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
print(a == b, rawequal(a, b), rawequal(a, a), #a, rawlen(a), a.x, rawget(a, "x"))
print(rawset(a, "x", 1) == a, rawget(a, "x"), a.x)
print(pcall(rawset, a, nil, 1))
print(pcall(rawget, "str", 1))
print(pcall(rawequal, 1))
print(rawequal("a", "a"), rawequal(1, 1), rawequal({}, {}))
-- next and pairs
local t = {10, 20, 30}
local k, v = next(t)
print(k, v)
k, v = next(t, k)
print(k, v)
print(next(t, 3), next({}), type(next), rawequal(next, pairs({})))
local sum = 0
for kk, vv in pairs(t) do sum = sum + kk * vv end
print(sum)
-- ipairs stops at the first nil and respects __index
local holes = {1, 2, nil, 4}
local n = 0
for i in ipairs(holes) do n = i end
print(n)
local proxy = setmetatable({}, {__index = function(_, i) if i <= 3 then return i * 11 end end})
for i, vv in ipairs(proxy) do print("ipairs", i, vv) end
print(pcall(ipairs))
-- getmetatable / setmetatable
print(getmetatable({}), getmetatable(setmetatable({}, mt)) == mt, getmetatable("").__index == string)
-- load with strings, functions, names, modes and environments
local f = load("return 1 + 1")
print(f())
print(load("syntax error here"))
print(load("return ...", "chunk", "t")(7, 8))
local parts, i = {"return ", "'pie", "ces'"}, 0
print(load(function() i = i + 1; return parts[i] end)())
print(type(load(function() return nil end)), load(function() return nil end)())
-- (only the first line: lua.c's message handler also applies inside load, adding a traceback)
local r1, r2 = load(function() error("reader failed", 0) end)
print(r1, (r2:match("^[^\n]*")))
print(load("return x", "=custom", "t", {x = "from env"})())
local env = {}
load("y = 5", "setter", "t", env)()
print(env.y, y)
print(load("return 1", "binary only", "b"))
print(type(load("error('in chunk')", "@named.lua")))
print(pcall(load("error('in chunk')", "@named.lua")))
print(pcall(load("error('in chunk')", "=(raw name)")))
print(pcall(load("\n\nerror('in chunk')", "source text")))
print(pcall(load("local x = nil; return x.f", "=c")))
print(load("return _ENV")() == _G, load("return _ENV", "n", "t", env)() == env)
print(pcall(load, "x", "n", "q"))
-- a chunk is a vararg function
print(load("return select('#', ...)")(1, 2, 3), load("local a, b = ...; return b")(1, 2))
-- dofile-free evaluation of expressions with load and string.format
local expr = "2 * (3 + 4)"
print(load("return " .. expr)())
-- assert returns all its arguments
print(assert(1, 2, 3))
print(select("#", assert(true)))
-- type errors in the base library
print((pcall(setmetatable, {}, {}, 1)))
print(select("#", ipairs(nil)), select(3, ipairs(nil)))
print(pcall(select, "x"))
print(pcall(tostring))
print(pcall(rawlen))
print(pcall(next))
print(pcall(next, {}, 1))
-- _G and _VERSION
print(_G._G == _G, type(_VERSION), _VERSION:match("^Lua 5%.4") ~= nil)
-- print uses tostring, separates with tabs and ends with a newline
print(1, nil, "two", false)
print()
print(setmetatable({}, {__tostring = function() return "custom tostring" end}))
print(pcall(print, setmetatable({}, {__tostring = function() return {} end})))
print((tostring(setmetatable({}, {__name = 7})):match("^table: ")))
