-- debug.sethook: a line-coverage and call-counting tool written in Lua, run over a few
-- functions, with the events and lines lua5.4 gives; hooks are per coroutine.

-- the tool: counts calls and covered lines of the functions it watches
local Profiler = {}
Profiler.__index = Profiler

function Profiler.new(watched)
  local p = setmetatable({watched = {}, calls = {}, lines = {}, events = {}, names = {}}, Profiler)
  for name, f in pairs(watched) do
    p.watched[f] = name
  end
  return p
end

function Profiler:hook()
  return function(event, line)
    local info = debug.getinfo(2, "fSl")
    local name = self.watched[info.func]
    if not name then return end
    if event == "call" or event == "tail call" then
      self.calls[name] = (self.calls[name] or 0) + 1
    elseif event == "line" then
      local key = name .. ":" .. line
      if not self.lines[key] then self.names[#self.names + 1] = key end
      self.lines[key] = (self.lines[key] or 0) + 1
      assert(line == info.currentline)
    end
    self.events[#self.events + 1] = event .. (line and (" " .. line) or "") .. " " .. name
  end
end

function Profiler:report(title)
  print("== " .. title)
  local names = {}
  for name in pairs(self.calls) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do print("calls", name, self.calls[name]) end
  table.sort(self.names, function(a, b)
    local na, la = a:match("(.*):(%d+)$")
    local nb, lb = b:match("(.*):(%d+)$")
    if na ~= nb then return na < nb end
    return tonumber(la) < tonumber(lb)
  end)
  for _, key in ipairs(self.names) do print("line", key, self.lines[key]) end
end

-- the code measured
local function square(x)
  return x * x
end

local function sum_squares(n)
  local s = 0
  for i = 1, n do
    s = s + square(i)
  end
  return s
end

local function classify(n)
  if n % 2 == 0 then
    return "even"
  elseif n % 3 == 0 then
    return "three"
  end
  return "other"
end

local function countdown(n)
  if n == 0 then return "done" end
  return countdown(n - 1)
end

local function collatz(n)
  local steps = 0
  while n ~= 1 do
    if n % 2 == 0 then
      n = n // 2
    else
      n = 3 * n + 1
    end
    steps = steps + 1
  end
  return steps
end

local function walk(t)
  local keys = 0
  for _, v in ipairs(t) do
    keys = keys + v
  end
  repeat
    keys = keys - 10
  until keys < 0
  return keys
end

local function noreturn(t)
  t.x = 1
end

local Obj = {}
Obj.__index = Obj
function Obj:get()
  return self.v
end

local watched = {square = square, sum_squares = sum_squares, classify = classify, countdown = countdown,
  collatz = collatz, walk = walk, noreturn = noreturn, get = Obj.get, rep = string.rep, insert = table.insert}

local function workload()
  local out = {}
  out[#out + 1] = sum_squares(4)
  for i = 1, 6 do out[#out + 1] = classify(i) end
  out[#out + 1] = countdown(3)
  out[#out + 1] = collatz(6)
  out[#out + 1] = walk({1, 2, 3, 4})
  noreturn({})
  out[#out + 1] = setmetatable({v = 7}, Obj):get()
  out[#out + 1] = string.rep("ab", 2)
  table.insert(out, "x")
  return table.concat(out, ",")
end

-- all three events
local p = Profiler.new(watched)
debug.sethook(p:hook(), "crl")
local r = workload()
debug.sethook()
print(r)
p:report("calls, returns and lines")
print(#p.events)
for i = 1, #p.events do print(p.events[i]) end

-- only calls: no line or return events reach the hook
p = Profiler.new(watched)
debug.sethook(p:hook(), "c")
workload()
debug.sethook()
p:report("calls only")
local kinds = {}
for _, e in ipairs(p.events) do kinds[e:match("^%S+")] = true end
print(kinds.call, kinds["tail call"], kinds["return"], kinds.line)

-- only lines
p = Profiler.new(watched)
debug.sethook(p:hook(), "l")
workload()
debug.sethook()
p:report("lines only")

-- gethook: nil with no hook; the function, mask and count with one
print(debug.gethook())
local h = function() end
debug.sethook(h, "lrc", 7)
local f, mask, count = debug.gethook()
debug.sethook()
print(f == h, mask, count)
debug.sethook(h, "r")
f, mask, count = debug.gethook()
debug.sethook()
print(f == h, mask, count, debug.gethook())

-- a hook belongs to a coroutine
local log = {}
local function chook(event, line)
  local info = debug.getinfo(2, "f")
  if info.func == collatz or info.func == square then
    log[#log + 1] = event .. (line and (" " .. line) or "")
  end
end
local co = coroutine.create(function(n)
  local a = square(n)
  local b = coroutine.yield(a)
  return collatz(b)
end)
debug.sethook(co, chook, "crl")
print(select("#", debug.gethook()), select(2, debug.gethook(co)))
print(coroutine.resume(co, 3))
square(2) -- the main thread has no hook
print(coroutine.resume(co, 4))
print(table.concat(log, "; "))
debug.sethook(co)
print(debug.gethook(co))

-- the count hook keeps counting
local ticks = 0
debug.sethook(function(event) ticks = ticks + 1; assert(event == "count") end, "", 50)
local s = 0
for i = 1, 20000 do s = s + i end
debug.sethook()
print(s, ticks > 0)

-- a hook sees no events of its own
local depth = 0
debug.sethook(function(event)
  depth = depth + 1
  square(1)
end, "c")
square(5)
debug.sethook()
print(depth)
