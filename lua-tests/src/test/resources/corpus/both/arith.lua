-- Integer arithmetic (manual §3.4.1): wrap-around, floor division and modulo, precedence.

local max, min = math.maxinteger, math.mininteger
print(max, min, max + 1 == min, min - 1 == max, -min == min, max * 2, min * -1)
print(max * max, min * min, 0x100000000 * 0x100000000, 3037000500 * 3037000500)

-- floor division rounds towards minus infinity; modulo has the sign of the divisor
local pairs_ = {{7, 2}, {-7, 2}, {7, -2}, {-7, -2}, {6, 3}, {-6, 3}, {0, 5}, {0, -5}, {1, 7}, {-1, 7}}
for _, p in ipairs(pairs_) do
  local a, b = p[1], p[2]
  print(a, b, a // b, a % b, (a // b) * b + a % b == a)
end
print(min // -1, min % -1, min // 1, max // -1, min // 2, min % 2, max % min, min % max)
print(5 // max, -5 // max, 5 % max, -5 % max, 5 % min, -5 % min)
-- precedence and associativity
print(2 + 3 * 4, (2 + 3) * 4, 2 - 3 - 4, 2 - (3 - 4), -2 * -3, - - 2, 10 // 3 * 3, 10 % 4 % 3)
print(1 + -1, 7 // 2 // 2, -7 // 2 // 2, 2 * 3 % 4, -3 % 5 * 2)
print(1 .. 2 + 3, "1" + 2 .. 3)
-- comparison of integers, including the extremes
print(1 < 2, 2 < 1, 1 <= 1, 1 >= 2, min < max, max > min, min <= min, -1 < 0, max == max)
print(3 ~= 3, 3 ~= 4, 0 == -0, min < 0, max >= 0)
-- unary minus and arithmetic on computed values
local function f(x) return x * 3 - 1 end
print(-f(2), f(-2), f(max), f(min))
-- sums and products in loops wrap silently
local s, p = 0, 1
for i = 1, 70 do s = s + max; p = p * 3 end
print(s, p)
-- errors
print(pcall(function() local a; return a + 1 end))
print(pcall(function() local a = {}; return 1 - a end))
print(pcall(function() return 1 * nil end))
print(pcall(function() return -{} end))
print(pcall(function() return true + false end))
print(pcall(function() local t = {}; return t.x * 2 end))
print(pcall(function() return undefined_global % 2 end))
