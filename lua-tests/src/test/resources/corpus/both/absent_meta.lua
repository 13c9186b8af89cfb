-- Metamethods that a metatable lacked when first looked for, added afterwards (the engine
-- remembers absent metamethod keys per table, as Lua's flags do, until the table is written).
local log = {}
local function note(...) local t = {...} for i = 1, select("#", ...) do log[#log + 1] = tostring(t[i]) end end

local mt = {}
local t = setmetatable({}, mt)
local function set(k, v) t[k] = v end
local function get(k) return t[k] end
for round = 1, 6 do
  set("a" .. round, round)
  note(rawget(t, "a" .. round), get("zz"), #t)
  if round == 1 then mt.__newindex = function(tt, k, v) rawset(tt, k, v * 10) end end
  if round == 2 then mt.__index = function(tt, k) return "idx:" .. k end end
  if round == 3 then mt.__len = function() return 42 end end
  if round == 4 then rawset(mt, "__newindex", nil); mt.__index = nil end
  if round == 5 then mt.__len = nil end
end
print(table.concat(log, " "))

-- __eq added after comparisons without it
log = {}
local emt = {}
local x, y = setmetatable({}, emt), setmetatable({}, emt)
local function eq(a, b) return a == b end
for round = 1, 3 do
  note(eq(x, y))
  if round == 1 then emt.__eq = function() return true end end
  if round == 2 then emt.__eq = nil end
end
print(table.concat(log, " "))

-- __metatable added to a metatable already used
log = {}
local pmt = {}
local p = setmetatable({}, pmt)
note(getmetatable(p) == pmt, (pcall(setmetatable, p, pmt)))
pmt.__metatable = "locked"
note(getmetatable(p), pcall(setmetatable, p, {}))
print(table.concat(log, " "))

-- __mode added to a metatable that was used without it
log = {}
local wmt = {}
local a = setmetatable({}, wmt)
local b = setmetatable({}, wmt)
wmt.__mode = "k"
local c = setmetatable({}, wmt)
note(getmetatable(a).__mode, getmetatable(c).__mode)
print(table.concat(log, " "))

-- __gc present when the metatable is set (later additions do not mark, as the manual says)
if collectgarbage then
  local gcmt = {}
  local ran = 0
  local o1 = setmetatable({}, gcmt)
  gcmt.__gc = function() ran = ran + 1 end
  local o2 = setmetatable({}, gcmt)
  o1, o2 = nil, nil
  collectgarbage(); collectgarbage()
  print("finalizers run", ran)
end

-- __index through a chain whose middle table gains and loses __index
log = {}
local base = {k = "base"}
local mid = {}
local top = setmetatable({}, {__index = mid})
local function look() return top.k end
for round = 1, 4 do
  note(look())
  if round == 1 then setmetatable(mid, {__index = base}) end
  if round == 2 then getmetatable(mid).__index = nil end
  if round == 3 then getmetatable(mid).__index = function() return "fn" end end
end
print(table.concat(log, " "))
