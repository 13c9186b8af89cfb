-- Local attributes (manual §3.3.7, §3.3.8): <const> and <close>.

local K <const> = 10
local S <const> = "str"
print(K * 2, S .. "!", K // 3)
local a <const>, b = 1, 2
b = 3
print(a, b)
local function usesconst() return K + 1 end
print(usesconst())

local log = {}
local function closable(name)
  return setmetatable({name = name}, {__close = function(self, err)
    log[#log + 1] = name .. (err == nil and "" or ":" .. tostring(err))
  end})
end
local function flush() print(table.concat(log, " ")); log = {} end

-- variables are closed in the reverse order of their declaration
do
  local x <close> = closable("x")
  local y <close> = closable("y")
  local z <close> = closable("z")
  log[#log + 1] = "body"
end
flush()
-- nil and false are ignored
do
  local n <close> = nil
  local f <close> = false
  local c <close> = closable("c")
end
flush()
-- closing on return, after the return values are computed
local function withret()
  local r <close> = closable("r")
  log[#log + 1] = "returning"
  return "value"
end
print(withret())
flush()
-- closing on break and on goto out of the block
for i = 1, 3 do
  local l <close> = closable("iter" .. i)
  if i == 2 then break end
end
flush()
do
  do
    local g <close> = closable("g")
    goto out
  end
  ::out::
end
flush()
-- closing on error: the error object is passed, and the error propagates
print(pcall(function()
  local e1 <close> = closable("e1")
  local e2 <close> = closable("e2")
  error("oops", 0)
end))
flush()
local ok, e = pcall(function()
  local e <close> = closable("tbl")
  error({code = 1})
end)
print(ok, type(e), e.code, log[1]:match("^tbl:table: ") ~= nil)
log = {}
-- an error inside __close replaces the original error
print(pcall(function()
  local bad <close> = setmetatable({}, {__close = function() error("in close", 0) end})
  local ok <close> = closable("ok")
  error("original", 0)
end))
flush()
-- a value without __close is an error at declaration
print(pcall(function() local x <close> = {} end))
print(pcall(function() local x <close> = 42 end))
-- close variables are constants
print(load("local x <close> = nil; x = 1"))
-- closing in a coroutine that is closed explicitly
local co = coroutine.create(function()
  local cc <close> = closable("co")
  coroutine.yield(1)
  log[#log + 1] = "not reached"
end)
print(coroutine.resume(co))
print(coroutine.close(co), coroutine.status(co))
flush()
-- closing in nested functions and tail calls
local function inner()
  local i <close> = closable("inner")
  return "inner result"
end
local function outer()
  local o <close> = closable("outer")
  return inner()
end
print(outer())
flush()
