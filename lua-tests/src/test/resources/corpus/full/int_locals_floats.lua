-- FULL dialect: locals that start as integers and may become floats are not integers for
-- sure (the compiled back-end keeps only integers for sure as JVM longs).

local x = 1
x = x / 2
print(x, math.type(x))
local y = 3
y = y + 0.5
print(y, math.type(y))
local z = 2
z = z ^ 2
print(z, math.type(z))
local h = 7
h = h // 2.0
print(h, math.type(h))
local k = 1
for i = 1, 3 do k = k * i end
print(k, math.type(k))
local sum = 0
for i = 1, 3 do i = i * 1.5; sum = sum + i end
print(sum, math.type(sum))
local f = 0
for i = 1.0, 3 do f = f + 1 end
print(f, math.type(f))
local g = 10
for i = g, 1, -3 do g = g - i end
print(g, math.type(g))
local n = 5
n = n + "2"
print(n, math.type(n))
local m = 5
m = m % 0.75
print(m, math.type(m))
local big = math.maxinteger
big = big * 2
print(big, math.type(big), big + 0.0)
