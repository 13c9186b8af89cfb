-- line events and activelines of the usual statements, as lua5.4 gives them
local M = {}
local lines = {}
local function target()
  local t = {}
  function M.f(a)
    return a
  end
  local g = function(x)
    return x
  end
  for i = 1, 2 do t[i] = i end
  for i = 1, 3 do
    if i == 2 then break end
  end
  local n = 0
  while true do
    n = n + 1
    if n > 2 then break end
  end
  do
    local z = 1
  end
  for k, v in pairs({a = 1}) do
    n = n + v
  end
  local s = M.f(1)
  repeat n = n - 1 until n < 0
  goto skip
  ::skip::
  return n
end
local function hook(e, l)
  if debug.getinfo(2, "f").func == target then lines[#lines + 1] = l end
end
local function run()
  debug.sethook(hook, "l")
  target()
  debug.sethook()
end
run()
print(table.concat(lines, " "))
local act = {}
for l in pairs(debug.getinfo(target, "L").activelines) do act[#act + 1] = l end
table.sort(act)
print(table.concat(act, " "))
