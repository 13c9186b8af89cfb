-- an xpcall message handler runs where the error is raised, before the __close handlers of
-- the scopes the error leaves, which get the handler's result (as lua5.4)
local log = {}
local function closer(name)
  return setmetatable({}, {__close = function(_, e) log[#log + 1] = "close " .. name .. ": " .. tostring(e) end})
end
local function f()
  local a <close> = closer("a")
  do
    local b <close> = closer("b")
    error("boom", 0)
  end
end
print(xpcall(f, function(m)
  log[#log + 1] = "handler: " .. tostring(m) .. " at level 2 " .. tostring(debug.getinfo(2, "S").what)
  return "handled " .. m
end))
print(table.concat(log, "\n"))
log = {}
print(pcall(f))
print(table.concat(log, "\n"))
-- a __close that raises replaces the error; the handler saw only the first
log = {}
local function g()
  local c <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "close c: " .. tostring(e); error("from close", 0) end})
  error("first", 0)
end
print(xpcall(g, function(m) log[#log + 1] = "handler: " .. m; return m end))
print(table.concat(log, "\n"))
