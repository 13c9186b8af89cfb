-- Metatables and metamethods (manual §2.4), integer-only part.

-- __index as a table, as a function, and chains of tables
local base = {greet = "hello", shared = "base"}
local mid = setmetatable({shared = "mid"}, {__index = base})
local obj = setmetatable({}, {__index = mid})
print(obj.greet, obj.shared, obj.missing, rawget(obj, "greet"))
local calls = 0
local lazy = setmetatable({}, {__index = function(t, k)
  calls = calls + 1
  return k .. "!"
end})
print(lazy.a, lazy[1], lazy.a, calls)
-- __index is not used for existing keys, even when their value is false
local f = setmetatable({present = false}, {__index = function() return "default" end})
print(f.present, f.absent)
-- __index on a non-table value through a chain
local strchain = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return "deep " .. k end})})
print(strchain.x)
-- __newindex as a function and as a table
local store = {}
local proxy = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v and v * 2) end})
proxy.a = 5
proxy.a = 7
print(proxy.a)
local redirect = setmetatable({}, {__newindex = store})
redirect.x = 1
print(rawget(redirect, "x"), store.x)
local chained = setmetatable({}, {__newindex = setmetatable({}, {__newindex = function(_, k, v) store[k .. "2"] = v end})})
chained.y = "v"
print(rawget(chained, "y"), store.y2)
-- __newindex is not used for existing keys
local existing = setmetatable({k = 1}, {__newindex = function() error("not called") end})
existing.k = 2
print(existing.k)
-- rawset/rawget bypass metamethods
rawset(proxy, "raw", 3)
print(proxy.raw, rawget(lazy, "zzz"), calls)
-- __call with extra arguments
local callable = setmetatable({tag = "C"}, {__call = function(self, a, b) return self.tag, a, b end})
print(callable(1, 2))
print(pcall(callable, "p"))
local nested = setmetatable({}, {__call = callable})
local r1, r2, r3 = nested("x")
print(r1, r2 == nested, r3)
-- arithmetic metamethods (integer and bitwise); the left operand is tried first
local V = {}
local function v(n) return setmetatable({n = n}, V) end
local function val(x) return type(x) == "table" and x.n or x end
for _, ev in ipairs({"add", "sub", "mul", "mod", "idiv", "band", "bor", "bxor", "shl", "shr"}) do
  V["__" .. ev] = function(a, b) return ev .. "(" .. val(a) .. "," .. val(b) .. ")" end
end
V.__unm = function(a, b) return "unm(" .. val(a) .. "," .. tostring(val(b) == val(a)) .. ")" end
V.__bnot = function(a) return "bnot(" .. val(a) .. ")" end
local x, y = v(1), v(2)
print(x + y, x - 3, 4 * y, x % y, x // 5, "s" + x)
print(x & y, 7 | x, x ~ 1, x << 2, 3 >> y, -x, ~y)
-- __concat, __len, __unm
V.__concat = function(a, b) return "cat(" .. tostring(val(a)) .. "," .. tostring(val(b)) .. ")" end
V.__len = function(a) return a.n * 100 end
print(x .. y, "a" .. x, x .. 5, #x, #y)
-- comparison metamethods: __eq only for two tables or two userdata
local E = {__eq = function(a, b) return a.id % 10 == b.id % 10 end}
local e1, e2, e3 = setmetatable({id = 1}, E), setmetatable({id = 11}, E), setmetatable({id = 2}, E)
print(e1 == e2, e1 == e3, e1 ~= e2, e1 == 1, rawequal(e1, e2))
local one_sided = setmetatable({id = 21}, {})
print(e1 == one_sided, one_sided == e1)
-- __eq results are converted to booleans
local T = {__eq = function() return "yes" end}
print(setmetatable({}, T) == setmetatable({}, T))
-- __lt and __le; a > b is b < a
local O = {}
O.__lt = function(a, b) return val(a) < val(b) end
O.__le = function(a, b) return val(a) <= val(b) end
local function o(n) return setmetatable({n = n}, O) end
print(o(1) < o(2), o(2) < o(1), o(1) <= o(1), o(2) >= o(3), o(3) > o(2), o(1) < 5, 0 <= o(0))
print(pcall(function() return {} < {} end))
print(pcall(function() return {} < 1 end))
print(pcall(function() return 1 >= {} end))
-- __tostring and __name
local named = setmetatable({}, {__tostring = function() return "I am named" end})
print(tostring(named), named)
print(pcall(tostring, setmetatable({}, {__tostring = function() return 42 end})))
local typed = setmetatable({}, {__name = "MyType"})
print((tostring(typed):gsub("0x%x+", "ADDR"):gsub(": [%x]+$", ": ADDR")))
print(pcall(string.rep, typed, 1))
print(pcall(math.abs, typed))
-- __metatable protects the metatable
local protected = setmetatable({}, {__metatable = "locked"})
print(getmetatable(protected))
print(pcall(setmetatable, protected, {}))
print(getmetatable("").__metatable, getmetatable(1), getmetatable(print))
-- __pairs
local pt = setmetatable({}, {__pairs = function(t)
  local i = 0
  return function() i = i + 1; if i <= 3 then return i, i * i end end, t, nil
end})
for k, val2 in pairs(pt) do print("pairs", k, val2) end
-- __index with rawget and rawequal
print(rawequal(obj, obj), rawlen({1, 2}), rawget(mid, "greet"))
-- setmetatable returns its first argument; nil removes the metatable
local plain = {}
print(setmetatable(plain, nil) == plain, getmetatable(plain))
print(pcall(setmetatable, plain, 5))
print(pcall(setmetatable, 5, {}))
-- metamethods for arithmetic on errors name the operation
print(pcall(function() return setmetatable({}, {}) + 1 end))
print(pcall(function() return {} + {} end))
print(pcall(function() return {} .. "a" end))
-- inheritance with methods
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({name = name, sound = sound}, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof"); return setmetatable(d, Dog) end
function Dog:fetch() return self.name .. " fetches" end
local d = Dog.new("Rex")
print(d:speak(), d:fetch(), getmetatable(d) == Dog)
-- __index loops are detected
local loop1 = {}
setmetatable(loop1, {__index = loop1})
print(pcall(function() return loop1.x end))
