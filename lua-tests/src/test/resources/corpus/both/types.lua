-- Values and types (manual §2.1): the eight basic types, type(), truthiness, equality.

print(type(nil), type(true), type(false), type(0), type(""), type({}), type(print), type(type))
print(type(coroutine.create(function() end)), type(setmetatable({}, {__name = "X"})))
print(type(type(nil)), pcall(type))

-- only nil and false are false
local values = {0, "", "0", "false", {}, print}
for i = 1, #values do
  print(i, values[i] and "truthy" or "falsy", not values[i])
end
print(nil and 1 or 2, false and 1 or 2, not nil, not false, not not nil)

local f1 = function() end
-- tostring of the simple values
print(tostring(nil), tostring(true), tostring(false), tostring(-0), tostring(42), tostring("s"))
print(tostring(9223372036854775807), tostring(-9223372036854775807 - 1))
-- tostring of objects starts with the type name
print((tostring({}):match("^table: ")), (tostring(print):match("^function: ")), (tostring(f1):match("^function: ")))
print((tostring(coroutine.create(print)):match("^thread: ")))

-- equality: primitive values by value, objects by identity
local t1, t2 = {}, {}
print(t1 == t1, t1 == t2, t1 ~= t2, "a" .. "b" == "ab", 1 == "1", nil == false)
print(f1 == f1, print == print, rawequal(t1, t1), rawequal(t1, t2), rawequal("x", "x"))

-- tables accept any value but nil as a key
local t = {}
t[true] = "T"; t[false] = "F"; t[1] = "one"; t["1"] = "string one"; t[t] = "self"; t[print] = "fn"
print(t[true], t[false], t[1], t["1"], t[t], t[print], t[2])
print(pcall(function() t[nil] = 1 end))
print(t[nil])
-- strings are values: equal contents are the same key
local k1, k2 = "ke" .. "y", "k" .. "ey"
t[k1] = "shared"
print(t[k2], t.key)

-- integer keys: normalised regardless of how they are computed
t[3] = "three"
print(t[1 + 2], t[7 // 2], t[0x3])
