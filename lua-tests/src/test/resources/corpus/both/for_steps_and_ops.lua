-- Numeric for loops whose limit is an integer expression and whose step is a constant
-- (compiled with their checks inline), next to the general forms; the operators through
-- their per-operator helpers on integers, strings, tables with metamethods, and errors;
-- constants of every kind used many times in one function.

local function count(a, b)
  local n, last = 0, nil
  for i = a, b do n = n + 1; last = i end
  return n, last
end
print(count(1, 10), count(10, 1), count(5, 5), count(-3, 3))
print(count(math.maxinteger - 2, math.maxinteger))
print(count(math.mininteger, math.mininteger + 2))

local function steps()
  local out = {}
  for i = 1, 10, 3 do out[#out + 1] = i end
  for i = 10, 1, -3 do out[#out + 1] = i end
  for i = 3, 1, -1 do out[#out + 1] = i end
  for i = 1, 3, -1 do out[#out + 1] = "never" end
  for i = 3, 1 do out[#out + 1] = "never" end
  for i = 0, 1 | 0, 1 do out[#out + 1] = i end
  return table.concat(out, " ")
end
print(steps())

-- near the ends of the integers: no overflow, no endless loop
local n = 0
for i = math.maxinteger - 5, math.maxinteger, 2 do n = n + 1 end
print(n)
n = 0
for i = math.mininteger + 5, math.mininteger, -2 do n = n + 1 end
print(n)
n = 0
for i = 0, math.maxinteger, math.maxinteger do n = n + 1 end
print(n)
n = 0
for i = 0, math.mininteger, math.mininteger do n = n + 1 end
print(n)
n = 0
for i = -1, math.mininteger, -math.maxinteger do n = n + 1 end
print(n)

-- a limit from a local that only holds integers, and one computed in the loop header
local lim = 4
lim = lim * 2
local acc = 0
for i = 1, lim do acc = acc + i end
for i = lim, 1, -2 do acc = acc + i end
for i = 1, lim // 3 do acc = acc + i end
print(acc)

-- the general forms keep their errors
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() for i = 1, "x" do end end))
print(pcall(function() for i = 1, {} do end end))
local zero = 0
print(pcall(function() for i = 1, 10, zero do end end))
local s10 = "3"
n = 0
for i = 1, s10 do n = n + 1 end
print(n)

-- every operator through its helper: integers, strings, metamethods, errors
local ops = {
  function(a, b) return a % b end, function(a, b) return a // b end,
  function(a, b) return a & b end, function(a, b) return a | b end,
  function(a, b) return a ~ b end, function(a, b) return a << b end,
  function(a, b) return a >> b end, function(a, b) return a + b end,
  function(a, b) return a - b end, function(a, b) return a * b end,
}
local names = { "%", "//", "&", "|", "~", "<<", ">>", "+", "-", "*" }
local mt = {}
for _, e in ipairs({ "__mod", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr", "__add", "__sub", "__mul" }) do
  mt[e] = function(a, b) return e end
end
local obj = setmetatable({}, mt)
for k, op in ipairs(ops) do
  local r = {}
  for _, pair in ipairs({ { 7, 3 }, { -7, 3 }, { 7, -3 }, { -7, -3 }, { "12", 5 }, { 12, "5" }, { 1, 64 }, { -1, 1 } }) do
    local ok, v = pcall(op, pair[1], pair[2])
    r[#r + 1] = tostring(v)
  end
  r[#r + 1] = tostring(op(obj, 1))
  r[#r + 1] = tostring(op(2, obj))
  local ok, e = pcall(op, 1, {})
  r[#r + 1] = (e:gsub("^.-:%d+: ", ""))
  local ok2, e2 = pcall(op, nil, 1)
  r[#r + 1] = (e2:gsub("^.-:%d+: ", ""))
  print(names[k], table.concat(r, " "))
end
print(pcall(ops[1], 1, 0))
print(pcall(ops[2], 1, 0))
print(ops[1](math.mininteger, -1), ops[2](math.mininteger, -1))

-- constants: the same strings and integers many times, large and small
local function consts(t)
  t.alpha = 0x7fffffffffff
  t.beta = -129
  t.gamma = "alpha"
  t[t.gamma] = t.alpha + 0x7fffffffffff + 128 + -128
  return t.alpha, t.beta, t.gamma, t["beta"] * 1000003
end
print(consts({}))
print(consts({}))
