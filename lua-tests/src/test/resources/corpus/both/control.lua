-- Control structures (manual §3.3.4, §3.3.5): if, while, repeat, numeric and generic for.

local function collect(...) return table.concat({...}, " ") end

-- if / elseif / else
for _, v in ipairs({-5, 0, 5, 50}) do
  if v < 0 then print(v, "negative")
  elseif v == 0 then print(v, "zero")
  elseif v < 10 then print(v, "small")
  else print(v, "large") end
end
if nil then print("no") elseif false then print("no") end
if 0 then print("0 is true") end
-- while with break
local i, out = 0, {}
while true do
  i = i + 1
  if i > 5 then break end
  if i % 2 == 0 then out[#out + 1] = i end
end
print(i, collect(table.unpack(out)))
while false do print("never") end
-- repeat: the body's locals are visible in the condition
local n = 0
repeat
  local done = n >= 3
  n = n + 1
until done
print(n)
repeat local stop = true until stop
-- numeric for: the bounds are evaluated once; the control variable is a fresh local
local list = {}
local limit = 3
for k = 1, limit do limit = 10; list[#list + 1] = k end
print(collect(table.unpack(list)))
list = {}
for k = 10, 1, -3 do list[#list + 1] = k end
print(collect(table.unpack(list)))
list = {}
for k = 1, 0 do list[#list + 1] = k end
for k = 0, 1, -1 do list[#list + 1] = k end
print(#list)
for k = 1, 3 do local k = k * 2; list[#list + 1] = k end
print(collect(table.unpack(list)))
-- integer loops near the limits never overflow
local max, min = math.maxinteger, math.mininteger
local count = 0
for k = max - 2, max do count = count + 1 end
print(count)
count = 0
for k = min + 2, min, -1 do count = count + 1 end
print(count)
count = 0
for k = min, min + 10, max do count = count + 1 end
print(count)
count = 0
for k = max, max - 10, min do count = count + 1 end
print(count)
count = 0
for k = 1, max, max // 2 do count = count + 1 end
print(count)
count = 0
for k = min, max, max do count = count + 1 end
print(count)
count = 0
for k = max, min, -max do count = count + 1 end
print(count)
count = 0
for k = 0, -1 do count = count + 1 end
for k = max, min do count = count + 1 end
print(count)
-- a zero step is an error; non-numbers are errors
print(pcall(function() for k = 1, 10, 0 do end end))
print(pcall(function() for k = "a", 10 do end end))
print(pcall(function() for k = 1, {} do end end))
print(pcall(function() for k = 1, 2, nil do end end))
-- generic for: iterator function, state, control variable
local function range(n)
  return function(s, c) if c < n then return c + 1, c * c end end, nil, 0
end
for k, sq in range(4) do print(k, sq) end
-- a stateless iterator with an explicit state
local function iter(t, idx)
  idx = idx + 1
  if t[idx] then return idx, t[idx] end
end
for idx, v in iter, {"a", "b", "c"}, 0 do print(idx, v) end
-- the fourth value is closed when the loop ends, by break or normally
local function closing(tag)
  return setmetatable({}, {__close = function(_, err) print("closed", tag, err) end})
end
local function gen(n, tag)
  local c = 0
  return function() c = c + 1; if c <= n then return c end end, nil, nil, closing(tag)
end
for v in gen(2, "normal") do print("loop", v) end
for v in gen(5, "break") do if v == 2 then break end print("loop", v) end
local function early()
  for v in gen(5, "return") do if v == 3 then return "returned " .. v end end
end
print(early())
print(pcall(function() for v in gen(5, "error") do if v == 2 then error("boom") end end end))
-- a fourth value that is not closable is an error
print(pcall(function() for v in next, {}, nil, 42 do end end))
-- calling a non-function iterator
print(pcall(function() for v in 42 do end end))
print(pcall(function() local t = {}; for v in t.iter do end end))
