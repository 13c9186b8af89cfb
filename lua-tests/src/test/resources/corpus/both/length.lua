-- The length operator (manual §3.4.7): strings, sequences, borders, __len.

print(#"", #"a", #"\0\0", #{}, #{1}, #{1, 2, 3}, #{nil}, #{n = 1}, #{[1] = 1, [2] = 2})
-- a sequence grows and shrinks through its end
local t = {}
for i = 1, 10 do t[i] = i * i end
print(#t)
t[#t + 1] = 0
print(#t)
t[#t] = nil
t[#t] = nil
print(#t)
for i = #t, 1, -1 do t[i] = nil end
print(#t, next(t))
-- a table with holes may report any border: check that the result is one
local function isborder(tab, n)
  return (n == 0 or tab[n] ~= nil) and tab[n + 1] == nil
end
local holes = {1, 2, nil, 4, nil, nil, 7}
print(isborder(holes, #holes))
holes = {}
holes[1], holes[2], holes[4] = 1, 2, 4
print(isborder(holes, #holes))
holes = {nil, nil, 3}
print(isborder(holes, #holes))
holes = {}
for i = 1, 100 do holes[i] = i end
for i = 1, 100, 3 do holes[i] = nil end
print(isborder(holes, #holes))
-- non-positive and non-integer keys do not count
local odd = {[0] = 0, [-1] = -1, x = "x", 1, 2}
print(#odd)
-- trailing nils in a constructor
print(#{1, 2, nil}, #{1, nil, nil, nil} <= 1, select("#", table.unpack({1, 2, 3})))
-- __len overrides # for tables; rawlen does not
local mt = {__len = function(self) return 42 end}
local p = setmetatable({1, 2}, mt)
print(#p, rawlen(p), rawlen("abc"))
mt.__len = function(self) return "many", "ignored" end
print(#p)
mt.__len = function(self) return nil end
print(#p)
-- strings ignore __len: the string metatable has none
print(#"xyz", rawlen({1, 2, 3}))
print(pcall(rawlen, 5))
-- errors
print(pcall(function() return #5 end))
print(pcall(function() local n; return #n end))
print(pcall(function() local t = {}; return #t.field end))
print(pcall(function() return #undefinedglobal end))
