-- Lookups through __index chains, with the chain changed between lookups made at the same
-- place in the code (the engine caches what such a lookup found, per place and metatable).
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, {__index = parent}) end
  return c
end
local A = class()
function A:name() return "A" end
function A:v() return self.x or 0 end
local B = class(A)
local C = class(B)
local o = setmetatable({x = 1}, C)
local function call(obj) return obj:name() end
local function get(obj, k) return obj[k] end
local log = {}
local function note(s) log[#log + 1] = tostring(s) end

for round = 1, 12 do
  local ok, r = pcall(call, o)
  note(r)
  if round == 2 then function B:name() return "B" end end           -- shadows A's
  if round == 3 then function C:name() return "C" end end           -- shadows B's
  if round == 4 then C.name = nil end                               -- back to B's
  if round == 5 then rawset(B, "name", nil) end                     -- back to A's
  if round == 6 then o.name = function() return "own" end end       -- the object's own
  if round == 7 then o.name = nil; getmetatable(B).__index = {name = function() return "X" end} end
  if round == 8 then setmetatable(B, nil) end                       -- chain cut: nil method
  if round == 9 then setmetatable(B, {__index = function(t, k) return function() return "fn:" .. k end end}) end
  if round == 10 then setmetatable(o, A) end                        -- another metatable
  if round == 11 then A.__index = {name = function() return "idx" end} end
end
print(table.concat(log, " "))

-- a nil found, then the field appears somewhere in the chain
log = {}
local D = class(A)
local d = setmetatable({}, D)
for round = 1, 5 do
  note(get(d, "color"))
  if round == 1 then A.color = "red" end
  if round == 2 then D.color = "blue" end
  if round == 3 then D.color = nil; A.color = nil end
  if round == 4 then getmetatable(D).__index = {color = "green"} end
end
print(table.concat(log, " "))

-- the metatable's __index changed from a table to a function and back
log = {}
local calls = 0
local M = {}
M.__index = {k = "table"}
local m = setmetatable({}, M)
for round = 1, 5 do
  note(get(m, "k"))
  if round == 1 then M.__index = function(t, k) calls = calls + 1; return "function" .. calls end end
  if round == 3 then M.__index = {k = "table again"} end
end
print(table.concat(log, " "), calls)

-- a class made weak after lookups were made through it
log = {}
local W = class()
W.f = function() return "w" end
local w = setmetatable({}, W)
for round = 1, 3 do
  note(call(setmetatable({}, {__index = {name = function() return "n" .. round end}})))
  note(get(w, "f")())
  if round == 1 then setmetatable(W, {__mode = "k"}) end
end
print(table.concat(log, " "))

-- string methods: the string table and the string metatable changed
log = {}
local s = "abc"
local function up(x) return x:upper() end
for round = 1, 4 do
  note(up(s))
  if round == 1 then string.upper = function(x) return "U(" .. x .. ")" end end
  if round == 2 then getmetatable("").__index = {upper = function(x) return "meta(" .. x .. ")" end} end
  if round == 3 then getmetatable("").__index = string end
end
print(table.concat(log, " "))
print(pcall(function() return ("x"):nosuchmethod() end))
print(pcall(function() local t = setmetatable({}, {}) return t:nosuch() end))

-- many receivers with different metatables at one place
local classes = {}
for i = 1, 5 do
  local c = class(i > 1 and classes[i - 1] or nil)
  c["m" .. i] = function() return i end
  classes[i] = c
end
local total = 0
for i = 1, 200 do
  local obj = setmetatable({}, classes[i % 5 + 1])
  total = total + (obj.m1 and obj.m1() or 0) * 1000 + (obj.m3 and obj.m3() or 0)
  if i == 100 then classes[2].m1 = function() return 7 end end
end
print(total)
