-- goto and labels (manual §3.3.4).

-- the continue pattern
local out = {}
for i = 1, 10 do
  if i % 3 == 0 then goto continue end
  out[#out + 1] = i
  ::continue::
end
print(table.concat(out, " "))
-- continue in while and repeat loops
local i = 0
out = {}
while i < 6 do
  i = i + 1
  if i == 2 or i == 4 then goto next end
  out[#out + 1] = i
  ::next::
end
print(table.concat(out, " "))
i = 0
out = {}
repeat
  i = i + 1
  if i == 3 then goto skip end
  out[#out + 1] = i
  ::skip::
until i >= 5
print(table.concat(out, " "))
-- breaking out of nested loops
local found
for a = 1, 5 do
  for b = 1, 5 do
    if a * b == 12 then found = a .. "x" .. b; goto done end
  end
end
::done::
print(found)
-- backward jumps make loops
local n, acc = 0, {}
::top::
n = n + 1
acc[#acc + 1] = n
if n < 5 then goto top end
print(table.concat(acc, ","))
-- each backward jump gets fresh locals: closures capture different variables
local fns = {}
do
  local k = 0
  ::again::
  local v = k * 10
  fns[#fns + 1] = function() return v end
  k = k + 1
  if k < 3 then goto again end
end
print(fns[1](), fns[2](), fns[3]())
-- a label at the end of a block is allowed after a local declaration
do
  goto finish
  local unused = 1
  ::finish::
end
print("after finish")
-- labels in nested functions are separate
local function inner()
  goto l
  do return "not here" end
  ::l::
  return "inner label"
end
print(inner())
-- same label name in different blocks
do ::dup:: end
do ::dup:: end
print("ok dup")
-- errors: undefined label, jump into the scope of a local, duplicate label
print(load("goto nowhere"))
print(load("goto f; local x; ::f:: print(x)"))
print(load("::a:: ::a::"))
print(load("do ::a:: end goto a"))
print(load("for i = 1, 2 do end goto continue"))
-- goto is not a reserved label name, but it is a keyword
print(load("::goto::"))
