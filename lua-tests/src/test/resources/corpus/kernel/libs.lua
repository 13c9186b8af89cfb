-- KERNEL dialect: the standard library set (spec lunatik-api.md §2.2).
-- The expected output is written by hand from the spec; see libs.expected.

-- io and os are not opened
print(io, os)
-- math keeps only abs, max, min, tointeger, ult, maxinteger, mininteger
local names = {}
for k in pairs(math) do names[#names + 1] = k end
table.sort(names)
print(table.concat(names, " "))
print(math.type, math.floor, math.huge, math.pi, math.random, math.sqrt, math.fmod)
print(math.abs(-3), math.max(1, 9, 4), math.min(5, -2), math.tointeger(12), math.ult(1, -1))
-- string.format: float conversions fail with "invalid conversion"
for _, conv in ipairs({"%a", "%A", "%e", "%E", "%f", "%g", "%G", "%5.2f"}) do
  local ok, msg = pcall(string.format, conv, 1)
  print(conv, ok, msg:find("invalid conversion", 1, true) ~= nil)
end
print(string.format("%d %i %x %X %o %c %s %q", 255, -3, 255, 255, 8, 65, "s", "q"))
-- string.pack: "n" is a lua_Integer, "f" and "d" do not exist
print(string.unpack("n", string.pack("n", 7)))
print(string.packsize("n"), (pcall(string.pack, "d", 1)), (pcall(string.pack, "f", 1)))
-- collectgarbage("count") returns an integer number of bytes
local count = collectgarbage("count")
print(count > 0, tostring(count):find("[^%d]") == nil, string.format("%d", count) == tostring(count))
-- the other libraries are present
print(type(string), type(table), type(utf8), type(coroutine), type(debug), type(package))
print(debug.debug, package.cpath)
print(package.path)
