-- __call chains (a callable whose __call is itself a callable table), from Lua code, from
-- library functions (pcall, xpcall), as metamethods, as generic-for
-- iterators and as __close handlers; and a chain that ends in a value that cannot be called
local function count(...) return select('#', ...) end
local inner = setmetatable({}, {__call = count})
local outer = setmetatable({}, {__call = inner})
print(outer(1, 2), outer())
print(pcall(outer, 1, 2))
print(xpcall(outer, print, 1))
print(pcall(table.sort, {2, 1}, outer)) -- a library wanting a function refuses a callable table
print(select(2, pcall(string.gsub, "ab", ".", outer)))
local adder = setmetatable({}, {__call = setmetatable({}, {__call = function(_, _, a, b) return 42 end})})
print(setmetatable({}, {__add = adder}) + 1)
local n = 0
for k in setmetatable({}, {__call = setmetatable({}, {__call = function() n = n + 1; if n < 3 then return n end end})}) do
  print("iter", k)
end
do
  local c <close> = setmetatable({}, {__close = setmetatable({}, {__call = function() print("closed") end})})
end

local dead = setmetatable({}, {__call = setmetatable({}, {__call = 1})})
print(pcall(dead))
print(pcall(function() dead() end))
print(pcall(function() local x = dead; x() end))
print(pcall(function() return dead(1) end))
print(pcall(function() return setmetatable({}, {__add = dead}) + 1 end))
print(pcall(function() return setmetatable({}, {__call = {}})() end))
-- many arguments through a callable (the chain limit counts links, not arguments)
local many = {}
for i = 1, 300 do many[i] = i end
print(outer(table.unpack(many)), pcall(outer, table.unpack(many)))
print(select(2, pcall(function() return outer(table.unpack(many)) end)))
-- a generic-for iterator or a __close handler that cannot be called: the error names the
-- value that could not be called (the end of the chain), as for any other call
print(pcall(function() for k in setmetatable({}, {__call = setmetatable({}, {__call = 1})}) do end end))
print(pcall(function() for k in setmetatable({}, {__call = 1}) do end end))
print(pcall(function() for k in 42 do end end))
print(pcall(function() local c <close> = setmetatable({}, {__close = setmetatable({}, {__call = 1})}) end))
print(pcall(function() local c <close> = setmetatable({}, {__close = {}}) end))
