-- The utf8 library (manual §6.5).

local function bytes(s) return table.concat({s:byte(1, -1)}, ",") end

print(bytes(utf8.char(72, 228, 8364, 128512)), utf8.char(), bytes(utf8.char(0)))
print(bytes(utf8.char(0x7FFFFFFF)), pcall(utf8.char, 0x80000000))
print(pcall(utf8.char, -1))
print(pcall(utf8.char, "x"))
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local s = "häll€😀"
print(#s, utf8.len(s), utf8.len(""), utf8.len(s, 2), utf8.len(s, -4), utf8.len(s, 1, 1))
print(utf8.len("\xff"), utf8.len("abc\xe4"), utf8.len("a\x80b"), utf8.len("\xC0\x80"), utf8.len("\xED\xA0\x80"))
print(utf8.len("\xF4\x90\x80\x80"), utf8.len("\xF4\x90\x80\x80", 1, -1, true), utf8.len("\xED\xA0\x80", 1, -1, true))
print(pcall(utf8.len, s, 3))
print(pcall(utf8.len, s, 20))
print(utf8.len(s, 12), utf8.len(s, 13), pcall(utf8.len, s, 14))
-- codepoint
print(utf8.codepoint(s), utf8.codepoint(s, 2), utf8.codepoint(s, 1, -1))
print(utf8.codepoint(s, 4, 3), pcall(utf8.codepoint, s, 3))
print(pcall(utf8.codepoint, "\xff"))
print(pcall(utf8.codepoint, s, 1, 20))
print(utf8.codepoint("\u{7FFFFFFF}", 1, 1, true), pcall(utf8.codepoint, "\u{7FFFFFFF}"))
print(pcall(utf8.codepoint, "\u{D800}"))
print(utf8.codepoint("\u{D800}", 1, 1, true))
-- offset
print(utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, 6), utf8.offset(s, 7), utf8.offset(s, 8))
print(utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, -6), utf8.offset(s, -7), utf8.offset(s, 0, 3), utf8.offset(s, 0, 7))
print(utf8.offset(s, 1, 4), utf8.offset(s, 2, 6), utf8.offset(s, -1, 6), utf8.offset("", 1), utf8.offset("", -1))
print(pcall(utf8.offset, s, 1, 3 + 100))
print(pcall(utf8.offset, s, 1, 3))
-- codes
local out = {}
for p, c in utf8.codes(s) do out[#out + 1] = p .. ":" .. c end
print(table.concat(out, " "))
out = {}
for p, c in utf8.codes("") do out[#out + 1] = p end
print(#out)
print(pcall(function() for p, c in utf8.codes("ab\xffcd") do end end))
print(pcall(function() for p, c in utf8.codes("a\xC3") do end end))
out = {}
for p, c in utf8.codes("\u{D800}x", true) do out[#out + 1] = c end
print(table.concat(out, " "))
-- charpattern iterates over characters
out = {}
for ch in s:gmatch(utf8.charpattern) do out[#out + 1] = #ch end
print(table.concat(out, ","))
