-- Closures and upvalues (manual §3.5): lexical scoping, fresh locals per iteration.

local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c1(), c2(), c1())
-- each iteration of a loop creates a new local
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
fs = {}
for _, v in ipairs({"a", "b", "c"}) do fs[#fs + 1] = function() return v end end
print(fs[1](), fs[2](), fs[3]())
fs = {}
local j = 0
while j < 3 do
  j = j + 1
  local captured = j
  fs[j] = function() captured = captured + 10; return captured end
end
print(fs[1](), fs[1](), fs[2](), fs[3]())
-- a while loop variable declared outside is shared
fs = {}
local k = 0
while k < 3 do k = k + 1; fs[k] = function() return k end end
print(fs[1](), fs[2](), fs[3]())
-- closures share their upvalues
local function pair()
  local v = 0
  local function get() return v end
  local function set(x) v = x end
  return get, set
end
local get, set = pair()
set(42)
print(get())
local get2, set2 = pair()
set2(7)
print(get(), get2())
-- upvalues of upvalues
local function outer()
  local x = 1
  return function()
    return function() x = x * 2; return x end
  end
end
local mk = outer()
local d1, d2 = mk(), mk()
print(d1(), d2(), d1())
-- an upvalue stays alive after its block ends and is shared with sibling closures
local inc, read
do
  local hidden = 100
  inc = function() hidden = hidden + 1 end
  read = function() return hidden end
end
inc(); inc()
print(read())
-- modifying the loop variable copy does not affect the loop
local seen = {}
for i = 1, 3 do
  local f = function() i = i * 100; return i end
  seen[#seen + 1] = f()
  seen[#seen + 1] = i
end
print(table.concat(seen, " "))
-- recursive local functions see themselves
local function r(n) if n == 0 then return "done" end return r(n - 1) end
print(r(10))
local notrec = function(n) return notrec end
print(notrec(1))
-- closures in repeat loops see the body's locals in the condition
local cl = {}
local m = 0
repeat
  m = m + 1
  local mm = m
  cl[m] = function() return mm end
until mm >= 3
print(cl[1](), cl[2](), cl[3]())
-- closures as objects
local function account(balance)
  local self = {}
  function self.deposit(v) balance = balance + v end
  function self.balance() return balance end
  return self
end
local acc = account(100)
acc.deposit(50)
print(acc.balance())
-- many closures over one variable
local shared = 0
local adders = {}
for i = 1, 10 do adders[i] = function() shared = shared + i end end
for i = 1, 10 do adders[i]() end
print(shared)
