-- generic for: the iterator is called at the line of the expressions after 'in', named 'for iterator'
local function it(s, c) if c == 2 then error("iter fail", 2) end return (c or 0) + 1 end
print(pcall(function()
  for k in it, nil, nil do
    local y = k
  end
end))
print(pcall(function()
  for k
    in
    it,
    nil
  do
    local y = k
  end
end))
print(pcall(function()
  for k in nil do end
end))
print(pcall(function()
  local t = setmetatable({}, {__call = function(self, s, c) if c then error("call fail", 2) end return 1 end})
  for k in t do
    local z = k
  end
end))
print(pcall(function()
  for k, v in next, 42 do end
end))
print(pcall(function()
  for k, v in pairs({1,2,3}) do
     local q = v
  end
  for k, v in
    ipairs(nil) do end
end))
print(pcall(function()
  local t = {a = 1, b = 2}
  for k, v in
     pairs(t) do
    t[k] = nil
    t.zzz = 1
    t[k .. "x"] = 2
  end
end))
print(pcall(function()
  local t = {}
  for k, v in next, t, "nokey" do end
end))
