-- Functions (manual §3.4.10, §3.4.11): varargs, select, adjustment, tail calls, methods.

local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
-- select with positive and negative indices
print(select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select(-3, "a", "b", "c"))
print(select(4, "a", "b", "c"), select("#"), select(1, nil, 2))
print(pcall(select, 0, "a"))
print(pcall(select, -4, "a", "b", "c"))
print(pcall(select, "x"))
-- ... in expressions
local function first(...) local a = ... ; return a end
local function pack2(...) local a, b = ...; return b, a end
print(first(5, 6), pack2(1, 2), (pack2(3, 4)))
local function passthrough(...) return ... end
print(passthrough(1, nil, 3))
print(passthrough())
print((passthrough(1, 2)))
-- extra arguments are dropped, missing ones are nil
local function f3(a, b, c) return a, b, c end
print(f3(1), f3(1, 2, 3, 4))
-- results adjusted in the middle of a list
print(f3(1, 2, 3), f3(4, 5, 6))
local t = {f3(1, 2, 3), f3(4, 5, 6)}
print(#t, t[1], t[2])
-- table.unpack with explicit ranges
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
print(table.unpack({1, 2, 3}, 3, 2))
print(table.unpack({n = 0, "a", "b"}, -1, 1))
print(select("#", table.unpack({}, 1, 10)))
-- table.pack
local p = table.pack(1, nil, 3, nil)
print(p.n, p[1], p[2], p[3], p[4])
print(table.pack().n)
-- call syntax variants
local function id(x) return x end
print(id"string", id[[long]], id{1, 2}[2], type(id{}))
local obj = {name = "obj"}
function obj.static(x) return "static " .. tostring(x) end
function obj:method(x) return self.name .. " method " .. tostring(x) end
print(obj.static(1), obj:method(2), obj.method(obj, 3), obj.method({name = "other"}, 4))
local s = "abc"
print(s:upper(), ("x"):rep(3), #s:sub(2))
-- nested function definitions
local a = {b = {}}
function a.b.c(x) return x + 1 end
function a.b:d(x) return self == a.b, x end
print(a.b.c(1), a.b:d(2))
-- recursion
local function fact(n) if n <= 1 then return 1 else return n * fact(n - 1) end end
print(fact(5), fact(20), fact(21))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
-- proper tail calls: a million of them use no stack
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
print(loop(1000000, 0))
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(1000001), odd(1000001))
-- a tail call through a method and through a varargs function
local counter = {n = 0}
function counter:down(k) if k == 0 then return self.n end self.n = self.n + 1 return self:down(k - 1) end
print(counter:down(300000))
local function vtail(n, ...) if n == 0 then return select("#", ...) end return vtail(n - 1, ...) end
print(vtail(100000, 1, 2, 3))
-- functions are first-class values
local ops = {add = function(x, y) return x + y end, mul = function(x, y) return x * y end}
print(ops.add(2, 3), ops["mul"](2, 3))
local function compose(f, g) return function(...) return f(g(...)) end end
print(compose(tostring, ops.add)(4, 5) .. "!")
-- calling non-functions
print(pcall(function() local x = 1; x() end))
print(pcall(function() local t = {}; t.f() end))
print(pcall(function() local t = {}; t:m() end))
print(pcall(function() undefinedfn() end))
print(pcall(function() ("x")() end))
