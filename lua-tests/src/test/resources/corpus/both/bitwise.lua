-- Bitwise operators (manual §3.4.2): 64-bit two's complement, logical shifts.

local function hex(x) return string.format("0x%016x", x) end
local max, min = math.maxinteger, math.mininteger

print(5 & 3, 5 | 3, 5 ~ 3, ~5, ~0, ~-1, -1 & max, min | 1)
print(hex(0xF0F0 & 0xFF00), hex(0xF0F0 | 0x0F0F), hex(0xF0F0 ~ 0xFFFF), hex(~0xF0F0))
-- shifts fill with zeros (logical, also for negative numbers)
print(1 << 1, 1 << 62, 1 << 63, 1 << 64, 1 << 65, 1 << 100)
print(-1 >> 1, -1 >> 63, -1 >> 64, min >> 63, min >> 62, 256 >> 4, 256 >> 9)
-- negative shift amounts shift the other way
print(1 << -1, 2 << -1, 256 << -4, 1 >> -1, 1 >> -63, 1 >> -64, -1 << -64)
print(1 << min, 1 >> min, -1 >> min, 1 << max, -1 >> max, 5 << 0, 5 >> 0)
for _, n in ipairs({0, 1, 31, 32, 33, 63, 64, 127, -1, -63, -64, -65}) do
  print(n, hex(0x123456789ABCDEF0 << n), hex(0x123456789ABCDEF0 >> n))
end
-- precedence: shifts bind tighter than &, & tighter than ~, ~ tighter than |
print(1 | 2 ~ 3 & 4 << 1, ((1 | 2) ~ 3) & 4, 1 + 2 << 3, 1 << 2 + 3)
print(~5 + 1, - ~5, ~ ~7, 3 & -4, 0xFF ~ -1)
-- comparison binds looser than bitwise
print(1 | 2 == 3, 6 & 3 == 2)
-- strings are not coerced by bitwise operators
print(pcall(function() local s = "3"; return s | 0 end))
print(pcall(function() local t = {}; return t.k & 1 end))
print(pcall(function() return {} << 1 end))
print(pcall(function() local b = true; return ~b end))
