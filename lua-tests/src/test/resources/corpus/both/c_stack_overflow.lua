-- metamethods and library functions calling Lua nest at most ~200 deep: "C stack overflow",
-- as lua5.4 (not a host stack overflow)
local t = setmetatable({}, {__index = function(t, k) return t[k + 1] end})
print(pcall(function() return t[1] end))
local mt = {}
mt.__add = function(a, b) return setmetatable({}, mt) + 1 end
print(pcall(function() return setmetatable({}, mt) + 1 end))
local n = 0
local eq = {}
eq.__eq = function(a, b) n = n + 1; return setmetatable({}, eq) == setmetatable({}, eq) end
print(pcall(function() return setmetatable({}, eq) == setmetatable({}, eq) end))
print(n > 150, n < 200)
local function f() return pcall(f) end
local r = {f()}
print(r[#r - 1], r[#r], #r > 150)
local function g() return coroutine.wrap(g)() end
local ok, e = pcall(g)
print(ok, (e:gsub("^.*: ", "")))
-- the count goes back down: deep nesting works again afterwards
local depth = 0
local d = setmetatable({}, {__index = function(t, k) depth = depth + 1; if k < 150 then return t[k + 1] end return k end})
print(d[1], depth)
print(d[1], depth)
