-- Metamethods that only exist with floats (__div, __pow) and float operands.

local M = {}
local function m(n) return setmetatable({n = n}, M) end
local function val(x) return type(x) == "table" and x.n or x end
M.__div = function(a, b) return "div(" .. val(a) .. "," .. val(b) .. ")" end
M.__pow = function(a, b) return "pow(" .. val(a) .. "," .. val(b) .. ")" end
M.__idiv = function(a, b) return "idiv(" .. val(a) .. "," .. val(b) .. ")" end
M.__add = function(a, b) return m(val(a) + val(b)) end
print(m(1) / 2, 3 / m(4), m(2) ^ 0.5, 2 ^ m(3), m(7) // 2.5, (m(1.5) + 2.5).n)
-- the string metamethods convert numeric strings for / and ^ as well
print("6" / "4", "2" ^ 3, "1.5" * 2, -"2.5", "10" // "4.0")
print(pcall(function() return "a" / 1 end))
print(pcall(function() return 2 ^ {} end))
print(pcall(function() local t = {}; return t.x / 2 end))
-- bitwise metamethods are called for floats without integer values only if present
local B = {__band = function(a, b) return "band" end}
print(setmetatable({}, B) & 1.5, 1.5 & setmetatable({}, B))
print(pcall(function() return 1.5 & 1 end))
-- __lt between tables and numbers of both subtypes
local L = {__lt = function(a, b) return val(a) < val(b) end, __le = function(a, b) return val(a) <= val(b) end}
local l = setmetatable({n = 1.5}, L)
print(l < 2, 1 < l, l <= 1.5, 2.0 > l)
-- __unm and __len returning floats
local U = setmetatable({}, {__unm = function() return -0.5 end, __len = function() return 2.5 end})
print(-U, #U)
-- __index returning floats and integer/float key normalisation through __newindex
local seen = {}
local N = setmetatable({}, {__newindex = function(t, k, v) seen[#seen + 1] = math.type(k) .. ":" .. tostring(k); rawset(t, k, v) end})
N[1.0] = "a"; N[2] = "b"; N[2.5] = "c"
print(table.concat(seen, " "), N[1], N[2.0], N[2.5])
-- keys: floats with integer values are the same key as integers
local t = {}
t[1.0] = "one"; t[2^53] = "big"
print(t[1], t[2^53 | 0], next({[3.0] = true}), math.type(next({[3.0] = true})))
print(pcall(function() t[0 / 0] = 1 end))
print(t[0 / 0])
