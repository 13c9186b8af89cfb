-- Which declaration a name refers to: locals end with their block, loop control variables
-- with their loop, and a name then refers to the enclosing local or the global again.
i, k, v, x = "gi", "gk", "gv", "gx"
for i = 1, 2 do end
print(i)
for k, v in pairs({10}) do end
print(k, v)
local x = "outer"
for x = 1, 3 do
  local x = x * 10
  if x == 20 then print("inner", x) end
end
print(x)
do
  local x = "block"
  print(x)
end
print(x)
local n = 0
repeat
  local stop = n >= 2
  n = n + 1
until stop
print(n, stop)
local fns = {}
for j = 1, 3 do
  fns[j] = function() return j end
end
print(fns[1](), fns[2](), fns[3](), j)
while true do
  local w = "w"
  break
end
print(w)
local function f(a)
  for a = a, a + 1 do end
  return a
end
print(f(7))
for q = 1, 2 do
  goto continue
  ::continue::
end
print(q)
