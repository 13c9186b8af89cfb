-- string.dump and binary chunks: what load makes of them, modes, stripping, errors.
local up = 5
local function f(a, b)
  local c = a + (b or 0)
  if c > 100 then error("big") end
  return c, up
end
local s = string.dump(f)
print(type(s), s:sub(1, 4) == "\27Lua", string.dump(f) == s)
-- upvalue 1 (_ENV here) gets the globals, the others are fresh and nil
local g = load(s, "ignored name", "b")
print(g(1, 2))
print(pcall(g, 200))
local info = debug.getinfo(g, "S")
print(info.source, info.short_src, info.linedefined, info.lastlinedefined, info.what)
print(debug.getupvalue(g, 1), debug.getupvalue(g, 2))
print(select(2, debug.getupvalue(g, 1)) == _G)
-- modes
print(load(s, "x", "t"))
print(type(load(s, "x", "bt")), type(load(s, "x", "b")))
print(load("return 1", "x", "b"))
print(load("return 1", "x", "x"))
print(load(s, "x", "x"))
print(load("\27 not really binary", "x", "t"))
-- an environment given to load is the first upvalue, nil included
local function e() return x end
x = 42
print(load(string.dump(e))())
print(load(string.dump(e), "n", "b", {x = 7})())
print(pcall(load(string.dump(e), "n", "b", nil)))
-- stripped: no lines (errors without a position, "?:-1:" for runtime errors), no names
local st = string.dump(f, true)
local h = load(st)
print(h(1, 2))
print(pcall(h, 200))
info = debug.getinfo(h, "S")
print(info.source, info.short_src, info.linedefined, info.lastlinedefined, info.what)
print(debug.getupvalue(h, 2))
print(debug.getinfo(h, "u").nparams, debug.getinfo(h, "u").isvararg)
local function run(fn) print(pcall(load(string.dump(fn, true)))) end
run(function() return undefinedglobal.x end)
run(function() local t = {} return t.x.y end)
run(function() local t = {} return t:nomethod() end)
run(function() local a; return #a end)
run(function() error("msg") end)
run(function() error(setmetatable({}, {__tostring = function() return "obj" end})) end)
run(function() return debug.getinfo(1, "l").currentline end)
run(function() local function g2() error("in g") end g2() end)
run(function() for i = 1, "x" do end end)
run(function() string.rep() end)
run(function() local s2 = "a" .. {} end)
print(pcall(load(string.dump(function() local t = nil; return t.x end))))
-- a dumped function's nested functions, varargs, main chunks
local maker = load(string.dump(function(n) return function(k) return n * k end end))
print(maker(6)(7))
local va = load(string.dump(function(...) return select("#", ...), ... end))
print(va(1, nil, 3))
local chunk = load("local a, b = ... return b, a", "=chunk")
print(load(string.dump(chunk))(1, 2))
print(debug.getinfo(load(string.dump(chunk)), "S").what, debug.getinfo(load(string.dump(chunk)), "S").source)
print(load(string.dump(load(string.dump(f))))(3, 4))
print(load(string.dump(load(st), false))(3, 4))
print(debug.getinfo(load(string.dump(load(st), false)), "S").source)
-- what cannot be dumped, and malformed chunks
print(pcall(string.dump, print))
print(pcall(string.dump, coroutine.wrap(function() end)))
print(pcall(string.dump))
print(pcall(string.dump, 1))
print(load("\27abc"))
print(load("\27Lu"))
print(load("\27Lua"))
print(load("\27Lua", "=name"))
print(load("\27Lua", "@file"))
print(load("\27Lua", "plain"))
print(load(s:sub(1, 20)))
local pieces, i = {}, 0
for k = 1, #s, 7 do pieces[#pieces + 1] = s:sub(k, k + 6) end
print(load(function() i = i + 1 return pieces[i] end)(2, 3))

-- upvalues other than the first are nil; goto; chunks read by a reader function
local x = 1
local function f() return x, print end
local g = load(string.dump(f))
print(pcall(g))
print(pcall(function() return type((g())) end))
local function h(n) local i = 0 ::top:: i = i + 1 if i < n then goto top end return i end
print(load(string.dump(h))(5), load(string.dump(h, true))(7))
local src = {"local function inner(a) return a * 2 end\n", "return inner, function() return inner(21) end"}
local k = 0
local inner, outer = load(function() k = k + 1 return src[k] end, "=reader")()
print(load(string.dump(inner))(4), pcall(load(string.dump(outer))))
print(debug.getinfo(load(string.dump(inner)), "S").source)
