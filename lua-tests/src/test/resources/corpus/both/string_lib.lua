-- The string library (manual §6.4): basic functions, patterns, format.

local function q(...)  -- shows results with strings quoted
  local t = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    t[i] = type(v) == "string" and ("'" .. v .. "'") or tostring(v)
  end
  return table.concat(t, " ")
end

-- sub with every kind of index
local s = "hello world"
print(q(s:sub(1, 5), s:sub(7), s:sub(-5), s:sub(-5, -3), s:sub(0), s:sub(3, 2), s:sub(-100, 2)))
print(q(s:sub(5, 100), s:sub(12), s:sub(11), s:sub(math.mininteger, math.maxinteger), s:sub(math.maxinteger)))
print(q(("abc"):sub(2, -2), ("abc"):sub(-1, -1), (""):sub(1, 1), ("abc"):sub(4, 3)))
-- rep
print(q(("ab"):rep(3), ("ab"):rep(0), ("ab"):rep(-1), ("ab"):rep(3, ","), ("x"):rep(1, ","), (""):rep(5)))
-- byte and char
print(s:byte(), s:byte(5), s:byte(-1), s:byte(1, 3), s:byte(100), s:byte(3, 2))
print(select("#", s:byte(1, -1)), select("#", (""):byte()))
print(q(string.char(), string.char(72, 105), string.char(0, 255):byte(1, 2)))
print(pcall(string.char, 256))
print(pcall(string.char, -1))
print(pcall(string.char, "x"))
-- upper, lower, len, reverse (bytes outside ASCII are untouched)
print(q(("MiXeD 123"):upper(), ("MiXeD 123"):lower(), ("é"):upper() == "é", ("abc"):reverse(), (""):reverse()))
print(("\0a\0"):len(), #("x"):rep(1000))
-- find: plain and with patterns
print(s:find("o"), s:find("o", 6), s:find("o", -3), s:find("xyz"), s:find(""), s:find("", 20))
print(s:find("l+"), s:find("o w"), s:find("%s"), s:find(".", 1, true), ("a.b"):find(".", 1, true))
print(("a+b"):find("+", 1, true), ("a+b"):find("a+"), s:find("(o)(r)"), s:find("", 12), s:find("", 13))
print(("abc"):find("b", -10), ("abc"):find("c", 10), ("aaa"):find("a", 0))
-- match: captures, position captures, anchors
print(q(s:match("(%w+) (%w+)")))
print(q(s:match("()ll()")), q(s:match("^hello")), q(s:match("^world")), q(s:match("world$")))
print(q(("key = value"):match("^(%w+)%s*=%s*(%w+)$")), q(("  trim  "):match("^%s*(.-)%s*$")))
print(q(("2024-01-15"):match("(%d+)-(%d+)-(%d+)")))
print(q(("[[nested]]"):match("%[(%b[])%]")), q(("f(a(b)c)d"):match("%b()")), q(("x"):match("()")))
print(q(("THE (quick) fox"):find("%f[%a]%a+%f[%A]")), q(("hello"):match(".-(l+)(.*)")))
print(q(("abc"):match("((a)(b))")), q(("abcabc"):match("(abc)%1")), q(("xyyx"):match("(x)(y)%2%1")))
-- character classes
local all = {}
for c = 0, 127 do all[#all + 1] = string.char(c) end
all = table.concat(all)
for _, cls in ipairs({"%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u", "%w", "%x", "%A", "%D", "[%a_]", "[^%w%s]", "[a-f]", "[%]]", "[]]", "[-a]", "[a-]"}) do
  local n = select(2, all:gsub(cls, ""))
  print(cls, n)
end
print(select(2, ("\200\201é"):gsub("%a", "")), select(2, ("\200\201é"):gsub("%A", "")))
-- quantifiers
print(q(("aaab"):match("a*"), ("aaab"):match("a+"), ("aaab"):match("a-"), ("aaab"):match("a-b"), ("b"):match("a?b"), ("ab"):match("a?b")))
print(q(("<a><b>"):match("<(.*)>"), ("<a><b>"):match("<(.-)>"), ("xyz"):match("x*"), ("xyz"):match("y*")))
-- gsub with string, table and function replacements, and a limit
print(q(("hello world"):gsub("o", "0")))
print(q(("hello world"):gsub("(%w+)", "<%1>")))
print(q(("hello world"):gsub("%w+", "%0 %0", 1)))
print(q(("abc"):gsub("", "-")))
print(q(("hello"):gsub("l", {l = "L"})), q(("hello"):gsub(".", {h = 1, e = "E", l = false})))
print(q(("a b c"):gsub("%w", function(c) if c == "b" then return nil end return c:upper() end)))
print(q(("x = 1, y = 2"):gsub("(%w+) = (%w+)", "%2 = %1")))
print(q(("abc"):gsub("b", "%%")), q(("abc"):gsub("%w", "%0%0", 2)), q(("abc"):gsub("x*", "-")))
print(q(("$name is $age"):gsub("%$(%w+)", {name = "Bob", age = 42})))
print(q(("abc"):gsub("(a)(b)(c)", function(a, b, c) return c .. b .. a end)))
print(q(("one two"):gsub("()(%w+)", function(p, w) return p .. w end)))
print(pcall(string.gsub, "abc", "%", "x"))
print(pcall(string.gsub, "abc", "[a", "x"))
print(pcall(string.gsub, "abc", "a", "%2"))
print(pcall(string.gsub, "abc", "a", {a = {}}))
print(pcall(string.gsub, "abc", "a", {a = true}))
print(pcall(string.gsub, "abc", "a", function() return {} end))
print(pcall(string.find, "abc", "%g)"))
print(pcall(string.match, "abc", "(()"))
print(pcall(string.rep))
-- gmatch
local words = {}
for w in ("one two  three"):gmatch("%a+") do words[#words + 1] = w end
print(#words, table.concat(words, "|"))
local pairs_ = {}
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do pairs_[#pairs_ + 1] = k .. ":" .. v end
print(table.concat(pairs_, " "))
local positions = {}
for p in ("abcabc"):gmatch("()b") do positions[#positions + 1] = p end
print(table.concat(positions, " "))
local empties = 0
for _ in ("abc"):gmatch("") do empties = empties + 1 end
print(empties)
local from3 = {}
for w in ("one two three"):gmatch("%a+", 5) do from3[#from3 + 1] = w end
print(table.concat(from3, " "))
-- format: integer conversions
print(string.format("%d %i %5d|%-5d|%05d %+d % d", 42, -42, 42, 42, 42, 42, 42))
print(string.format("%x %X %#x %o %#o %08x", 255, 255, 255, 8, 8, 3054))
print(string.format("%x %d", -1, math.mininteger), string.format("%.3d|%3.2d", 5, 7))
print(string.format("%c%c%c", 76, 117, 97), #string.format("%c", 0), string.format("%5c|", 65))
-- format: strings
print(string.format("%s|%10s|%-10s|%.2s|%5.1s|", "abc", "abc", "abc", "abc", "abc"))
print(string.format("%s %s %s %s", nil, true, 12, "x"), string.format("%s", setmetatable({}, {__tostring = function() return "T!" end})))
print(string.format("%%|%%%%|"), pcall(string.format, "%5%"))
print(string.format("%q", "line\nnew \"quoted\" \\ \0 \1 \0012 \r \t \127 \200"))
print(string.format("%q %q %q", 1, math.mininteger, math.maxinteger))
print(pcall(string.format, "%q", {}))
print(pcall(string.format, "%d", "x"))
print(pcall(string.format, "%d", "10"))
print(pcall(string.format, "%d"))
print(pcall(string.format, "%y", 1))
print(pcall(string.format, "%10q", "x"))
print(pcall(string.format, "%", 1))
print(pcall(string.format, "%10s", "a\0b"))
print(string.format("%s", "a\0b") == "a\0b", string.format("no args"), string.format("%s %s", 1, 2, 3))
-- string.len and friends on numbers, methods on literal numbers need parentheses
print(string.len(123), pcall(function() return (12):rep(2) end))
-- %q output reads back as the same value
for _, v in ipairs({"a\0b\n\"\\\r\t\127\200\255", 0, -7, math.maxinteger, math.mininteger, "", "\226\130\172"}) do
  local q = string.format("%q", v)
  print(load("return " .. q)() == v, type(v), #q)
end
