-- Tables and table constructors (manual §2.1, §3.4.9).

-- prints the fields of a table in a deterministic order
local function dump(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) ~= type(b) then return type(a) < type(b) end
    return a < b
  end)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = tostring(k) .. "=" .. tostring(t[k]) end
  return "{" .. table.concat(out, ",") .. "}"
end

print(dump({}), dump({1, 2, 3}), dump({x = 1, y = 2}), dump({[1] = "a", [2] = "b"}))
print(dump({"a", "b"; "c"}), dump({1, 2,}), dump({x = 1; 2, y = 3, 4}))
-- expression keys, including computed ones
local k = "key"
print(dump({[k] = 1, [k .. "2"] = 2, [1 + 1] = "two", [-1] = "neg", [true] = "yes"}))
-- positional fields are numbered from 1 regardless of explicit integer keys
print(dump({[3] = "explicit", "positional"}), dump({"p1", [10] = "e10", "p2"}))
-- named fields are string keys
print(dump({["x"] = 1, y = 2, ["y z"] = 3}))
-- a function call or ... in the last position expands to all its results
local function three() return 1, 2, 3 end
local function none() end
print(dump({three()}), dump({three(), three()}), dump({(three())}), dump({three(), 10}))
print(dump({none()}), dump({none(), none()}), #{none(), 1}, dump({0, none()}))
local function va(...) return {...}, {..., "last"}, {"first", ...}, select("#", ...) end
local a, b, c, n = va(1, nil, 3)
print(dump(a), dump(b), dump(c), n)
a, b, c, n = va()
print(dump(a), dump(b), dump(c), n)
-- nested constructors and fields evaluated in order
local order = {}
local function mark(v) order[#order + 1] = v; return v end
local t = {mark(1), x = mark(2), {mark(3), mark(4)}, [mark("k")] = mark(5), mark(6)}
print(table.concat(order, " "), #t, t[2][2], t.k, t[3])
-- long constructors
local big = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60}
print(#big, big[1], big[60])
local s = 0
for i = 1, #big do s = s + big[i] end
print(s)
-- indexing: t.name is t["name"]; missing keys are nil
local obj = {name = "n", [1] = "one"}
print(obj.name, obj["name"], obj[1], obj["1"], obj.missing, obj[2])
obj.name = nil
print(obj.name, dump(obj))
-- tables are references
local r1 = {}
local r2 = r1
r2.v = 1
print(r1.v, r1 == r2)
-- next and pairs on an empty and a one-element table
print(next({}), next({7}), next({}, nil))
print(pcall(next, {}, "nokey"))
-- errors in constructors and indexing
print(pcall(function() return {[nil] = 1} end))
print(pcall(function() local x; return x.y end))
print(pcall(function() local x = {}; return x.y.z end))
print(pcall(function() local x = {}; x.y.z = 1 end))
print(pcall(function() return nothere.y end))
print(pcall((function() local u = 1; return function() return u.field end end)()))
-- record constructors: nil fields make no entry, a repeated name keeps the last value, a
-- computed key may equal a name, many names grow no part, '#' and next see what Lua's do
local function keys(t) local n = 0; for _ in pairs(t) do n = n + 1 end; return n end
local nothing
local rec = {a = 1, b = nothing, c = 3}
print(rec.a, rec.b, rec.c, keys(rec), next({a = nil, b = nil}))
local dup = {a = 1, b = 2, a = 3}
print(dup.a, dup.b, keys(dup))
local k = "a"
local mixed = {[k] = 1, a = 2, b = 3, [k .. ""] = 4}
print(mixed.a, mixed.b, keys(mixed))
local big = {f1 = 1, f2 = 2, f3 = 3, f4 = 4, f5 = 5, f6 = 6, f7 = 7, f8 = 8, f9 = 9, f10 = 10, 11, 12}
print(keys(big), #big, big.f10, big[2])
big.f11 = 11; big.f1 = nil
print(keys(big), big.f11, big.f1)
local function node(d) if d == 0 then return {v = d} end return {l = node(d - 1), r = node(d - 1), v = d} end
local function count(t) if t.l == nil then return 1 end return count(t.l) + count(t.r) + 1 end
print(count(node(8)))
