-- Error handling (manual §2.3): error, pcall, xpcall, messages with variable names.

-- error with a string adds the position (level 1 by default)
print(pcall(error, "plain"))
print(pcall(function() error("level1") end))
print(pcall(function() error("level0", 0) end))
local function thrower(level) error("at level " .. level, level) end
local function caller(level) thrower(level) end
print(pcall(caller, 1))
print(pcall(caller, 2))
print(pcall(caller, 3))
-- error values of any type pass through unchanged
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, 42))
print(pcall(error, false))
local ok, e = pcall(error, {code = 7})
print(ok, type(e), e.code)
local ok2, e2 = pcall(error, setmetatable({}, {__tostring = function() return "custom" end}))
print(ok2, tostring(e2))
-- pcall returns all results on success
print(pcall(function(...) return ... end, 1, nil, 3))
print(pcall(pcall, error, "nested"))
print(select("#", pcall(function() end)))
print(pcall(pcall))
-- xpcall passes the error object to the handler; its results are returned
print(xpcall(function() error("handled") end, function(m) return "H: " .. m end))
print(xpcall(function() error({1, 2}) end, function(m) return #m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(xpcall(function() local x = nil; return x.y end, function(m) return (m:gsub("^.-:%d+: ", "")) end))
-- the handler can call debug.traceback; only the first line is stable
print((xpcall(function() error("tb") end, debug.traceback)))
print(select(2, xpcall(function() error("tb") end, debug.traceback)):match("^[^\n]*"))
print((debug.traceback("msg", 1):match("^[^\n]*")), (debug.traceback("msg"):match("\n(.-)\n")))
-- errors inside the handler
print(xpcall(function() error("first") end, function() error("second") end))
-- assert
print(pcall(assert, true, "unused"))
print(pcall(assert, 1, 2, 3))
print(pcall(assert, false))
print(pcall(assert, nil, "custom message"))
print(type(select(2, pcall(assert, false, {"table"}))))
print(select("#", pcall(assert)))
print(pcall(assert))
-- runtime error messages name the variables involved
local function msg(f) local _, m = pcall(f); return m end
print(msg(function() local a; return a.x end))
print(msg(function() return undefinedglobal.x end))
print(msg(function() local t = {}; return t.foo.bar end))
print(msg(function() local t = {}; t.foo.bar = 1 end))
local u
print(msg(function() return u.x end))
print(msg(function() return u() end))
print(msg(function() local obj = {}; obj:m() end))
print(msg(function() local obj = {}; obj.field() end))
print(msg(function() return 1 < nil end))
print(msg(function() return "a" < 1 end))
print(msg(function() return {} <= {} end))
print(msg(function() local a; return a + 1 end))
print(msg(function() local a = "x"; return a + 1 end))
print(msg(function() return u .. "x" end))
print(msg(function() local t = {}; return t["key"].z end))
print(msg(function() return string.nofunc() end))
print(msg(function() return ("x"):bad() end))
print(msg(function() local a = {}; return a.b.c.d end))
print(msg(function() return #u end))
print(msg(function() return -u end))
print(msg(function() return u & 1 end))
-- errors raised by library functions carry the position of the Lua caller
print(msg(function() return ("x"):rep() end))
print(msg(function() return string.rep() end))
print(msg(function() return math.max() end))
print(msg(function() return setmetatable(1, {}) end))
print(msg(function() return ipairs() end))
print(msg(function() return tostring() end))
-- error with a non-string does not get a position
print(msg(function() error(12) end), type(msg(function() error(12) end)))
-- error objects can be rethrown
print(pcall(function()
  local ok3, err = pcall(error, "inner", 0)
  error("outer(" .. err .. ")", 0)
end))
-- error messages from runtime errors inside nested functions
local function level3() local z; return z.field end
local function level2() return level3() + 1 end
print(pcall(level2))
-- tostring(nil) error value
print(pcall(error, nil, 2))
