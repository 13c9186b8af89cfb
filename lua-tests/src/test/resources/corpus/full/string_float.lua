-- String functions with floats: format's float conversions, %q of floats, pack f/d/n.

print(string.format("%f %.2f %10.3f|%-10.1f|%+.0f %e %.3E", 1.5, 2.345, -3.14159, 2.5, 2.5, 12345.678, 0.000123))
print(string.format("%g %g %g %g %g %g", 1e20, 1e-5, 123456789, 0.1, 100, 2^63))
print(string.format("%.3g %.10g %#g %G %.0e", 2 / 3, 1 / 3, 1.0, 1e-20, 5e10))
print(string.format("%5.1f|%05.1f|% f|%.15g", -0.05, 9.96, 1, 0.1))
print(string.format("%f %f %f %.1f", 1 / 0, -1 / 0, 0.0, -0.0))
print(string.format("%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, -0.5))
print(string.format("%a %A", 1.0, 0.5), string.format("%.3a", 1 / 3))
print(string.format("%.99f", 1 / 3):sub(1, 20), #string.format("%.99f", 1 / 3))
print(string.format("%d %x", 3.0, 255.0), string.format("%s %s", 1.0, -0.0))
print(pcall(string.format, "%d", 1.5))
print(pcall(string.format, "%x", 2^64))
print(pcall(string.format, "%f", "x"))
print(string.format("%f", "1.5"), string.format("%.1f", 2), string.format("%5.2s|", 1.5))
print(string.format("%q %q %q %q", 0.5, 1e100, -2.5, 1 / 3))
print(string.format("%q %q %q", 1 / 0, -1 / 0, 2^63))
print(string.format("%q", 0 / 0):gsub("-", ""))
-- pack and unpack of floats
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
print(hex(string.pack("<d", 1.5)), hex(string.pack(">f", -2.25)), hex(string.pack("<n", 0.1)), string.packsize("fdn"))
print(string.unpack("<d", string.pack("<d", 1 / 3)) == 1 / 3, string.unpack("<f", string.pack("<f", 0.1)))
print(string.unpack(">d", string.pack(">d", -0.0)), string.unpack("<f", string.pack("<f", 1e300)))
print(string.unpack("n", string.pack("n", 42)), math.type(string.unpack("n", string.pack("n", 42))))
print(hex(string.pack("<i4", 3.0)), pcall(string.pack, "<i4", 3.5))
print(pcall(string.pack, "d", "x"))
-- number to string conversions in string functions
print(string.rep(1.5, 2), ("x"):rep(2.0), string.len(0.1), (1e100 .. ""):upper())
print(tostring(1e15), tostring(123456.789e3), tostring(-1.5e-7), tostring(2^-1074), tostring(1.7976931348623157e308))
print(string.format("%.14g", 0.1 + 0.2), 0.1 + 0.2 == 0.3, tostring(0.1 + 0.2))
-- %q of floats reads back exactly
for _, v in ipairs({0.1, -0.0, 1/0, -1/0, 2^63, 1e300, 5e-324, -123.456}) do
  local q = string.format("%q", v)
  local back = load("return " .. q)()
  print(q, back == v, math.type(back), 1/back == 1/v)
end
