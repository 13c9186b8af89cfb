-- Basic functions and globals specific to the full dialect.

print(_VERSION, type(io), type(os), type(io.write), type(os.time), type(math.pi))
print(math.type(collectgarbage("count")), collectgarbage("count") > 0, collectgarbage() , collectgarbage("step") ~= nil)
print(collectgarbage("isrunning"), pcall(collectgarbage, "bogus"))
print(tonumber("1.5"), tonumber("-.5e1"), tonumber("0x.1"), tonumber("1e500"), tonumber("-1e500"))
print(tonumber(" 0x1p4 "), tonumber("1.5", 16), tonumber("1.", 10), tonumber("  .5  "))
print(tostring(1.5), tostring(-0.0), tostring(1e300 * 1e300), tostring(2^63), tostring(1e-300))
print(select(-1, 1.5, 2.5), select(2.0, "a", "b"), pcall(select, 1.5, "a"))
print(rawequal(1, 1.0), rawequal(0.0, -0.0), 1 == 1.0, rawlen({1.5}))
local t = {}
t[1.0] = "a"; t[2] = "b"
print(#t, t[1], next({[2.0] = true}), math.type(next({[2.0] = true})))
print(ipairs({1.5, 2.5}) ~= nil, select("#", ipairs({})))
for i, v in ipairs({1.5, 2.5}) do print(i, v) end
print(load("return 1.5 + 1")(), load("return 2^10")(), load("return 0x1p-1")())
print(string.format("%5.1f", tonumber("3.14159")), math.floor(-0.5), -0.5 // 1)
