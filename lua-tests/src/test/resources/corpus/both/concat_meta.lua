-- a .. chain hands __concat its operands as they are, pairwise from the right (numbers stay numbers)
C = setmetatable({}, {__concat = function(a, b)
  local function d(x) return type(x) == "table" and "T" or type(x) .. ":" .. tostring(x) end
  return "(" .. d(a) .. "|" .. d(b) .. ")"
end})
print(C .. 4 .. 5)
print(1 .. C .. 2 .. 3)
print("a" .. 7 .. C)
print(1 .. 2 .. C .. 3 .. 4)
local s = "s"
print(s .. 10 .. C .. s)
print(C .. C)
print(pcall(function() return 1 .. 2 .. {} end))
print(pcall(function() local t = {} return t .. 1 .. 2 end))
print(pcall(function() local t = {} return 1 .. t .. 2 end))
