-- inside __close (normal exit, break, return, a coroutine's) and __gc, level 2 is the function
-- whose block ended, or that runs the collector (no frame in between)
local function where(tag)
  local i1 = debug.getinfo(2, "nSl")
  local i2 = debug.getinfo(3, "nSl")
  print(tag, i1.name, i1.namewhat, i2.name, i2.currentline, i2.linedefined, i2.what)
end
local mt = {__close = function(v, e)
  if e == nil then where("close " .. v.tag) else print("close on error", v.tag, e) end
end}
local function scope()
  do
    local a <close> = setmetatable({tag = "a"}, mt)
    local x = 1
  end
  for i = 1, 2 do
    local b <close> = setmetatable({tag = "b" .. i}, mt)
    if i == 2 then break end
  end
  local c <close> = setmetatable({tag = "c"}, mt)
  return 1
end
scope()
local function failing()
  local d <close> = setmetatable({tag = "d"}, mt)
  error("oops", 0)
end
print(pcall(failing))
local co = coroutine.wrap(function()
  local e <close> = setmetatable({tag = "e"}, mt)
  coroutine.yield(1)
end)
co()
co()
-- __gc: called from the function running when the collector runs it
local gmt = {__gc = function(o) where("gc") end}
local function collect()
  local g = setmetatable({}, gmt)
  g = nil
  collectgarbage()
  collectgarbage()
end
collect()
-- stack after a __close: the function's own level again
local function after()
  do local z <close> = setmetatable({tag = "z"}, mt) end
  return debug.getinfo(1, "n").name
end
print(after())
