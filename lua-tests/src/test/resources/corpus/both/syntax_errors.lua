-- Syntax and compile-time errors: each message as lua5.4 gives it (token names, the "near"
-- part, unprintable bytes, lines of errors found when a function ends, limits).
local snippets = {
  "x =", "x = = 1", "local", "local 1", "return return", "f(", "f(1,", "a.b:c", "a.b:c 1",
  "x = }", "if x then", "if x then else", "for i = 1 do end", "for i do end", "for 1 do end",
  "while true", "repeat", "repeat until", "function f(1) end", "function f(a,) end", "function (a) end",
  "local function end", "x = \1", "x = 'abc", "x = \"abc\ndef\"", "x = [[abc", "--[[ abc", "x = 0x", "x = 3e", "x = 1..2",
  "x = '\\q'", "x = '\\x4'", "x = '\\400'", "x = '\\u{110000000}'", "x = '\\u{12'", "x = '\\u12'",
  "goto foo", "do goto foo end ::foo::", "::a:: ::a::", "break", "if x then break end",
  "local x <foo> = 1", "local x <const> = 1; x = 2", "local a <close>, b <close> = 1, 2",
  "x = ...", "function f() x = ... end", "return 1,", "x.y.z", "x[1", "x = {1, 2", "x = {1 2}",
  "(x) = 1", "x, y() = 1, 2", "x = function", "x = not", "x = 1 +", "a = b c", "print 'a' 'b' 1",
  "x = \255", "x = \128abc", "\0", "x = @", "x = $", "local t = {[1] 2}", "x = y:z", "x = y:z[1]",
  "return ;;", "return 1; 2", "::1::", "goto 1", "local function f() return end end",
  "for a, b in pairs(t) do", "for a.b in x do end", "f() = 1", "local x = 1 = 2",
  "x = '\\z", "x = 0x1p", "x = 08", "x = 1e+", "x = .e1", "x = 3..", "x = 1.2.3", "x = 0xg",
  "x = [==[ abc ]=]", "x = [=", "x = [==", "x = #", "elseif", "end", "until x", "then",
  "x = 1 y = 2 z", "local x, = 1", "x = a:1()", "x = a..", "local 'a'", "function a.b:c.d() end",
  "function a:b:c() end", "do end end", "x = \"\\", "x = '\\", "x = 'abc\\\ndef", "a = {f = }",
  "a = {[1] = }", "a = {,}", "a = {;}", "a = (1", "a = (1))", "local <const> x", "local x <const",
  "x = 0x7fffffffffffffffff", "x = 1e", "é = 1", "x = 'é",
}
local multiline = {
  "break\n\n\nx=1", "x=1\nbreak\n\n", "function f()\n break\n\nend\nx=1\n\n", "goto foo\n\n\n",
  "local x <const> = 1\n\n x\n = 2", "::a::\n\n::a::", "local a <close>\n, b <close> = 1, 2",
  "do goto l; local x = 1\n ::l:: print(x) end", "local x <foo\n> = 1",
  "x = 1\n\n", "f(\n\n", "for i = 1, 2\n\nx", "if x\n then\n", "x = [[\n\nabc", "x = '\\q\n",
  "local " .. string.rep("a,", 199) .. "b", "local " .. string.rep("a,", 200) .. "b", "local " .. string.rep("a,", 250) .. "b = 1",
  "local function f() local " .. string.rep("a,", 200) .. "b end",
  "local a1,a2 " .. string.rep("local x ", 199),
}
for _, s in ipairs(multiline) do snippets[#snippets + 1] = s end
for i, s in ipairs(snippets) do
  local f, e = load(s, "=s")
  print(i, e)
end
for i, s in ipairs{"x =", "x = \1", "local 1"} do
  print(select(2, load(s, "chunk\200\255name")))
  print(select(2, load(s)))
  print(select(2, load(s, "@file")))
end

-- too many upvalues: the limit and the function's line
local function gen(n, inner)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = "local v" .. i .. " = " .. i end
  local refs = {}
  for i = 1, n do refs[#refs + 1] = "v" .. i end
  return "local function outer()\n" .. table.concat(parts, "\n", 1, (n < 150 and n or 150)) .. "\nlocal function mid()\n" ..
    table.concat(parts, "\n", 151) .. "\n\nlocal function inner()\n return " .. table.concat(refs, "+") .. "\nend end end"
end
print(load(gen(300)))
print(type(load(gen(250))))
print(load(gen(256), "=x"))

-- chunk names as messages show them (luaO_chunkid: cut by bytes, "..." where cut)
for _, n in ipairs{44, 45, 46, 80} do print(select(2, load("x =", string.rep("s", n)))) end
for _, n in ipairs{58, 59, 60, 80} do print(select(2, load("x =", "=" .. string.rep("e", n)))) end
for _, n in ipairs{58, 59, 60, 80} do print(select(2, load("x =", "@" .. string.rep("f", n - 10) .. "0123456789"))) end
print(select(2, load("x =", "first line\nsecond line")))
print(select(2, load("x =", "\n")))
print(select(2, load("x =", "")))
print(select(2, load("x =", string.rep("\195\169", 30))))

-- for loops' hidden state counts against the limit of locals while the loop is parsed
print(select(2, load("local " .. string.rep("a,", 196) .. "b for i = 1, 2 do end")))
print(select(2, load("local " .. string.rep("a,", 197) .. "b for i = 1, 2 do end")))
print(select(2, load("local " .. string.rep("a,", 195) .. "b for k, v in pairs({}) do end")))
print(select(2, load("local " .. string.rep("a,", 196) .. "b for k, v in pairs({}) do end")))
print(select(2, load("local " .. string.rep("a,", 195) .. "b for i = 1, 2 do end")))
print(select(2, load("local " .. string.rep("a,", 194) .. "b for k, v in pairs({}) do end")))
print(select(2, load("local " .. string.rep("a,", 194) .. "b for k in pairs({}) do end")))
print(select(2, load("local " .. string.rep("a,", 190) .. "b for i = 1, 2 do local c, d, e, f, g end")))
print(select(2, load("local " .. string.rep("a,", 190) .. "b for i = 1, 2 do local c, d, e, f, g, h end")))
print(select(2, load("local " .. string.rep("a,", 190) .. "b for i = 1, 2 do end local c, d, e, f, g, h, i, j, k")))
print(select(2, load("local " .. string.rep("a,", 190) .. "b for i = 1, 2 do end local c, d, e, f, g, h, i, j, k, l")))
