-- string.pack, string.unpack, string.packsize (manual §6.4.2), integer formats.

local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

print(hex(string.pack("i4", 1)), hex(string.pack(">i4", 1)), hex(string.pack("<i4", -2)))
print(hex(string.pack("b", -1)), hex(string.pack("B", 255)), hex(string.pack(">h", 0x1234)), hex(string.pack("<H", 0xfffe)))
print(hex(string.pack(">i3", -1)), hex(string.pack(">I3", 0x123456)), hex(string.pack("<i16", -2)), hex(string.pack(">I16", 1)))
print(hex(string.pack(">j", math.mininteger)), hex(string.pack("<J", -1)), hex(string.pack(">T", 5)), hex(string.pack(">l", 7)))
-- several values, endianness switches
print(hex(string.pack(">i2<i2=i2", 1, 1, 1)), string.packsize("i2i4i8"), string.packsize("!i1i8"))
-- strings: fixed size, length-prefixed, zero-terminated
print(hex(string.pack("c5", "ab")), hex(string.pack("s1", "hi")), hex(string.pack(">s2", "hi")), hex(string.pack("z", "hi")))
print(string.unpack("c2", "abcd"), string.unpack("s1", "\3xyzw"), string.unpack("z", "ab\0cd"), string.unpack("zz", "a\0b\0"))
-- padding and alignment
print(hex(string.pack("!4 b i4", 1, 2)), hex(string.pack("b x b", 1, 2)), hex(string.pack("!8 b Xi8 b", 1, 2)))
print(string.packsize("!4 b i4"), string.packsize("b Xi4"), string.packsize("!2 i1 i8"), string.packsize(""))
-- unpack returns values and the next position
print(string.unpack("<i2 i2", "\1\0\2\0"))
print(string.unpack(">I2", "\0\0\1\2", 3))
print(string.unpack("<i4", string.pack("<i4", -123456)), string.unpack("<I4", string.pack("<i4", -1)))
print(string.unpack("b", "\255"), string.unpack("B", "\255"), string.unpack("<i3", "\255\255\127"))
print(string.unpack("<i16", string.pack("<i16", math.mininteger)), string.unpack(">I9", "\0" .. string.pack(">j", -1)))
print(string.unpack("i1", "\5", -1), string.unpack("<i2", "abcd", -2))
-- round trips of integer extremes in every size
for _, fmt in ipairs({"<i1", "<i2", "<i4", "<i8", ">i5", "<I1", "<I2", ">I7"}) do
  local size = string.packsize(fmt)
  local maxv = size == 8 and math.maxinteger or (1 << (8 * size - 1)) - 1
  if fmt:find("I") then maxv = size == 8 and -1 or (1 << (8 * size)) - 1 end
  print(fmt, size, string.unpack(fmt, string.pack(fmt, maxv)) == maxv)
end
-- errors
print(pcall(string.pack, "i1", 128))
print(pcall(string.pack, "i1", -129))
print(pcall(string.pack, "I1", 256))
print(pcall(string.pack, "I1", -1))
print(pcall(string.pack, "i17", 1))
print(pcall(string.pack, "i0", 1))
print(pcall(string.pack, "y", 1))
print(pcall(string.pack, "i4"))
print(pcall(string.pack, "i4", "x"))
print(pcall(string.pack, "s1", ("x"):rep(256)))
print(pcall(string.pack, "z", "a\0b"))
print(pcall(string.pack, "c2", "abc"))
print(pcall(string.pack, "c"))
print(pcall(string.unpack, "i4", "abc"))
print(pcall(string.unpack, "z", "abc"))
print(pcall(string.unpack, "c4", "abc"))
print(pcall(string.unpack, "i4", "abcd", 10))
print(pcall(string.unpack, ">i9", "\1\0\0\0\0\0\0\0\0"))
print(pcall(string.unpack, ">i9", "\0\0\0\0\0\0\0\0\1"))
print(pcall(string.packsize, "s"))
print(pcall(string.packsize, "z"))
print(pcall(string.pack, "!3 i4", 1))
print(pcall(string.pack, "Xz", 1))
