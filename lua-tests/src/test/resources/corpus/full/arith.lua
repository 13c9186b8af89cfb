-- Arithmetic with floats (manual §3.4.1, §3.4.4): conversions, / and ^, division by zero.

local function show(x)
  if x ~= x then return "nan" end
  if type(x) ~= "number" then return tostring(x) end
  return math.type(x) .. ":" .. tostring(x)
end
local function row(...)
  local t = {}
  for i = 1, select("#", ...) do t[i] = show((select(i, ...))) end
  print(table.concat(t, " "))
end

-- integer op integer stays integer; any float operand makes a float
row(1 + 2, 1 + 2.0, 2.0 * 3, 6 - 1.0, 7 // 2, 7 // 2.0, 7 % 2, 7 % 2.0)
-- / and ^ always produce floats
row(6 / 2, 7 / 2, 2 ^ 2, 2 ^ 0.5, 4 ^ -1, (-8) ^ (1 / 3) ~= (-8) ^ (1 / 3) and 0 or 1)
row(-2 ^ 2, 2 ^ 3 ^ 2, (2 ^ 3) ^ 2, -2 ^ -2)
-- floor division and modulo of floats and negative numbers
local cases = {{7.5, 2}, {-7.5, 2}, {7.5, -2}, {-7.5, -2}, {5.25, 0.5}, {-0.0, 1}, {1e308, 1e-308}}
for _, c in ipairs(cases) do row(c[1], c[2], c[1] // c[2], c[1] % c[2]) end
row(5 % math.huge, -5 % math.huge, 5 % -math.huge, -5 % -math.huge, math.huge % 2)
row(5 // math.huge, -5 // math.huge, math.huge // 1, -math.huge // 1)
-- division by zero: floats give inf/-inf/nan, integers raise errors
row(1 / 0, -1 / 0, 0 / 0, 1 // 0.0, -1 // 0.0, 0.0 // 0.0, 1 % 0.0, 1.0 // 0, 1 % -0.0)
row(1 / -0.0, 1 / (0 * -1), 1 / (0.0 * -1), -0.0 == 0.0, 1 / -0.0 == 1 / 0.0)
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
print(pcall(function() local a, b = math.mininteger, 0; return a // b end))
print(pcall(function() local z = 0; return 10 % z end))
-- comparisons between integers and floats are exact
local max, min = math.maxinteger, math.mininteger
print(max < 2^63, max + 0.0 == 2^63, max == 2^63, min == -2^63, min + 0.0 == min)
print(2^53 == 2^53 + 1, 9007199254740993 == 2^53, 9007199254740993 > 2^53, 9007199254740993 < 2^53 + 2)
print(1 < 1.5, 2 > 1.5, 1 == 1.0, -0 == -0.0, 3 <= 3.0, max < math.huge, min > -math.huge)
local nan = 0 / 0
print(nan == nan, nan ~= nan, nan < 1, nan > 1, 1 < nan, nan <= nan, max < nan, min > nan)
-- float to integer conversion of exact values
row(3.0 | 0, 2^53 | 0, -2^63 | 0, math.tointeger(-0.0))
-- overflow of float arithmetic
row(1e308 * 10, -1e308 * 10, 2^1024, 2^-1080, 1e-320 / 1e10)
row(max + 1.0, max * 1.0, min // -1.0, min / -1)
-- mixed computations
row(0.1 + 0.2, 0.1 + 0.2 == 0.3, 1 - 0.9, 100 * 1.1, 3 * (1 / 3))
row(2^31, 2^32 + 1, 2^62, 2^63 - 1024, 1e15 + 0.3)
print(string.format("%.17g %.17g %.17g", 0.1, 1 / 3, 2 / 3))
-- unary minus
row(-(0), -(0.0), -(-0.0), -math.huge, -(min + 0.0))
