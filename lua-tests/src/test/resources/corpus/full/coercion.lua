-- Coercions involving floats (manual §3.4.3).

-- strings convert to integers or floats following the lexer's rules
print("10" + 0, "10.0" + 0, "1e1" + 0, "0x10" + 0, "0x1p4" + 0, ".5" + 0, "5." + 0)
print(math.type("10" + 0), math.type("10.0" + 0), math.type("1e1" + 0))
print("3" / "2", "2" ^ "10", "7.5" // 2, "-7.5" % 2)
-- a decimal integer string that overflows becomes a float; hex wraps around
print("9223372036854775807" + 0, "9223372036854775808" + 0, "0xffffffffffffffff" + 0)
print(pcall(function() return "inf" + 0 end))
print(pcall(function() return "nan" * 1 end))
-- floats with an exact integer value convert to integers where integers are required
print(string.rep("ab", 2.0), string.sub("hello", 2.0, 3.0), ("x"):rep("2.0"))
print(pcall(string.rep, "ab", 2.5))
print(pcall(string.sub, "hello", "1.5"))
print(3 | 0, 3.0 | 0, pcall(function() local s = "3"; return s | 0 end))
print(pcall(function() return 3.5 | 0 end))
print(pcall(function() return 2^63 | 0 end))
print(pcall(function() local x = 1e100; return x & 1 end))
print(pcall(function() return "3.0" & 1 end))
-- float to string uses "%.14g" and keeps a ".0" on integral values
print(1.0, -1.0, 0.0, -0.0, 1e15, 1e16, 1e100, 2^53, 2^63, 0.1, 1/3, -1.5e-10)
print(100000000000000.0, 1e14, 123456789012345.0, 12345678901234567890)
print(3.0 .. "", 1e300 * 1e10 .. "", -(1e300 * 1e10) .. "")
print(math.huge, -math.huge, math.pi)
-- tonumber accepts floats in base 10 only
print(tonumber("1.5"), tonumber("  -1.5e3  "), tonumber("0x.8"), tonumber("0x1P-1"), tonumber("1e+2"))
print(tonumber(".e1"), tonumber("1..2"), tonumber("1.5", 10), tonumber("inf"), tonumber("nan"))
print(tonumber(2.5), tonumber("0x7fffffffffffffff"), tonumber("9223372036854775808"))
-- integer/float conversions
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63))
print(3 == 3.0, 2^53 == 2^53 + 1, math.type(2^53), 1 // 1, 1.0 // 1, 7 // 2.0)
print(string.format("%d", 3.0), pcall(string.format, "%d", 3.1))
