-- The table library (manual §6.6).

local function show(t, n) return table.concat(t, ",", 1, n or #t) end

-- insert at the end and at positions
local t = {}
table.insert(t, "a")
table.insert(t, "c")
table.insert(t, 2, "b")
table.insert(t, 1, "z")
table.insert(t, #t + 1, "end")
print(show(t), #t)
print(pcall(table.insert, t, 0, "x"))
print(pcall(table.insert, t, #t + 2, "x"))
print(pcall(table.insert, t, 1, 2, 3))
print(pcall(table.insert, t))
print(pcall(table.insert, nil, 1))
print(pcall(table.insert, t, "2", "s"), t[2])
-- remove from the end, from positions, from empty tables
t = {1, 2, 3, 4, 5}
print(table.remove(t), show(t))
print(table.remove(t, 1), show(t))
print(table.remove(t, 2), show(t))
print(table.remove(t, #t + 1), show(t))
local e = {}
print(table.remove(e), table.remove(e, 0), table.remove(e, 1), #e)
local z = {[0] = "zero"}
print(table.remove(z, 0), z[0])
-- concat with separators and ranges; numbers are allowed
print(table.concat({1, 2, 3}), table.concat({1, 2, 3}, ", "), table.concat({"a", "b", "c"}, "-", 2, 3))
print(table.concat({}, "x"), table.concat({1, 2}, "", 3), table.concat({1, 2, 3}, nil, 2))
print(pcall(table.concat, {1, {}, 3}))
print(pcall(table.concat, {1, 2}, ",", 1, 3))
print(pcall(table.concat, {true}))
-- sort: default order, custom comparators, strings
local nums = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(nums)
print(show(nums))
table.sort(nums, function(a, b) return a > b end)
print(show(nums))
local words = {"pear", "apple", "fig", "banana", "Cherry"}
table.sort(words)
print(show(words))
table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end)
print(show(words))
local recs = {{n = "b", v = 2}, {n = "a", v = 2}, {n = "c", v = 1}}
table.sort(recs, function(x, y) if x.v ~= y.v then return x.v < y.v end return x.n < y.n end)
print(recs[1].n, recs[2].n, recs[3].n)
local big = {}
for i = 1, 500 do big[i] = (i * 7919) % 1009 end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print(sorted, big[1], big[500])
local dup = {3, 1, 3, 1, 2, 2}
table.sort(dup)
print(show(dup))
print(pcall(table.sort, {1, "x", 2}) == false)
print(pcall(table.sort, {1, 2}, 3))
-- unpack and pack
print(table.unpack({1, 2, 3}, -1, 1))
print(table.unpack({"a", "b"}, 1, 3))
local p = table.pack("x", nil, "z")
print(p.n, p[1], p[2], p[3], #table.pack())
-- move
local src = {1, 2, 3, 4, 5}
print(show(table.move(src, 2, 4, 1)), show(src))
src = {1, 2, 3, 4, 5}
print(show(table.move(src, 1, 3, 3)))
local dst = table.move({1, 2, 3}, 1, 3, 2, {"d"})
print(show(dst))
print(show(table.move({1, 2, 3}, 2, 1, 1)))
print(pcall(table.move, {}, 1, math.maxinteger, 2))
print(pcall(table.move, {1}, 1, 1, "x"))
-- the table functions respect metamethods
local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) return k * 10 end,
  __newindex = function(tt, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(tt, k, v) end,
  __len = function() return 3 end,
})
print(table.concat(proxy, " "), table.unpack(proxy))
table.insert(proxy, "new")
print(table.concat(log, " "))
-- errors on non-tables
print(pcall(table.concat, "abc"))
print(pcall(table.unpack, nil))
print(pcall(table.sort, nil))
-- an error in the comparator propagates out of sort, with its position
print(pcall(table.sort, {3, 1, 2}, function(a, b) error("cmp failed") end))
print(pcall(table.sort, {3, 1, 2}, function(a, b) return a.x < b end))
