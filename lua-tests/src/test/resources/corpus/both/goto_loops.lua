-- goto as loops and continue, with closures and to-be-closed variables (compiled and interpreted)
local log = {}
local function flush()
  print(table.concat(log, " "))
  log = {}
end
local function closable(name)
  return setmetatable({}, {__close = function(_, e)
    log[#log + 1] = "close:" .. name .. (e ~= nil and ("(" .. tostring(e) .. ")") or "")
  end})
end

-- continue in nested loops
for i = 1, 3 do
  for j = 1, 3 do
    if j == i then goto continue end
    log[#log + 1] = i .. j
    ::continue::
  end
  if i == 2 then goto next_i end
  log[#log + 1] = "end" .. i
  ::next_i::
end
flush()

-- a backward goto is a loop; a captured local gets a new cell each time round
local fs = {}
local n = 0
::again::
local x = n * 10
fs[#fs + 1] = function() x = x + 1; return x end
n = n + 1
if n < 4 then goto again end
print(fs[1](), fs[1](), fs[2](), fs[3](), fs[4]())

-- a local declared before the label is the same variable each time round
do
  local shared = 0
  local gs = {}
  local k = 0
  ::top::
  k = k + 1
  gs[k] = function() shared = shared + k; return shared end
  if k < 3 then goto top end
  print(gs[1](), gs[2](), gs[3]())
end

-- goto out of blocks with <close> variables closes them, innermost first
do
  do
    local a <close> = closable("a")
    do
      local b <close> = closable("b")
      goto out
    end
  end
  ::out::
  log[#log + 1] = "after"
end
flush()

-- a backward goto over a <close> declaration closes the variable each time round
do
  local k = 0
  ::loop::
  k = k + 1
  local c <close> = closable("c" .. k)
  if k < 3 then goto loop end
  log[#log + 1] = "done"
end
flush()

-- goto continue past a <close> variable in a loop body
for i = 1, 3 do
  local c <close> = closable("it" .. i)
  if i == 2 then goto continue end
  log[#log + 1] = "body" .. i
  ::continue::
end
flush()

-- while and repeat with goto continue
local i = 0
while i < 5 do
  i = i + 1
  local v <close> = closable("w" .. i)
  if i % 2 == 0 then goto cont end
  log[#log + 1] = "odd" .. i
  ::cont::
end
flush()
i = 0
repeat
  local r <close> = closable("r" .. i)
  i = i + 1
  if i == 2 then goto skip end
  log[#log + 1] = "rep" .. i
  ::skip::
until i >= 3
flush()

-- until sees the body's locals, closed after the test
i = 0
repeat
  local stop <close> = closable("u" .. i)
  local done = i >= 2
  i = i + 1
until done
flush()

-- break out of a repeat whose body has a <close> variable
repeat
  local q <close> = closable("q")
  if true then break end
  log[#log + 1] = "not reached"
until false
flush()

-- return from inside goto loops closes what is open
local function find(t, want)
  local idx = 0
  ::scan::
  idx = idx + 1
  local guard <close> = closable("g" .. idx)
  if t[idx] == nil then return nil end
  if t[idx] == want then return idx end
  goto scan
end
print(find({5, 6, 7}, 6))
flush()
print(find({5}, 9))
flush()

-- a goto to a label at the end of a block skips locals declared after it
do
  local t = 0
  if t == 0 then goto finish end
  local late <close> = closable("late")
  log[#log + 1] = "not reached"
  ::finish::
end
flush()

-- goto out of a generic for closes its closing value
local function iter()
  local k = 0
  return function() k = k + 1; if k <= 3 then return k end end, nil, nil, closable("for")
end
for v in iter() do
  if v == 2 then goto out end
  log[#log + 1] = "v" .. v
end
::out::
flush()

-- an error in a goto loop closes what is open, with the error
print(pcall(function()
  local k = 0
  ::l::
  k = k + 1
  local e <close> = closable("e" .. k)
  if k == 2 then error("stop", 0) end
  goto l
end))
flush()

-- a state machine with gotos
local function machine(input)
  local pos, out = 1, {}
  ::start::
  if pos > #input then goto finish end
  do
    local c = input:sub(pos, pos)
    pos = pos + 1
    if c == "a" then goto sawA end
    out[#out + 1] = c
    goto start
  end
  ::sawA::
  out[#out + 1] = "A"
  goto start
  ::finish::
  return table.concat(out)
end
print(machine("banana"))

-- nested functions inside goto loops are compiled too
local acc = {}
for round = 1, 2 do
  local m = 0
  ::inner::
  m = m + 1
  local function show() return round .. ":" .. m end
  acc[#acc + 1] = show
  if m < 2 then goto inner end
end
for _, f in ipairs(acc) do log[#log + 1] = f() end
flush()
