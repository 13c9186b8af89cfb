-- KERNEL dialect: numbers and operators (spec lunatik-api.md §2.1).
-- The expected output is written by hand from the spec; see numbers.expected.

print(_VERSION)
-- "/" is integer floor division, the same operation as "//"
print(-7 / 2, 7 / 2, 7 / -2, -7 / -2, 6 / 3, 0 / 5)
print(-7 // 2, 7 / 2 * 2, 10 / 3 + 10 % 3, math.mininteger / -1)
-- division and modulo by zero raise errors
print(pcall(function() local z = 0; return 1 / z end))
print(pcall(function() local z = 0; return 1 // z end))
print(pcall(function() local z = 0; return 1 % z end))
-- "^" is not an operator, float numerals do not exist
print(load("return 2 ^ 3") == nil, load("return 2^3") == nil)
print(load("return 3.14") == nil, load("return .5") == nil, load("return 1e3") == nil, load("return 0x1p4") == nil)
print(load("local x = 1.") == nil, load("return 7 // 2")(), load("return 7 / 2")())
-- only integer strings convert to numbers
print(tonumber("1.5"), tonumber("1e3"), tonumber("10"), tonumber(" 0x10 "), tonumber("-7"))
print("10" + 1, "0x10" * 2, "7" / "2", -"3")
print((pcall(function() return "1.5" + 1 end)), (pcall(function() return "1e2" + 0 end)))
-- "/" dispatches to __idiv; __div and __pow are never used
local o = setmetatable({}, {__idiv = function(a, b) return "idiv" end})
print(o / 2, 2 / o, o // 2)
print((pcall(function() return setmetatable({}, {__div = function() return "div" end}) / 2 end)))
local smt = getmetatable("")
print(smt.__div, smt.__pow, type(smt.__idiv), type(smt.__add))
-- integer formatting only
print(tostring(7 / 2), string.format("%d", 9 / 2))
-- "/" on values known only at run time (the compiled helper's integer path)
local function dv(a, b) return a / b end
print(dv(7, 2), dv(-7, 2), dv(7, -2), dv(-7, -2), dv(math.mininteger, -1), dv("9", 2))
print(pcall(dv, 1, 0))
