-- Loops inside loops of a main chunk (the JIT generates each inner loop as a method of its
-- own, with the chunk's locals it uses passed in and back): what the inner loop reads,
-- assigns, captures, returns, breaks and raises must be as if it were inline.

local K = 10          -- an integer local never assigned again
local n = 0           -- an integer local assigned inside the inner loops
local s = "x"         -- a string local assigned inside
local t = {}          -- a table local read inside
local cap = 0         -- captured by a closure made inside
local function bump() cap = cap + 1 end
local fs = {}

for i = 1, 3 do
  for j = 1, K do
    n = n + j
    if j % 5 == 0 then s = s .. i end
    t[#t + 1] = i * j
    bump()
  end
  local k = 0
  while k < i do
    k = k + 1
    n = n + 100
  end
  repeat
    local last = k
    k = k - 1
  until last <= 1
  for key, v in ipairs({ "a", "b" }) do
    fs[#fs + 1] = function() return key .. v .. i .. cap end
  end
end
print("locals", n, s, #t, t[#t], cap, K)
local made = {}
for _, f in ipairs(fs) do made[#made + 1] = f() end
print(table.concat(made, " "))

-- break, and a goto that stays inside the inner loop
local found
for i = 1, 5 do
  for j = 1, 5 do
    if i * j == 12 then found = i .. "x" .. j; break end
  end
  for j = 1, 3 do
    if j == 2 then goto continue end
    n = n + j
    ::continue::
  end
end
print("break/goto", found, n)

-- a goto out of the inner loop (that loop stays in the chunk's own method)
local hits = 0
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto next_i end
    hits = hits + 1
  end
  ::next_i::
end
print("goto out", hits)

-- three levels, varargs, globals and upvalues inside
g_total = 0
local f3 = load([[
  local out = {}
  for a = 1, 2 do
    for b = 1, 2 do
      for c = 1, select("#", ...) do
        g_total = g_total + a * b * select(c, ...)
        out[#out + 1] = a .. b .. c
      end
    end
  end
  return table.concat(out, ",")
]])
print("nested", f3(1, 2, 3), g_total)

-- a return from inside the inner loop ends the chunk, with every value
local f4 = load([[
  local acc = 0
  for i = 1, 10 do
    for j = 1, 10 do
      acc = acc + 1
      if i * j == 42 then return i, j, acc end
    end
  end
  return "never"
]])
print("return", f4())

-- to-be-closed values: one inside the inner loop, one around it
local log = {}
local function closer(name)
  return setmetatable({}, { __close = function() log[#log + 1] = name end })
end
local f5 = load([[
  local closer, log = ...
  local outer <close> = closer("outer")
  for i = 1, 2 do
    for j = 1, 3 do
      local inner <close> = closer("inner" .. i .. j)
      if i == 2 and j == 2 then return "left at " .. i .. j end
    end
  end
]])
print("close", f5(closer, log), table.concat(log, " "))

-- errors inside the inner loop: message, line, and the chunk's locals seen by the handler
local f6 = load([[
  local x = 0
  for i = 1, 3 do
    for j = 1, 3 do
      x = x + 1
      if x == 5 then error("stop at " .. i .. "," .. j) end
    end
  end
]], "=inner")
print("error", pcall(f6))
local f7 = load([[
  local t = {}
  for i = 1, 2 do
    for j = 1, 2 do
      t = t[j]
    end
  end
]], "=index")
print("error", pcall(f7))

-- debug.getinfo and tracebacks from inside the inner loop count no extra level
local lines = {}
for i = 1, 2 do
  for j = 1, 2 do
    local info = debug.getinfo(1, "lS")
    lines[#lines + 1] = info.currentline .. info.what
    if i == 2 and j == 2 then
      local tb = debug.traceback("tb", 1)
      local levels = 0
      for _ in tb:gmatch("\n") do levels = levels + 1 end
      print("traceback lines", levels)
    end
  end
end
print("getinfo", table.concat(lines, " "))

-- a constant local folded away, and a local declared after the loop
local LIMIT <const> = 3
local sum = 0
for i = 1, LIMIT do
  for j = 1, LIMIT do sum = sum + i * j end
end
local after = sum * 2
print("const", sum, after)

-- a top-level loop with a large body and no loop in it (it stays in the chunk's method; a
-- version of the compiler made such a body a method called at each iteration): break, goto
-- continue, return, errors and closures
local total, text, made2 = 0, "", {}
local obj = { n = 0 }
function obj:add(v) self.n = self.n + v; return self end
for i = 1, 20 do
  local a, b, c = i * 3, i * 5, i * 7
  local d = (a + b) * c % 97
  local e = (d ~ a) & 0xff
  local f = (e << 2) | (b >> 1)
  local g = { a, b, c, d, e, f }
  local h = #g + g[1] + g[6]
  if i % 4 == 0 then goto continue end
  total = total + a + b + c + d + e + f + h
  text = text .. (i % 10)
  obj:add(i):add(d)
  made2[#made2 + 1] = function() return i * 1000 + total end
  if i == 15 then break end
  ::continue::
end
print("body", total, text, obj.n, #made2, made2[1](), made2[#made2]())

local f8 = load([[
  local acc, seen = 0, {}
  for k = 1, 100 do
    local a, b, c = k * 3, k * 5, k * 7
    local d = (a + b) * c % 97
    local e = (d ~ a) & 0xff
    local f = (e << 2) | (b >> 1)
    local g = { a, b, c, d, e, f }
    local h = #g + g[1] + g[6]
    seen[#seen + 1] = h
    acc = acc + a + b + c + d + e + f + h
    if acc > 5000 then return k, acc, #seen end
    if k == 90 then error("not reached") end
  end
]])
print("body return", f8())
local f9 = load([[
  local t = {}
  for k = 1, 10 do
    local a, b, c = k * 3, k * 5, k * 7
    local d = (a + b) * c % 97
    local e = (d ~ a) & 0xff
    local f = (e << 2) | (b >> 1)
    local g = { a, b, c, d, e, f }
    local h = #g + g[1] + g[6]
    t[k] = h + d + e + f
    if k == 3 then t = nil end
  end
]], "=body")
print("body error", pcall(f9))
