-- debug.getlocal in a function without debug information (string.dump(f, true)): its active
-- locals are "(temporary)", its parameters have no names, as lua5.4
local function f(a, b)
  local c = a + b
  local names = {}
  local i = 1
  while true do
    local n, v = debug.getlocal(1, i)
    if not n then break end
    if type(v) ~= "table" then names[#names + 1] = n .. "=" .. tostring(v) end
    i = i + 1
    if i > 4 then break end
  end
  return table.concat(names, " ")
end
print(f(1, 2))
local g = load(string.dump(f, true))
print(g(1, 2))
print(debug.getlocal(f, 1), debug.getlocal(f, 2))
print(debug.getlocal(g, 1), debug.getlocal(g, 2))
local function h(...)
  local x = 5
  local t = {}
  t[1] = tostring((debug.getlocal(1, -1)))
  t[2] = tostring((debug.getlocal(1, -3)))
  t[3] = tostring((debug.getlocal(1, 1)))
  t[4] = tostring((debug.getlocal(1, 2)))
  return table.concat(t, " ")
end
print(h(7, 8))
print(load(string.dump(h, true))(7, 8))
print((debug.getupvalue(g, 1)))
