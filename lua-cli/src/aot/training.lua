-- The training run of lunatik-lua's AOT cache (bin/lunatik-lua makes the cache from a run of
-- this on first use; bin/install at install time): a little of everything a script does, so
-- that the classes it takes are loaded and linked ahead of time and the JVM starts on them
-- (JDK 25's AOT cache, JEP 483/514/515). Not a benchmark: it runs for about a second.
local t = {}
for i = 1, 20000 do t[i] = i * 3 % 17 end
table.sort(t)
local s = 0
for i, v in ipairs(t) do s = s + v end
for k, v in pairs({a = 1, b = 2}) do s = s + v end

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
s = s + fib(20)

local Point = {}
Point.__index = Point
function Point.new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:add(o) return Point.new(self.x + o.x, self.y + o.y) end
Point.__add = Point.add
Point.__tostring = function(p) return "(" .. p.x .. "," .. p.y .. ")" end
local p = Point.new(0, 0)
for i = 1, 5000 do p = p + Point.new(i, -i) end

local co = coroutine.wrap(function(a)
  for i = 1, 1000 do a = coroutine.yield(a + i) end
  return a
end)
local c = 0
for i = 1, 1000 do c = co(i) end

local parts = {}
for i = 1, 2000 do
  parts[#parts + 1] = string.format("%d:%s:%x", i, tostring(p), i * 7)
end
local text = table.concat(parts, "\n")
local n = 0
for a, b in text:gmatch("(%d+):[^:]*:(%x+)") do n = n + #a + #b end
text = text:gsub("%d+", function(d) return #d end):upper():lower()
local f = text:find("1:", 1, true)
local packed = string.pack(">I2I4s1", 80, 1 << 20, "abc")
local x, y, z = string.unpack(">I2I4s1", packed)
local b1, b2 = string.byte(packed, 1, 2)
s = s + n + (f or 0) + x + y + #z + b1 + b2 + #string.rep("ab", 100) + #tostring(c)
  + (select("#", 1, 2, 3)) + #string.char(65, 66) + #string.reverse("abc")

local ok, err = pcall(error, {code = 1})
local ok2, err2 = pcall(function() return nil + 1 end)
local chunk = load("local a, b = ... return a * b")
s = s + chunk(6, 7) + (ok and 0 or 1) + #tostring(err2)
local w = setmetatable({}, {__mode = "k"})
w[{}] = true
collectgarbage()
s = s + math.max(1, 2) + math.min(3, 4) + (math.tointeger and 0 or 0)
assert(type(s) == "number" and type(tostring(s)) == "string" and utf8 and utf8.char(228))
