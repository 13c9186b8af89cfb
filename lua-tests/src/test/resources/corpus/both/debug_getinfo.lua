-- debug.getinfo: options, names, sources, activelines, tail calls
print(pcall(debug.getinfo, 1, "x"))
print(pcall(debug.getinfo, 1, "Sz"))
print(pcall(debug.getinfo, 1, ">S"))
print(pcall(debug.getinfo, print, ">S"))
print(debug.getinfo(100))

local function names()
  local i = debug.getinfo(2, "n")
  return tostring(i.name) .. "/" .. i.namewhat
end
local function caller_name()
  local i = debug.getinfo(2, "n")
  return tostring(i.name) .. "/" .. i.namewhat
end
local function me()
  local i = debug.getinfo(1, "n")
  return tostring(i.name) .. "/" .. i.namewhat
end
print(me())
gfun = function() return me() end
print(gfun())
local t = {f = function() local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end}
print(t.f())
function t:m() local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end
print(t:m())
local up = me
local function useup() return (up()) end
print(useup())
local mt = {__index = function(tab, k) local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end,
  __add = function(a, b) local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end,
  __lt = function(a, b) local i = debug.getinfo(1, "n"); print(tostring(i.name) .. "/" .. i.namewhat); return true end,
  __concat = function(a, b) local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end,
  __len = function(a) local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end,
  __call = function(a) local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end,
  __newindex = function(tab, k, v) local i = debug.getinfo(1, "n"); print(tostring(i.name) .. "/" .. i.namewhat) end,
  __unm = function(a) local i = debug.getinfo(1, "n"); return tostring(i.name) .. "/" .. i.namewhat end,
}
local obj = setmetatable({}, mt)
print(obj.foo)
print(obj + 1)
print(obj < obj)
print(obj .. "x")
print(#obj)
print(obj())
obj.z = 1
print(-obj)
local function iter(s, c)
  if c < 2 then
    local i = debug.getinfo(1, "n")
    print(tostring(i.name) .. "/" .. i.namewhat)
    return c + 1
  end
end
for k in iter, nil, 0 do end
do
  local x <close> = setmetatable({}, {__close = function()
    local i = debug.getinfo(1, "n")
    print("close", tostring(i.name) .. "/" .. i.namewhat)
  end})
end

-- tail calls
local function tailee()
  local i = debug.getinfo(1, "nt")
  return tostring(i.name) .. "/" .. i.namewhat .. "/" .. tostring(i.istailcall)
end
local function tailer() return tailee() end
print(tailer())
print((tailee()))

-- source and lines
local f = load("return 1", "mod")
local i = debug.getinfo(f, "S")
print(i.source, i.short_src, i.what, i.linedefined, i.lastlinedefined)
i = debug.getinfo(load("local a = 1\nreturn function() return a end\n", "=named")(), "S")
print(i.source, i.short_src, i.what, i.linedefined, i.lastlinedefined)
i = debug.getinfo(1, "S")
print(i.source, i.short_src, i.what, i.linedefined, i.lastlinedefined)
i = debug.getinfo(print, "S")
print(i.source, i.short_src, i.what, i.linedefined, i.lastlinedefined)
local g = load("local x = 1\n\nlocal y = 2\nreturn function(a)\n  local b = a\n\n  return b\nend\n", "=lines")
local active = debug.getinfo(g, "L").activelines
local ks = {}
for k, v in pairs(active) do ks[#ks + 1] = k .. "=" .. tostring(v) end
table.sort(ks)
print(table.concat(ks, " "))
active = debug.getinfo(g(), "L").activelines
ks = {}
for k, v in pairs(active) do ks[#ks + 1] = k .. "=" .. tostring(v) end
table.sort(ks)
print(table.concat(ks, " "))
print(debug.getinfo(print, "L").activelines)
local u = debug.getinfo(1, "u")
print(u.nups, u.nparams, u.isvararg)
u = debug.getinfo(iter, "u")
print(u.nups, u.nparams, u.isvararg)
