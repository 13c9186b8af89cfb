-- compiled code keeps no dead object alive: each object's __gc runs at a full collection once
-- nothing refers to it any more (Lua reuses registers; the JVM would keep a stale local)
local finalized = false
local x = setmetatable({}, {__gc = function() finalized = true end})
x = nil
local n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("overwritten local", finalized)
finalized = false
do
  local z = setmetatable({}, {__gc = function() finalized = true end})
end
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("block local", finalized)
finalized = false
print(type(setmetatable({}, {__gc = function() finalized = true end})))
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("temporary", finalized)
finalized = false
local t = {setmetatable({}, {__gc = function() finalized = true end}), 1, 2}
t = nil
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("table item", finalized)
finalized = false
local function f(a, b, c, d) return 1 end
f(1, 2, 3, setmetatable({}, {__gc = function() finalized = true end}))
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("argument array", finalized)
finalized = false
for i, v in ipairs({setmetatable({}, {__gc = function() finalized = true end})}) do end
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("for state", finalized)
finalized = false
local a, b = 1, setmetatable({}, {__gc = function() finalized = true end})
a, b = nil, nil
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("multi local", finalized)
finalized = false
local s = "x" .. tostring(setmetatable({}, {__gc = function() finalized = true end, __tostring = function() return "o" end}))
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("concat temp", finalized)
finalized = false
for i = 1, 1 do
  local w = setmetatable({}, {__gc = function() finalized = true end})
end
n = 0
repeat local y = {} ; collectgarbage(); n = n + 1 until finalized or n > 200
print("loop body local", finalized)
