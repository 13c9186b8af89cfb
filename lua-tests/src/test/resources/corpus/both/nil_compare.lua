-- Comparisons with nil: never a call of __eq (Lua calls it for two tables or two userdata only)
local t = setmetatable({}, {__eq = function() print("eq called") return true end})
local u = setmetatable({}, getmetatable(t))
print(t == nil, nil == t, t ~= nil, nil ~= t, t == u, nil == nil, nil ~= nil)
local x
if x == nil then print("x nil") end
if not (x ~= nil) then print("x not non-nil") end
local v = (t == nil) or (t ~= nil and 5)
print(v, (function() return nil end)() == nil, select(2, pcall(error)) == nil)
local n = 0
while t ~= nil and n < 3 do n = n + 1 end
repeat n = n - 1 until n == 0 or x ~= nil
print(n, false == nil, 0 == nil)
