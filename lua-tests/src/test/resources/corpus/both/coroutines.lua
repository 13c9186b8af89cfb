-- Coroutines (manual §2.6, §6.2).

-- values flow in both directions through resume and yield
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "end", d + e
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.resume(co, "again"))
-- yield with no values and several values
co = coroutine.create(function(...)
  coroutine.yield()
  coroutine.yield(...)
  return select("#", coroutine.yield(nil, nil))
end)
print(coroutine.resume(co, 1, 2, 3))
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.resume(co, "x", nil))
-- errors inside a coroutine kill it
co = coroutine.create(function() error("inside") end)
print(coroutine.resume(co))
print(coroutine.status(co), coroutine.resume(co))
co = coroutine.create(function() error({msg = "table error"}) end)
local ok, err = coroutine.resume(co)
print(ok, type(err), err.msg)
co = coroutine.create(function() local x; return x.y end)
print(coroutine.resume(co))
-- wrap: a function that resumes; errors propagate with position
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end return "done" end)
print(gen(), gen(), gen(), gen())
print(pcall(gen))
local bad = coroutine.wrap(function() error("wrapped error") end)
print(pcall(bad))
local bad2 = coroutine.wrap(function() error({}) end)
print(type(select(2, pcall(bad2))))
local bad3 = coroutine.wrap(function() local n = nil; return n + 1 end)
print(pcall(bad3))
-- running, isyieldable, status of the running and of a normal coroutine
local main, ismain = coroutine.running()
print(type(main), ismain, coroutine.isyieldable())
local outer
outer = coroutine.create(function()
  local me, im = coroutine.running()
  print("inside", me == outer, im, coroutine.isyieldable(), coroutine.status(outer))
  local inner = coroutine.create(function()
    print("outer from inner", coroutine.status(outer))
    coroutine.yield()
  end)
  coroutine.resume(inner)
  print("inner suspended", coroutine.status(inner))
end)
coroutine.resume(outer)
print(coroutine.status(outer))
-- resuming the running coroutine or a non-suspended one
co = coroutine.create(function() return coroutine.resume(coroutine.running()) end)
print(coroutine.resume(co))
print(coroutine.resume(coroutine.running()))
-- yield outside a coroutine
print(pcall(coroutine.yield, 1))
-- yield across pcall
co = coroutine.create(function()
  local ok2, v = pcall(function()
    local x = coroutine.yield("from pcall")
    error("after yield " .. x)
  end)
  coroutine.yield(ok2, v)
  return "finished"
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "X"))
print(coroutine.resume(co))
-- yield inside metamethods
local mt = {
  __index = function(t, k) return coroutine.yield("index " .. k) end,
  __add = function(a, b) return coroutine.yield("add") end,
  __lt = function(a, b) return coroutine.yield("lt") end,
  __concat = function(a, b) return coroutine.yield("concat") end,
  __eq = function(a, b) return coroutine.yield("eq") end,
  __call = function(self, x) return coroutine.yield("call " .. x) end,
  __len = function() return coroutine.yield("len") end,
  __newindex = function(t, k, v) coroutine.yield("newindex " .. k) end,
}
co = coroutine.wrap(function()
  local a, b = setmetatable({}, mt), setmetatable({}, mt)
  local r1 = a.field
  local r2 = a + 1
  local r3 = a < b
  local r4 = a .. "s"
  local r5 = a == b
  local r6 = a(5)
  local r7 = #a
  a.k = 1
  return r1, r2, r3, r4, r5, r6, r7
end)
print(co())
print(co("v1"))
print(co("v2"))
print(co(false))
print(co("v4"))
print(co(1))
print(co("v6"))
print(co("v7"))
print(co())
-- yield inside iterators of a generic for
co = coroutine.wrap(function()
  local function iter(_, i)
    if i < 3 then coroutine.yield("iter " .. i); return i + 1 end
  end
  local acc = {}
  for i in iter, nil, 0 do acc[#acc + 1] = i end
  return table.concat(acc, ",")
end)
print(co(), co(), co(), co())
-- yield inside table.sort's comparator is not allowed (C boundary)
co = coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield(); return a < b end)
end)
print(coroutine.resume(co))
-- close
co = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co)
print(coroutine.close(co), coroutine.status(co))
print(coroutine.close(coroutine.create(print)))
co = coroutine.create(function() error("x") end)
coroutine.resume(co)
print(coroutine.close(co))
print(pcall(coroutine.close, coroutine.running()))
-- wrong arguments
print(pcall(coroutine.create, 1))
print(pcall(coroutine.resume, 1))
print(pcall(coroutine.status, nil))
print(pcall(coroutine.wrap))
-- a generator pipeline
local function producer(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local function filter(src, pred)
  return coroutine.wrap(function() for v in src do if pred(v) then coroutine.yield(v) end end end)
end
local out = {}
for v in filter(producer(20), function(x) return x % 3 == 0 end) do out[#out + 1] = v end
print(table.concat(out, " "))
-- many coroutines alive at once
local cos = {}
for i = 1, 100 do cos[i] = coroutine.create(function(x) while true do x = coroutine.yield(x + i) end end) end
local sum = 0
for round = 1, 3 do
  for i = 1, 100 do local _, v = coroutine.resume(cos[i], round); sum = sum + v end
end
print(sum)
