-- Coroutine bodies simple enough to run without a continuation (calls only as a statement's
-- outermost expression, no function defined inside, no generic for): what they do must be what
-- any body does. Each body here yields from its own code, and some go on from deeper: a Lua
-- function called, a metamethod entered, pcall, a hook set. Tracebacks, getinfo, close, errors.
local yield, create, resume, wrap, status = coroutine.yield, coroutine.create, coroutine.resume, coroutine.wrap, coroutine.status

local function show(name, co, ...)
  local r = table.pack(resume(co, ...))
  local out = {}
  for i = 1, r.n do out[#out + 1] = tostring(r[i]) end
  print(name, table.concat(out, " "), status(co))
end

-- a generator through wrap, consumed by a generic for
local function range(n)
  return wrap(function()
    for i = 1, n do yield(i) end
  end)
end
local sum = 0
for v in range(100) do sum = sum + v end
print("range", sum)

-- values both ways: several, none, nil in the middle
local co = create(function(a, b)
  local c, d, e = yield(a + b, a - b)
  yield()
  local f = yield(c, d, e)
  yield(f == nil, select("#", f))
  return "done", a, b
end)
show("args", co, 5, 3)
show("three", co, 1, nil, 3)
show("none", co)
show("nil", co)
show("end", co)
show("dead", co)

-- a pipeline of wraps, each calling the one before (a library function) and yielding
local function producer(n)
  return wrap(function()
    local x = 1
    for _ = 1, n do x = (x * 48271) % 2147483647; yield(x) end
  end)
end
local function mapper(src)
  return wrap(function()
    while true do
      local v = src()
      if v == nil then break end
      yield(v % 1000)
    end
  end)
end
local psum, pcount = 0, 0
for v in mapper(producer(50)) do psum = psum + v; pcount = pcount + 1 end
print("pipeline", psum, pcount)

-- ping-pong: values through resume arguments and yield results
local ping = create(function(a)
  local n = a
  for _ = 1, 9 do n = yield(n + 1) end
  return n + 1
end)
local pong = create(function(a)
  local n = a
  for _ = 1, 9 do n = yield(n * 2 % 1000003) end
  return n * 2 % 1000003
end)
local v = 1
for _ = 1, 10 do
  local _, x = resume(ping, v)
  local _, y = resume(pong, x)
  v = y
end
print("pingpong", v, status(ping), status(pong))

-- a Lua function called from the body, which yields (the body goes on on a continuation)
local function deep(x) local r = yield("deep " .. x) return r * 10 end
co = create(function(a)
  local s = a
  for i = 1, 2 do
    local w = yield(i)
    s = s + w
  end
  local d = deep(s)
  s = s + d
  yield(s)
  return s
end)
show("deep1", co, 1)
show("deep2", co, 10)
show("deep3", co, 20)
show("deep4", co, 4)
show("deep5", co)
show("deep6", co)

-- metamethods that yield, entered from the body's own code
local T = setmetatable({}, {
  __add = function(a, b) return yield("add") end,
  __lt = function(a, b) return yield("lt") end,
  __index = function(t, k) return yield("index " .. tostring(k)) end,
  __newindex = function(t, k, v) yield("newindex " .. tostring(k)) rawset(t, k, v) end,
  __concat = function(a, b) return yield("concat") end,
  __len = function(a) return yield("len") end,
  __unm = function(a) return yield("unm") end,
  __eq = function(a, b) return yield("eq") end,
  __call = function(self, x) return yield("call " .. tostring(x)) end,
})
co = create(function(t)
  local n = 0
  n = n + 1
  yield(n)
  local a = t + 1
  local b = t < t
  local c = t.key
  t.other = a
  local d = t .. "x"
  local e = #t
  local f = -t
  local g = t == setmetatable({}, getmetatable(t))
  local h = t(7)
  return a, b, c, d, e, f, g, h, rawget(t, "other")
end)
show("mm0", co, T)
local results = {"A", true, "C", nil, "D", 5, "F", false, "H"}
for i = 1, 11 do
  show("mm" .. i, co, results[i])
  if status(co) == "dead" then break end
end

-- a yield in a loop's condition: the loop goes on from its condition, not its body again
local counter = setmetatable({}, {__lt = function(a, b) return yield("cond") end})
co = create(function(t)
  local i = 0
  while counter < t do
    i = i + 1
    yield("body " .. i)
  end
  local j = 0
  repeat
    j = j + 1
    yield("rbody " .. j)
  until t < counter
  return i, j
end)
local answers = {true, nil, true, nil, false, nil, false, nil, true}
show("loop0", co, {})
for i = 1, 12 do
  show("loop" .. i, co, answers[i])
  if status(co) == "dead" then break end
end

-- pcall: of yield itself, of a function that yields, and an error caught
co = create(function()
  local ok, v = pcall(yield, "in pcall")
  yield(ok, v)
  local ok2, w = pcall(deep, 3)
  yield(ok2, w)
  local ok3, err = pcall(error, "caught")
  return ok3, err
end)
show("pcall1", co)
show("pcall2", co, "back")
show("pcall3", co)
show("pcall4", co, 7)
show("pcall5", co)

-- library functions that call Lua are a C-call boundary, as in lua5.4
co = create(function(t)
  table.sort(t, counter.lt)
  local s = string.gsub("ab", "%w", yield)
  return s
end)
show("cboundary", co, {3, 1, 2})
co = create(function(t)
  local s = string.gsub("ab", "%w", yield)
  return s
end)
show("gsub", co)

-- errors: raised by the body, by the runtime, after a yield, with a traceback of the dead coroutine
co = create(function(x)
  yield(x)
  local y = x + {}
  return y
end)
show("err1", co, 1)
show("err2", co)
print((debug.traceback(co):gsub("\n[^\n]*%[C%]: in %?", "")))
co = create(function(x)
  yield(x)
  error({code = 42})
end)
show("errtable", co, 1)
local _, e = resume(co)
print("errtable value", type(e))
co = create(function(x)
  yield(x)
  error("with level", 1)
end)
resume(co)
show("errlevel", co)

-- a suspended body: its traceback, getinfo and locals, then close
co = create(function(a)
  local inner = a * 2
  yield(inner)
  yield(inner + 1)
end)
resume(co, 21)
print((debug.traceback(co, "suspended")))
local info = debug.getinfo(co, 1, "Sl")
print("getinfo", info.short_src, info.currentline, info.what)
print("level0", debug.getinfo(co, 0, "n").name)
print("close", coroutine.close(co), status(co))
show("closed", co)

-- closed before it started, and wrap's errors with the caller's position
co = create(function(a) yield(a) end)
print("close new", coroutine.close(co), status(co))
local w = wrap(function(x) yield(x) error("wrapped error") end)
print(w(1))
print(pcall(w))
print(pcall(w))

-- running and isyieldable inside, and a body that resumes another stackless body
co = create(function()
  local me, main = coroutine.running()
  yield(type(me), main, coroutine.isyieldable())
  local inner = create(function(z) yield(z + 1) yield(z + 2) end)
  local ok, r = resume(inner, 10)
  yield(ok, r, status(inner))
  local ok2, r2 = resume(inner)
  return ok2, r2, status(inner)
end)
show("run1", co)
show("run2", co)
show("run3", co)

-- a hook set while the body is suspended: it runs, and the body still gets its values
co = create(function(a)
  local s = a
  for i = 1, 3 do
    local x = yield(s)
    s = s + x
  end
  return s
end)
show("hook0", co, 1)
local lines = 0
debug.sethook(co, function() lines = lines + 1 end, "l")
show("hook1", co, 2)
show("hook2", co, 3)
show("hook3", co, 4)
debug.sethook(co)
print("values went on under a hook set while suspended")

-- a hook on before the first resume
local calls = 0
co = create(function(a) yield(a) return a + 1 end)
debug.sethook(co, function() calls = calls + 1 end, "c")
show("hookfirst1", co, 5)
show("hookfirst2", co)
debug.sethook(co)
print("call events", calls > 0)

-- many suspended bodies, each with its own state
local cos = {}
for i = 1, 200 do
  cos[i] = create(function(k) local acc = k for _ = 1, 3 do acc = acc + yield(acc) end return acc end)
  resume(cos[i], i)
end
local total = 0
for round = 1, 3 do
  for i = 1, 200 do
    local _, r = resume(cos[i], round)
    total = total + r
  end
end
print("many", total, status(cos[1]))

-- upvalues of the body, changed while it is suspended
local shared = 0
co = create(function()
  for i = 1, 3 do
    shared = shared + i
    yield(shared)
  end
end)
show("up1", co)
shared = 100
show("up2", co)
show("up3", co)
print("shared", shared)

-- a method call that yields through __index, and one that does not
local obj = setmetatable({}, {__index = function(t, k) return yield("method " .. k) end})
local plain = {get = function(self, x) return x * 3 end}
co = create(function(o, p)
  local a = p:get(5)
  local b = o:missing(1)
  return a, b
end)
show("meth1", co, obj, plain)
show("meth2", co, function(self, x) return "called " .. tostring(x) end)

-- generic for in a body: library iterators (pairs over an array, ipairs, gmatch), a Lua iterator
-- (the body goes on at the iterator's call, not from the loop's start), one that yields itself,
-- __pairs, a closing value (closed at the loop's end, and by coroutine.close while suspended)
local function drain(name, co, ...)
  local out = {}
  local r = table.pack(resume(co, ...))
  while true do
    local parts = {}
    for i = 1, r.n do parts[#parts + 1] = tostring(r[i]) end
    out[#out + 1] = table.concat(parts, ",")
    if status(co) == "dead" then break end
    r = table.pack(resume(co, #out))
  end
  print(name, table.concat(out, " "))
end
drain("for lib", create(function(t, s)
  local sum = 0
  for i, v in ipairs(t) do sum = sum + v; yield(i) end
  for k, v in pairs(t) do sum = sum + k; yield(v) end
  for w in string.gmatch(s, "%a+") do yield(w) end
  return sum
end), {10, 20, 30}, "one two three")
local function iter(st, i) if i < st then return i + 1 end end
drain("for lua iter", create(function(n)
  local seen = 0
  for i in iter, n, 0 do seen = seen + i; local back = yield(i); seen = seen + back end
  return seen
end), 4)
local function yiter(st, i) if i < st then local r = yield("iter " .. i) return i + 1, r end end
drain("for yielding iter", create(function(n)
  for i, r in yiter, n, 0 do yield("body " .. i .. " " .. tostring(r)) end
  return "end"
end), 3)
local pt = setmetatable({}, {__pairs = function(t) return iter, 2, 0 end})
drain("for __pairs", create(function()
  for i in pairs(pt) do yield(i) end
  return "pairs done"
end))
local closer = setmetatable({}, {__close = function() print("closer closed") end})
drain("for closing", create(function()
  for i in iter, 2, 0, closer do yield(i) end
  return "after"
end))
co = create(function() for i in iter, 3, 0, closer do yield(i) end end)
resume(co)
print("close in for", coroutine.close(co), status(co))
drain("for break return", create(function(t)
  for _, v in ipairs(t) do if v == 2 then break end yield(v) end
  for i, v in ipairs(t) do if v == 3 then return "ret " .. i end yield(v) end
end), {1, 2, 3, 4})
