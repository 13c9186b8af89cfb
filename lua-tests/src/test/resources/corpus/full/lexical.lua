-- Numerals with floats (manual §3.1): decimal and hexadecimal floats, exponents, overflow.

local function show(x) return math.type(x) .. ":" .. tostring(x) end
local function row(...)
  local t = {}
  for i = 1, select("#", ...) do t[i] = show((select(i, ...))) end
  print(table.concat(t, " "))
end

row(3.0, 3.1416, 314.16e-2, 0.31416E1, 34e1, .5, 5., 1e0, 1E+2, 1e-2)
row(0x0.1E, 0xA23p-4, 0X1.921FB54442D18P+1, 0x.8, 0x8., 0x1p4, 0x1P-4, 0xAp0)
-- decimal integer numerals that overflow become floats
row(9223372036854775807, 9223372036854775808, 18446744073709551615, 1e19, 100000000000000000000)
row(-9223372036854775808, -9223372036854775807 - 1)
-- hexadecimal integers wrap, hexadecimal floats do not
row(0xffffffffffffffff, 0xffffffffffffffff.0, 0x1p64, 0x10000000000000000)
-- huge and tiny values
row(1e308, 1e309, -1e309, 1e-324, 4.9e-324, 2.2250738585072014e-308)
print(1e309 == math.huge, 0x1p1024 == math.huge, 0x1p-1075 == 0)
-- long digit strings
row(0.1000000000000000055511151231257827, 123456789012345678901234567890.0)
row(3.14159265358979323846264338327950288419716939937510)
-- malformed numerals
print(load("return 3x"))
print(load("return 0xg"))
print(load("return 12a3"))
print(load("return 1e"))
print(load("return 0x1p"))
print(load("return 1.2.3"))
print(load("return 0x.p1"))
print(load("return .e1"))
print(load("return 1..2"))
-- a numeral then .. needs a space
print(load("return 1 .. 2")(), load("return 1.5 .. ''")())
