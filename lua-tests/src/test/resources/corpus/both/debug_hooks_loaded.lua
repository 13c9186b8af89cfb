-- hooks on functions from load(): a chunk named by load, and a stripped dump (no line
-- information: one line event with no line, as lua5.4)
local self = debug.getinfo(1, "S").short_src
local function f(a)
  local b = a + 1
  if b > 0 then
    b = b + 1
  end
  return b
end
local g = load(string.dump(f, true))
local m = load("local x = ...\nlocal y = x * 2\nfor i = 1, 2 do\n  y = y + i\nend\nreturn y", "=mod")
local ev = {}
local function hook(e, l)
  local i = debug.getinfo(2, "Sl")
  if i.what ~= "C" and i.short_src ~= self then
    ev[#ev + 1] = e .. ":" .. tostring(l) .. ":" .. i.short_src .. ":" .. i.currentline
  end
end
local function run()
  debug.sethook(hook, "crl")
  local r = g(1) + m(2)
  debug.sethook()
  return r
end
print(run())
print(table.concat(ev, "\n"))
