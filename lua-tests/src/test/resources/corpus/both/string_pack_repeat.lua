-- string.pack/unpack called again and again with one format (the engine keeps a plan of a
-- format it has read): every call must read its own data and raise its own errors.
local hdr = ">BBI2I2I2BBI2I4I4"
local sum = 0
for i = 1, 200 do
  local p = string.pack(hdr, 0x45, i % 256, 20 + i, i, 0x4000, 64, 6, 0, 0x0a000000 + i, 0xc0a80000 + i * 3)
  local v, tos, len, id, ff, ttl, proto, c, src, dst, nextpos = string.unpack(hdr, p)
  sum = sum + v + tos + len + id + ff + ttl + proto + c + src % 1000 + dst % 1000 + nextpos
end
print("sum", sum)
-- alignment that depends on where the variable-length items left the position
local fmt = "<!4 s1 i4 z I2 Xi4 i2 !8 j"
for _, s in ipairs({"", "a", "ab", "abc", "abcd"}) do
  local p = string.pack(fmt, s, -7, s .. "!", 513, -3, 1 << 40)
  print(#p, string.unpack(fmt, p))
end
-- the same format, then a short string, a missing argument, a bad one
print(pcall(string.unpack, hdr, "short"))
print(pcall(string.pack, hdr, 1, 2, 3))
print(pcall(string.pack, hdr, 1, 2, 3, 4, 5, 6, 7, 8, 9, "x"))
print(pcall(string.pack, hdr, 1, 2, 3, 4, 5, 6, 7, 8, 9, nil))
print(pcall(string.pack, hdr, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1 << 40))
print(pcall(string.unpack, "<i4", "\1\0\0\0", 2))
print(string.unpack("<i4", "\1\0\0\0\2\0\0\0", 5))
print(string.unpack("<i4", "\1\0\0\0\2\0\0\0", -4))
-- formats that differ in one byte, and equal formats made at run time
for _, f in ipairs({"<i2", ">i2", "<I2", ">I2", "<i" .. 2, ">" .. "I2"}) do
  print(f, string.unpack(f, "\255\1"))
end
-- an invalid format stays invalid however often it is used
for _ = 1, 3 do print(pcall(string.unpack, "i4 y", "\0\0\0\0\0")) end
print(pcall(string.pack, "i4 y", "x"))
-- a format with more values than the stack holds
print(pcall(string.unpack, ("B"):rep(300), ("\1"):rep(300)) and "ok")
-- b, h, j, l, J, T, c with fixed sizes; x padding
local f2 = "<bhjlJTc3x"
local p2 = string.pack(f2, -1, -300, -5, 7, 9, 11, "xyz")
print(#p2, string.unpack(f2, p2))
print(string.byte("\0\127\128\255\1", 1, -1))
