-- Lexical conventions (manual §3.1): comments, escapes, long brackets, integer numerals.
-- Strings are shown byte by byte so that control characters stay visible.

local function bytes(s)
  local t = {}
  for i = 1, #s do t[#t + 1] = string.byte(s, i) end
  return #s .. ":" .. table.concat(t, ",")
end

-- simple escapes
print(bytes("\a\b\f\n\r\t\v\\\"\'"))
print(bytes('\'"'), bytes("'\""))
-- decimal escapes: up to three digits
print(bytes("\0\1\9\10\65\122\255"), bytes("\0651"), bytes("\1234"))
-- hexadecimal escapes: exactly two digits, either case
print(bytes("\x00\x41\x7a\x7A\xff\xFF"), bytes("\x410"))
-- UTF-8 escapes, including values beyond the Unicode range (up to 2^31)
print(bytes("\u{41}\u{0041}\u{000000041}"))
print(bytes("\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"))
print(bytes("\u{110000}"), bytes("\u{3FFFFFF}"), bytes("\u{4000000}"), bytes("\u{7FFFFFFF}"))
-- \z skips the following whitespace, including newlines
print(bytes("a\z
             b"), bytes("a\z   b"), bytes("a\z"))
-- backslash-newline is a newline
print(bytes("a\
b"))
-- an escaped CR/LF pair is one newline
print(bytes(load("return 'x\\\r\ny'")()), bytes(load("return 'x\\\n\ry'")()))

-- long strings of several levels; a first newline is skipped
print(bytes([[]]), bytes([[
]]), bytes([[

]]))
print([[a]] .. [=[b]]c]=] .. [==[d]=]e]==] .. [===[f]==]]===])
print([[
line1
line2]])
print([==[
]] ]=] [[ [=[ inside ]==])
-- no escapes are interpreted in long strings
print([[\n\t\x41\u{41}]])
-- end-of-line sequences in long strings are normalised to \n
print(bytes(load("return [[a\r\nb\n\rc\rd\ne]]")()))

--[[ a long comment
print("not printed")
]]
--[==[ a level-2 comment ]] still inside
print("not printed either") ]==] print("after level-2 comment")
---[[ a line comment that looks like a long one
print("line comment only")
--]]
--[=[]=] print("after empty long comment")

-- integer numerals
print(0, 00, 123, 0x0, 0xff, 0XFF, 0xA, 0xa, 0x7fffffffffffffff)
-- hexadecimal integers wrap around modulo 2^64
print(0xffffffffffffffff, 0x8000000000000000, 0x10000000000000000, 0x1ffffffffffffffff)
print(9223372036854775807, -9223372036854775807, math.mininteger == -9223372036854775807 - 1)
-- tokens need no separating space when unambiguous
local a=1;local b=2;print(a+b-1,a..b,-a- -b)
print(1 .. 2, #"abc"..#"de")

-- names: letters, digits, underscore; case sensitive
local _ = 1; local _x1, X1, x1 = 2, 3, 4
print(_, _x1, X1, x1)
-- reserved words cannot be names
print(load("local end = 1"))
print(load("local goto = 1"))
print(load("x = 'unfinished"))
print(load("x = [==[ unfinished ]=]"))
print(load("x = '\\q'"))
print(load("x = '\\xZZ'"))
print(load("x = '\\u{110000000}'"))
print(load("x = '\\256'"))
print(load("--[[ unfinished"))
print(load("x = @"))
