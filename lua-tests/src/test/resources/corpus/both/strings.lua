-- Strings and concatenation (manual §3.4.6, §3.4.7): immutable byte strings, .., #.

print("a" .. "b" .. "c", "a" .. 1 .. 2, 1 .. 2 .. 3, "" .. "", #("a" .. "bc"))
-- concatenation is right associative
local mt = {}
mt.__concat = function(a, b)
  local x = type(a) == "table" and a.n or a
  local y = type(b) == "table" and b.n or b
  return setmetatable({n = "(" .. x .. y .. ")"}, mt)
end
local A = setmetatable({n = "A"}, mt)
print((A .. "y").n, ("x" .. A).n, ("x" .. A .. "y").n, ("x" .. "w" .. A .. "y" .. "z").n)
print((1 .. A).n, (A .. A).n)
-- strings hold any byte, including zeros
local z = "a\0b\0"
print(#z, z:byte(1, -1))
print(z == "a\0b\0", z < "a\0c", "a\0" > "a", ("\0"):rep(3) == "\0\0\0")
-- length counts bytes, not characters
print(#"", #"abc", #"\u{10FFFF}", #"é", #[[
x]])
-- comparison is bytewise (the C locale)
print("a" < "B", "B" < "a", "abc" < "abd", "ab" < "abc", "" < "\0", "\255" > "\127", "Z" < "a")
print("a" <= "a", "b" >= "a", "a" ~= "A", "10" < "9", "-1" < "-2")
-- methods through the string metatable
local s = "Hello"
print(s:upper(), s:lower(), s:len(), s:rep(2, "-"), s:sub(2, 3), s:byte(), s:reverse())
print(("%d-%s"):format(7, "x"), ("abc"):find("b"), #s:rep(3))
print(getmetatable("").__index == string, getmetatable("abc") == getmetatable(""))
-- indexing a string with a missing method
print(pcall(function() return s:nomethod() end))
print(pcall(function() return ("x").y.z end))
print(s.len == string.len, s[1], s.x)
-- long concatenations
local parts = {}
for i = 1, 100 do parts[i] = i end
local big = table.concat(parts)
print(#big, big:sub(1, 12), big:sub(-6))
local acc = ""
for i = 1, 50 do acc = acc .. i % 10 end
print(acc)
-- concatenation errors name the offending operand
print(pcall(function() local t = {}; return "a" .. t end))
print(pcall(function() local t = {}; return "a" .. t.f end))
print(pcall(function() return 1 .. nil end))
print(pcall(function() return "x" .. undefinedvar end))
