-- Patterns that start with a plain character (the matcher skips to where that byte is) and
-- patterns that do not, through find, match, gmatch and gsub: the same results either way.
local text = "val=12 key=ff val=7 xval=345 val= val=9"
local function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end print(table.concat(t, " ")) end

show(string.find(text, "val=(%d+)"))
show(string.find(text, "val=(%d+)", 8))
show(string.find(text, "val=(%d+)", -6))
show(string.find(text, "val=(%d+)", 100))
show(string.find(text, "^val=(%d+)"))
show(string.find(text, "^key"))
show(string.find(text, "zz%d"))
show(string.find(text, "k?ey"))
show(string.find(text, "x*val=(%d+)", 20))
show(string.find(text, "v-al"))
show(string.find(text, "]"))
show(string.find("a]b", "]b"))
show(string.match(text, "key=(%x+)"))
show(string.match(text, "=(%d*)", 33))
show(string.match("", "a"))
show(string.match("aaa", "a+"))
show(string.match("xyz", "y+z"))

for k, v in string.gmatch(text, "val=(%d*)") do show("gmatch", k, v) end
for w in string.gmatch("one two  three", "o") do show("o", w) end
local it = string.gmatch("abcabc", "bc")
show(it(), it(), it(), it())
for a, b in string.gmatch(text, "(v)(a)") do show(a, b) end

show(string.gsub(text, "val=(%d+)", "<%1>"))
show(string.gsub(text, "val=(%d+)", "<%1>", 2))
show(string.gsub(text, "val=(%d+)", "<%1>", 0))
show(string.gsub(text, "^val", "V"))
show(string.gsub(text, "=", "=="))
show(string.gsub(text, "q", "Q"))
show(string.gsub("", "a", "b"))
show(string.gsub("aaa", "a", function(c) return c:upper() end))
show(string.gsub("abab", "b", {b = "B"}))
show(string.gsub("ab\0ab", "\0", "<nul>"))
show(string.gsub("hello world", "o", "0", 1))
show(string.gsub("xxx", "x*", "-"))
show(string.gsub("abc", "b?", "."))
show(string.gsub(string.rep("ab", 5000) .. "c", "c", "C"):sub(-3))
