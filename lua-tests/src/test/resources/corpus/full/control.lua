-- Numeric for loops with float bounds and steps (manual §3.3.5).

local function loop(a, b, c)
  local t = {}
  for i = a, b, c or 1 do t[#t + 1] = tostring(i); if #t > 20 then break end end
  return table.concat(t, " ")
end
print(loop(1, 2, 0.25))
print(loop(1.0, 3, 1))
print(loop(1, 3.5, 1))
print(loop(1, 3.5))
print(loop(0.1, 0.5, 0.1))
print(loop(1, 0, -0.5))
print(loop(-1, -2, -0.3))
print(loop(3, 1, 1.0))
-- an integer loop with a float limit clips the limit
print(loop(1, 2.9, 1), loop(-1, -2.9, -1), loop(1, math.huge, 1 << 62))
print(loop(math.maxinteger - 1, math.huge, 1))
print(loop(math.mininteger + 5, -math.huge, -(1 << 62)))
print(loop(1, -math.huge, 1), loop(1, 0.5, 1))
print(loop(0, 2^53, 2^52))
-- the control variable keeps its subtype
for i = 1, 2 do print(math.type(i)) end
for i = 1.0, 2 do print(math.type(i)) end
for i = 1, 2, 1.0 do print(math.type(i)) end
-- float steps of zero are errors too
print(pcall(loop, 1, 2, 0.0))
print(pcall(loop, 1, 0 / 0, 1))
print(loop(1, 2, 0 / 0) == "")
