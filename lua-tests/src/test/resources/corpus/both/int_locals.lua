-- Locals that only ever hold integers (the compiled back-end keeps them as JVM longs):
-- wrap-around, floor division and modulo with their signs and errors, shifts, swaps,
-- loops over them, goto, and locals that look like integers but are not.

local function show(...) print(select("#", ...), ...) end

-- wrap-around and the integer operators
local big = math.maxinteger
big = big + 1
print(big == math.mininteger, big)
local m = math.mininteger
m = m - 1
print(m == math.maxinteger)
local p = 3037000500
p = p * p
print(p)
local q = math.mininteger // -1
print(q, math.mininteger % -1)
local a, b = 7, -7
print(a // 2, b // 2, a % 3, b % 3, a // -2, b % -3)
local s = 1
s = s << 63
print(s, s >> 63, s << 1, 1 << 64, 1 << -1, -1 >> 1, -1 >> 64)
local x = 0xff
x = (x & 0x0f) | (x ~ 0x3c)
print(x, ~x, -x)

-- errors of integer division and modulo by zero keep their messages
local z = 0
local one = 1
show(pcall(function() local r = 5 // z return r end))
local ok, e = pcall(function() local k = 3; k = k % z; return k end)
print(ok, e)
ok, e = pcall(function() local k = 3; k = k // (z * 2); return k end)
print(ok, e)

-- multiple assignment and swaps
local i, j = 1, 2
i, j = j, i
print(i, j)
i, j = i + j, i - j
print(i, j)
local u, v, w = 1, 2
print(u, v, w)
u, v = 10
print(u, v)

-- a local given a call's result, or a string, is not an integer for sure
local function two() return 2, 3 end
local c = 1
c = two()
print(c, type(c))
local n = "10"
local t = 1
t = t + n
print(t, type(t))
local r = 5
r = r .. ""
print(r, type(r))
local f = 1
f = nil
print(f)

-- loops over integer locals; an assigned loop variable does not change the loop
local sum, count = 0, 0
for k = 1, 10 do
  k = k * 2
  sum = sum + k
  count = count + 1
end
print(sum, count)
local lo, hi = 1, 10
local steps = 0
while lo < hi do lo = lo + 1; hi = hi - 1; steps = steps + 1 end
print(lo, hi, steps)
local acc = 0
for k = 1, 20 do
  if k % 3 == 0 then goto continue end
  acc = acc + k
  ::continue::
end
print(acc)
local rep = 0
repeat local d = rep * 2; rep = rep + 1 until d >= 10
print(rep)
local step = 3
local visits = {}
for k = step, step * 4, step do visits[#visits + 1] = k end
print(table.concat(visits, ","))

-- used as keys, values and arguments
local tbl = {}
local key = 2
tbl[key] = key * 10
tbl[key + 1] = key
print(tbl[2], tbl[3], tbl[key], select("#", key, key))
local fmt = 255
print(string.format("%d %x", fmt, fmt), tostring(fmt), type(fmt))

-- compared with other values
local five = 5
print(five == 5, five == "5", five < 6, five <= 5, pcall(function() return five < "6" end))
print(five == tbl[2] // 2, five ~= nil)

-- an error in arithmetic still names the other operand
local none
print(pcall(function() local k = 1; local y = k + none; return y end))
print(pcall(function() local k, nothing = 1; local y = k * nothing; return y end))
