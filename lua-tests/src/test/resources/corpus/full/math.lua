-- The math library with floats (manual §6.7). Only exactly computable results are printed.

print(math.pi, math.huge, -math.huge, math.maxinteger + 0.0, math.mininteger + 0.0)
print(math.type(1), math.type(1.0), math.type("1"), math.type(nil), pcall(math.type))
print(math.floor(3.7), math.floor(-3.7), math.floor(3), math.floor(-0.0), math.floor(2^62 + 0.5), math.floor(1e100))
print(math.ceil(3.2), math.ceil(-3.2), math.ceil(3), math.ceil(-0.5), math.ceil(1e100), math.ceil(-1e100))
print(math.type(math.floor(3.7)), math.type(math.floor(1e100)), math.type(math.ceil(2^63)))
print(math.abs(-2.5), math.abs(-0.0), math.abs(-math.huge), math.abs(math.mininteger + 0.0))
print(math.max(1, 2.5), math.max(2.5, 1), math.max(1, 1.0), math.max(1.0, 1), math.min(-0.0, 0), math.min(0, -0.0))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7, -3), math.fmod(7.5, 2), math.fmod(-7.5, 2))
print(math.fmod(math.mininteger, -1), math.fmod(5, math.huge), math.fmod(1, 0.0) ~= math.fmod(1, 0.0))
print(pcall(math.fmod, 1, 0))
print(pcall(math.fmod, 1))
print(math.modf(3.7), math.modf(-3.7), math.modf(5), math.modf(math.huge), math.modf(-math.huge))
print(math.sqrt(16), math.sqrt(2), math.sqrt(-1) ~= math.sqrt(-1), math.sqrt(0), math.sqrt(math.huge))
print(math.exp(0), math.log(1), math.log(8, 2), math.log(100, 10), math.log(0))
print(math.sin(0), math.cos(0), math.tan(0), math.asin(0), math.acos(1), math.atan(0), math.atan(0, -1) == math.pi)
print(math.deg(math.pi), math.rad(180) == math.pi, math.atan(1, 1) == math.pi / 4, math.atan(-0.0, -1) == -math.pi)
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(-0.0), math.tointeger(2^53), math.tointeger(1e100))
print(math.ult(1, 2.0), pcall(math.ult, 1.5, 2))
print(math.floor("3.5"), math.ceil("2"), pcall(math.floor, "x"))
-- random: only properties that do not depend on the generator
local okrange = true
for _ = 1, 1000 do
  local r = math.random()
  local i = math.random(10)
  local j = math.random(-5, 5)
  if r < 0 or r >= 1 or i < 1 or i > 10 or j < -5 or j > 5 or math.type(i) ~= "integer" then okrange = false end
end
print(okrange, math.random(3, 3), math.random(math.mininteger, math.mininteger))
print(pcall(math.random, 2, 1))
print((pcall(math.random, 0)))
print(pcall(math.random, 1, 2, 3))
print(math.type(math.random(0)), pcall(math.random, 1.5))
