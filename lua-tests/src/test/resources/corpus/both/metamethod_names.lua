-- A metamethod that is not callable: Lua code's operations name it ("metamethod 'add'");
-- library functions calling it do not; __call names the value that could not be called.
local function t(mt) return setmetatable({}, mt) end
local cases = {
  {"add", function(a) return a + 1 end}, {"sub", function(a) return a - 1 end}, {"mul", function(a) return a * 2 end},
  {"mod", function(a) return a % 2 end}, {"idiv", function(a) return a // 2 end}, {"band", function(a) return a & 1 end},
  {"bor", function(a) return a | 1 end}, {"bxor", function(a) return a ~ 1 end}, {"shl", function(a) return a << 1 end},
  {"shr", function(a) return a >> 1 end}, {"unm", function(a) return -a end}, {"bnot", function(a) return ~a end},
  {"concat", function(a) return a .. "x" end}, {"concat", function(a) return "x" .. a end}, {"len", function(a) return #a end},
  {"eq", function(a) return a == t(getmetatable(a)) end}, {"lt", function(a) return a < a end}, {"le", function(a) return a <= a end},
  {"lt", function(a) return a > a end}, {"le", function(a) return a >= a end},
  {"index", function(a) return a.x end}, {"newindex", function(a) a.x = 1 end}, {"call", function(a) return a() end},
}
for _, c in ipairs(cases) do
  for _, v in ipairs{42, "str", true, {}} do
    print(c[1], type(v), pcall(c[2], t({["__" .. c[1]] = v})))
  end
end
-- from library functions
print(pcall(tostring, t({__tostring = 42})))
print(pcall(ipairs(t({__index = 42})), t({__index = 42}), 0))
print(pcall(table.concat, t({__index = 42, __len = function() return 1 end})))
print(pcall(table.insert, t({__newindex = 42}), 1))
print(pcall(rawlen, t({__len = 42})))
print(pcall(pairs, t({__pairs = 42})))
print(pcall(next, t({}), nil))
print(pcall(table.unpack, t({__index = "s", __len = function() return 1 end})))
print(pcall(string.format, "%s", t({__tostring = 42})))
print(pcall(table.sort, t({__len = 42})))
print(pcall(table.remove, t({__len = 42})))
print(pcall(function() local a = t({__index = t({__index = 7})}) return a.x end))
print(pcall(function() local a = t({__newindex = t({__newindex = 7})}) a.x = 1 end))
print(pcall(function() local a = t({__call = t({__call = 7})}) return a() end))
print(pcall(function() local a = t({__add = t({__call = function(self, x, y) return "called" end})}) return a + 1 end))
print(pcall(function() local a = t({__call = t({__call = function(self, x) return "chain" end})}) return a() end))
print(pcall(function() local a = t({__lt = 1}) return a < 1, 1 < a end))
print(pcall(function() local a = t({__eq = 1}) return a == t({}) end))
print(pcall(function() local a = t({__eq = 1}) return a == a end))
print(pcall(function() local a = t({__concat = 1}) return 1 .. a end))
print(pcall(function() return ("10") + t({__add = 1}) end))
print(pcall(table.sort, {t({__lt = 1}), t({__lt = 1})}))
