-- the line where a __close error is reported, and its name, as lua5.4 does (both back-ends)
local mode
local mt = {}
local function T()
  if mode == "level2" then mt.__close = function() error("boom", 2) end
  else mt.__close = function() end end
  return setmetatable({}, mt)
end
local function drop() if mode == "removed" then mt.__close = nil end end
mode = "level2"
print('doend', pcall(function()
  do
    local x <close> = T()
    local y = 1; drop()

  end
end))
print('fnend', pcall(function()
  local x <close> = T()
  local y = 1; drop()

end))
print('while', pcall(function()
  local n = 0
  while n < 1 do
    n = n + 1
    local x <close> = T()
    local y = 1; drop()

  end
end))
print('break', pcall(function()
  while true do
    local x <close> = T()
    local y = 1; drop()
    break
  end
end))
print('return', pcall(function()
  local x <close> = T()
  local y = 1; drop()
  return y,
    2
end))
print('ret_novals', pcall(function()
  local x <close> = T()
  if true then
    return
  end
end))
print('goto', pcall(function()
  do
    local x <close> = T()
    local y = 1; drop()
    goto out
  end
  ::out::
end))
print('goto_back', pcall(function()
  local n = 0
  ::top::
  do
    local x <close> = T()
    n = n + 1
    if n < 2 then
      goto top
    end
  end
end))
print('numfor', pcall(function()
  for i = 1, 1 do
    local x <close> = T()
    local y = 1; drop()
  end
end))
print('numfor_break', pcall(function()
  for i = 1, 2 do
    local x <close> = T()
    break
  end
end))
print('repeat', pcall(function()
  repeat
    local x <close> = T()
    local y = 1; drop()
  until y

end))
print('repeat_break', pcall(function()
  repeat
    local x <close> = T()
    if x then break end
  until
    false
end))
print('genfor', pcall(function()
  for k in pairs({1}) do
    local x <close> = T()
    local y = 1; drop()
  end
end))
print('genfor_state', pcall(function()
  for k in next, {1}, nil, T() do
    local y = k
  end
end))
print('ifblk', pcall(function()
  if true then
    local x <close> = T()
    local y = 1; drop()
  end
end))
print('nested_end', pcall(function()
  do
    local x <close> = T()
    if x then
      local z = 1
    end
  end
end))
mode = "removed"
print('doend', pcall(function()
  do
    local x <close> = T()
    local y = 1; drop()

  end
end))
print('fnend', pcall(function()
  local x <close> = T()
  local y = 1; drop()

end))
print('while', pcall(function()
  local n = 0
  while n < 1 do
    n = n + 1
    local x <close> = T()
    local y = 1; drop()

  end
end))
print('break', pcall(function()
  while true do
    local x <close> = T()
    local y = 1; drop()
    break
  end
end))
print('return', pcall(function()
  local x <close> = T()
  local y = 1; drop()
  return y,
    2
end))
print('ret_novals', pcall(function()
  local x <close> = T(); drop()
  if true then
    return
  end
end))
print('goto', pcall(function()
  do
    local x <close> = T()
    local y = 1; drop()
    goto out
  end
  ::out::
end))
print('goto_back', pcall(function()
  local n = 0
  ::top::
  do
    local x <close> = T(); drop()
    n = n + 1
    if n < 2 then
      goto top
    end
  end
end))
print('numfor', pcall(function()
  for i = 1, 1 do
    local x <close> = T()
    local y = 1; drop()
  end
end))
print('numfor_break', pcall(function()
  for i = 1, 2 do
    local x <close> = T(); drop()
    break
  end
end))
print('repeat', pcall(function()
  repeat
    local x <close> = T()
    local y = 1; drop()
  until y

end))
print('repeat_break', pcall(function()
  repeat
    local x <close> = T(); drop()
    if x then break end
  until
    false
end))
print('genfor', pcall(function()
  for k in pairs({1}) do
    local x <close> = T()
    local y = 1; drop()
  end
end))
print('ifblk', pcall(function()
  if true then
    local x <close> = T()
    local y = 1; drop()
  end
end))
print('nested_end', pcall(function()
  do
    local x <close> = T(); drop()
    if x then
      local z = 1
    end
  end
end))

mode = "order"
local log = {}
local function C(name, fail)
  return setmetatable({}, {__close = function(_, e)
    log[#log + 1] = name .. "(" .. tostring(e) .. ")"
    if fail then error(fail, 0) end
  end})
end
local function show(...) print(...); print(table.concat(log, " ")); log = {} end
show(pcall(function()
  do
    local a <close> = C("a")
    local b <close> = C("b", "eb")
    local c <close> = C("c", "ec")
    local d <close> = C("d")
  end
end))
show(pcall(function()
  for i = 1, 3 do
    local a <close> = C("a" .. i)
    local b <close> = C("b" .. i, "eb" .. i)
    if i == 2 then break end
  end
end))
show(pcall(function()
  local a <close> = C("a")
  local b <close> = C("b", "eb")
  return "not returned"
end))
show(pcall(function()
  do
    local a <close> = C("a", "ea")
    local b <close> = C("b")
    goto out
  end
  ::out::
  return "not reached"
end))
show(pcall(function()
  local a <close> = C("a", "ea")
  local b <close> = C("b", "eb")
  error("body", 0)
end))
show(pcall(function()
  local i = 0
  repeat
    local a <close> = C("r" .. i, i == 1 and "er" or nil)
    i = i + 1
  until (function() log[#log + 1] = "until" .. i; return i >= 3 end)()
end))

