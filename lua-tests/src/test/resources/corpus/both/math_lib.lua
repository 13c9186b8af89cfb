-- The integer part of the math library (the functions both dialects have).

local max, min = math.maxinteger, math.mininteger
print(max, min, max == 0x7fffffffffffffff, min == -max - 1)
print(math.abs(-5), math.abs(5), math.abs(0), math.abs(min), math.abs(-max))
print(math.max(3), math.max(1, 5, 3), math.max(-1, -5), math.max(min, max), math.max(2, 2))
print(math.min(3), math.min(1, 5, 3), math.min(-1, -5), math.min(min, max))
print(math.tointeger(5), math.tointeger(-0), math.tointeger(max), math.tointeger({}), math.tointeger(nil))
print(math.ult(1, 2), math.ult(-1, 2), math.ult(2, -1), math.ult(max, min), math.ult(0, 0))
print(pcall(math.max))
print(pcall(math.min))
print(pcall(math.abs))
print(pcall(math.abs, "x"))
print(pcall(math.ult, 1))
print(pcall(math.tointeger))
print(math.max(7, math.mininteger, 3), math.min(7, math.maxinteger, 3))
