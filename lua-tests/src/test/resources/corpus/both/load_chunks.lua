-- load: environments (an explicit nil is a nil _ENV), '#' lines, argument types, chunk
-- names as debug.getinfo, messages and tracebacks show them.
print(pcall(load("return x", "c", "t", nil)))
print(pcall(load("x = 1", "=c", "t", nil)))
print(load("return y", "c", "t", {y = "from env"})())
y = "global"
print(load("return y", "c", "t")())
print(load("return y", "c")())
print(load("return _ENV == nil", "c", "t", nil)())
print(pcall(load("return z", "=c", "bt", false)))
-- a first line starting with '#' is skipped by files only
print(load("#!/usr/bin/lua\nreturn 1"))
print(load("# comment"))
print(load("\239\187\191return 1"))
-- the first argument
print(pcall(load, {}))
print(pcall(load, true))
print(pcall(load))
print(pcall(load, nil))
print(load(42))
local once = 0
print(load(function() once = once + 1 if once == 1 then return 42 end end))
print(pcall(load, "return 1", {}))
print(pcall(load, "return 1", "n", {}))
-- a reader function
local parts, i = {"return ", "1 ", "+ 2"}, 0
print(load(function() i = i + 1 return parts[i] end)())
-- (lua5.4's standalone interpreter adds its traceback to errors in a reader: first lines only)
print((select(2, load(function() return {} end)):match("^[^\n]*")))
print((select(2, load(function() error("reader fails") end)):match("^[^\n]*")))
print(load(function() error({}) end) == nil)
-- chunk names: getinfo's source is exactly the name given; short_src, messages
local function show(name)
  local f = name == nil and load("return 1") or load("return 1", name)
  local i = debug.getinfo(f, "S")
  print(i.source, i.short_src, i.what)
  print(pcall(load("error('boom')", name)))
  print(pcall(load("local t = nil; return t.x", name)))
end
show("mod")
show("=mod")
show("@mod.lua")
show("=")
show("@")
show(nil)
show("return 1")
show("multi\nline")
