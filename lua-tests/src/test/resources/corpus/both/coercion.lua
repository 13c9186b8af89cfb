-- Coercions between strings and integers (manual §3.4.3), integer-only part.

-- strings in arithmetic are converted following the lexer's rules
print("10" + 1, "10" - 1, "10" * "3", "10" // "3", "10" % "3", -"7")
print(" 10 " + 0, "\t0x10\n" + 0, "-5" + 0, "+5" + 0, "0xA" * 2, "  -0x10  " + 0)
print(("3" + 4) == 7, "3" + 4 == "7")
-- a string that is not a numeral raises an error naming the operand
print(pcall(function() return "abc" + 1 end))
print(pcall(function() local s = "1 2"; return s * 2 end))
print(pcall(function() local s = ""; return -s end))
print(pcall(function() return {} + 1 end))
print(pcall(function() local t = {x = "z"}; return t.x - 1 end))
-- integers are converted to strings by concatenation
print(1 .. "", 10 .. 20, -3 .. "x", "x" .. 0x10, 9223372036854775807 .. "")
local n = 42
print(n .. n, #(n .. ""), type(n .. ""))
print(pcall(function() return "a" .. {} end))
print(pcall(function() return true .. "a" end))
print(pcall(function() local u; return "a" .. u end))
-- string.rep and friends accept numbers where strings are expected
print(string.rep(12, 2), string.len(12345), string.upper(10), ("x"):rep("3"))
-- and strings where integers are expected
print(string.sub("abcdef", "2", "4"), string.char("65", "66"))
print(pcall(string.char, "6 5"))
-- tonumber without base
print(tonumber("42"), tonumber(" 42 "), tonumber("0x2A"), tonumber("-0x2a"), tonumber("4 2"))
print(tonumber(""), tonumber(" "), tonumber("x"), tonumber("1e"), tonumber("0x"), tonumber(nil))
print(tonumber(7), tonumber({}), tonumber(true))
-- comparisons never coerce
print(1 == "1", "10" == 10)
print(pcall(function() return 1 < "2" end))
print(pcall(function() return "1" <= 2 end))
print("10" < "9", "a" < "b", "" < "a", "Z" < "a", "abc" < "abd", "ab" < "abc")
