-- Assignment (manual §3.3.3): multiple assignment, adjustment, swaps, globals and _ENV.

local a, b, c = 1, 2
print(a, b, c)
a, b = 10, 20, 30
print(a, b)
-- all expressions are evaluated before any assignment
a, b = b, a
print(a, b)
local x, y, z = 1, 2, 3
x, y, z = z, x, y
print(x, y, z)
-- the manual's example: i is evaluated before being assigned
local i = 3
local t = {}
i, t[i] = i + 1, 20
print(i, t[3], t[4])
-- table element swaps
local arr = {1, 2, 3}
arr[1], arr[3] = arr[3], arr[1]
print(arr[1], arr[2], arr[3])
local j = 1
j, arr[j] = j + 1, "changed"
print(j, arr[1], arr[2])
-- function calls are adjusted: all results only in the last position
local function two() return "p", "q" end
local m1, m2, m3 = two()
print(m1, m2, m3)
m1, m2, m3 = two(), "r"
print(m1, m2, m3)
m1, m2, m3 = (two())
print(m1, m2, m3)
m1, m2, m3 = 0, two()
print(m1, m2, m3)
-- globals are fields of _ENV
g1 = "global"
print(g1, _ENV.g1, _G.g1, _ENV == _G)
_ENV.g2 = 5
print(g2)
g1, g2 = nil, nil
print(g1, g2, rawget(_G, "g1"))
-- a local _ENV changes what free names refer to
do
  local _ENV = {print = print, v = "from custom env"}
  print(v, x)
  w = 1
  print(w, _ENV.w)
end
print(w)
-- compound targets: fields of fields, computed indices
local obj = {inner = {}}
local key = "k"
obj.inner[key], obj[key .. "2"] = "deep", "shallow"
print(obj.inner.k, obj.k2)
-- assigning to a call result or a parenthesised name is a syntax error
print(load("f() = 1"))
print(load("(a) = 1"))
print(load("a, b() = 1, 2"))
-- locals shadow, and a local is in scope only after its declaration
local s = 1
local s = s + 1
print(s)
local function shadow() local s = s * 10; return s end
print(shadow(), s)
-- attributes: const locals cannot be assigned
print(load("local c <const> = 1; c = 2"))
print(load("local c <const> = 1; return function() c = 2 end"))
print(load("local c <foo> = 1"))
